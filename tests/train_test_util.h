// Shared by the tests: a small tokenizer trained once per process on the shipped corpus,
// ShareGPT files written on the fly, and a micro model directory made with `ropelab init`.
#pragma once
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "core/text/tokenizer.h"
#include "test_util.h"

namespace ropelab::testing {

// tokenizer.model of `vocab_size` pieces trained on the shipped corpus, once per test process and size.
inline const std::string& corpus_tokenizer_path(int vocab_size) {
  static TempDir dir;
  static std::map<int, std::string> paths;
  auto it = paths.find(vocab_size);
  if (it != paths.end()) return it->second;
  TokenizerTrainOptions o;
  o.inputs = {std::string(ROPELAB_DATA_DIR) + "/corpus/fortunes-min.txt"};
  o.output_model = dir / ("tok" + std::to_string(vocab_size) + "/tokenizer.model");
  o.vocab_size = vocab_size;
  o.threads = 1;
  std::filesystem::create_directories(std::filesystem::path(o.output_model).parent_path());
  train_tokenizer(o);
  return paths.emplace(vocab_size, o.output_model).first->second;
}
inline const std::string& shared_tokenizer_path() { return corpus_tokenizer_path(600); }

// A deterministic multi-turn conversation in ShareGPT form, built from corpus-like sentences.
inline nlohmann::json sharegpt_record(int i, int turns) {
  static const char* kWords[] = {"green", "blue", "river", "stone", "light", "north", "seven", "quiet"};
  nlohmann::json conv = nlohmann::json::array();
  if (i % 3 == 0) conv.push_back({{"from", "system"}, {"value", "You answer briefly."}});
  for (int t = 0; t < turns; ++t) {
    std::string key = kWords[(i + t) % 8], val = kWords[(i * 3 + t * 5 + 1) % 8];
    conv.push_back(
        {{"from", "human"},
         {"value", "The " + key + " word is " + val + ". Remember it well. What is the " + key + " word?"}});
    conv.push_back({{"from", "gpt"}, {"value", "The " + key + " word is " + val + "."}});
  }
  return {{"id", "conv-" + std::to_string(i)}, {"conversations", conv}};
}

inline void write_sharegpt(const std::string& path, int n, int turns = 2) {
  nlohmann::json arr = nlohmann::json::array();
  for (int i = 0; i < n; ++i) arr.push_back(sharegpt_record(i, turns));
  std::ofstream(path) << arr.dump(1);
}

// `ropelab init` of a micro LLaMA (hidden 64, 2 layers, window 64) with the shared tokenizer.
inline std::string make_micro_model_dir(const TempDir& tmp, const std::string& name = "base") {
  nlohmann::json cfg = {{"architectures", {"LlamaForCausalLM"}},
                        {"model_type", "llama"},
                        {"vocab_size", 600},
                        {"hidden_size", 64},
                        {"intermediate_size", 128},
                        {"num_hidden_layers", 2},
                        {"num_attention_heads", 4},
                        {"num_key_value_heads", 2},
                        {"max_position_embeddings", 64},
                        {"rms_norm_eps", 1e-5},
                        {"rope_theta", 10000.0},
                        {"torch_dtype", "float32"}};
  std::ofstream(tmp / (name + ".json")) << cfg.dump();
  auto r = run_cli("init --config " + (tmp / (name + ".json")) + " --seed 1 --tokenizer " +
                   shared_tokenizer_path() + " --out " + (tmp / name));
  if (r.exit_code != 0) throw std::runtime_error("init failed: " + r.output);
  return tmp / name;
}

// One Tokenizer over shared_tokenizer_path(), loaded once per test binary.
inline const Tokenizer& shared_tokenizer() {
  static Tokenizer tok(shared_tokenizer_path());
  return tok;
}

}  // namespace ropelab::testing
