// The binary refuses configs it cannot compute and sizes it cannot hold, before allocating, with
// exit code 2 and one line naming the key or option.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>

#include "core/util/files.h"
#include "test_util.h"

using ropelab::testing::refused_with;
using ropelab::testing::run_cli;
using ropelab::testing::TempDir;

namespace {

void edit_config(const std::string& dir, const std::function<void(nlohmann::json&)>& edit) {
  auto j = ropelab::read_json_file(dir + "/config.json");
  edit(j);
  std::ofstream(dir + "/config.json") << j.dump(2);
}

TEST(ConfigRefusalsCli, InfoRefusesKeysThatChangeTheModel) {
  TempDir tmp;
  ASSERT_EQ(run_cli("init --config tiny --out " + (tmp / "m")).exit_code, 0);
  edit_config(tmp / "m", [](nlohmann::json& j) { j["sliding_window"] = 128; });
  auto r = run_cli("info --model " + (tmp / "m"));
  EXPECT_TRUE(refused_with(r, "config.json: sliding_window (128) is not supported"));
  edit_config(tmp / "m", [](nlohmann::json& j) {
    j.erase("sliding_window");
    j["hidden_act"] = "gelu";
  });
  r = run_cli("info --model " + (tmp / "m"));
  EXPECT_TRUE(refused_with(r, "hidden_act 'gelu' is not supported"));
  edit_config(tmp / "m", [](nlohmann::json& j) {
    j["hidden_act"] = "silu";
    j["max_position_embeddings"] = 1e30;
  });
  r = run_cli("info --model " + (tmp / "m"));
  EXPECT_TRUE(refused_with(r, "'max_position_embeddings' (1e+30) is not an integer in range"));
}

TEST(ConfigRefusalsCli, AStrayWordIsNamedNotCalledAnAmbiguousOption) {
  // `info m` (the model directory without --model) once reported an option "ambiguous" with all 22.
  auto r = run_cli("info some-model-dir");
  EXPECT_TRUE(refused_with(r, "unexpected argument 'some-model-dir': this command takes only --options"));
  EXPECT_EQ(r.output.find("ambiguous"), std::string::npos) << r.output;
}

TEST(ConfigRefusalsCli, HostileSizesAreRefusedBeforeAllocating) {
  TempDir tmp;
  nlohmann::json cfg = {{"model_type", "llama"},
                        {"vocab_size", 32000},
                        {"hidden_size", 4096},
                        {"intermediate_size", 11008},
                        {"num_hidden_layers", 1000000000},
                        {"num_attention_heads", 32},
                        {"max_position_embeddings", 4096}};
  std::ofstream(tmp / "huge.json") << cfg.dump();
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run_cli("init --config " + (tmp / "huge.json") + " --out " + (tmp / "m") + " --threads 1");
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(refused_with(r, "the model would have 2.02e+17 parameters"));
  EXPECT_LT(secs, 20.0) << "refusal must come before any allocation";
  // 10^4 layers is in range but fits no disk: refused with the amount it would need.
  cfg["num_hidden_layers"] = 10000;
  std::ofstream(tmp / "big.json") << cfg.dump();
  r = run_cli("init --config " + (tmp / "big.json") + " --out " + (tmp / "m") + " --threads 1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("parameters in float32 needs 7.36 TiB; "), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(tmp / "m"));
}

TEST(ConfigRefusalsCli, UnsignedOptionsRefuseNegativeValues) {
  TempDir tmp;
  auto r = run_cli("init --config tiny --seed -1 --out " + (tmp / "m"));
  EXPECT_TRUE(refused_with(r, "--seed (-1) must be a non-negative integer"));
  std::ofstream(tmp / "o.ini") << "seed = -3\n";
  r = run_cli("init --config tiny --config " + (tmp / "o.ini") + " --out " + (tmp / "m"));
  EXPECT_TRUE(refused_with(r, "o.ini: --seed (-3) must be a non-negative integer"));
}

// Found by fuzz/targets/cli_inputs.cpp: Boost.Program_options' error message for an option name
// holding "%canonical_option%" never finished building (an endless placeholder loop).
TEST(ConfigRefusalsCli, IniKeysWithPlaceholdersAreRefusedNotHung) {
  TempDir tmp;
  ASSERT_EQ(run_cli("init --config tiny --out " + (tmp / "m")).exit_code, 0);
  std::ofstream(tmp / "bad.ini") << "x%canonical_option%r = 1\n";
  auto r = run_cli("passkey --model " + (tmp / "m") + " --config " + (tmp / "bad.ini") +
                   " --lengths 64 --out " + (tmp / "e.h5"));
  EXPECT_TRUE(refused_with(r, "bad.ini: unrecognised option"));
  r = run_cli("passkey --model " + (tmp / "m") + " --lengths 64 --out " + (tmp / "e.h5") + " --%value%=1");
  EXPECT_TRUE(refused_with(r, "unrecognised option"));
}

// A length whose KV cache alone exceeds the machine's memory is refused before the model loads.
TEST(ConfigRefusalsCli, AbsurdLengthsAreRefusedWithTheirSize) {
  TempDir tmp;
  ASSERT_EQ(run_cli("init --config tiny --out " + (tmp / "m")).exit_code, 0);
  std::ofstream(tmp / "docs.txt") << "A short document.\n";
  for (const std::string cmd :
       {"passkey --lengths 64,1000000000000", "entropy --data DOCS --lengths 1000000000000"}) {
    std::string c = cmd;
    if (auto at = c.find("DOCS"); at != std::string::npos) c.replace(at, 4, tmp / "docs.txt");
    auto r = run_cli(c + " --model " + (tmp / "m") + " --out " + (tmp / "e.h5") + " --run r");
    EXPECT_TRUE(refused_with(r, "--lengths 1000000000000 (the KV cache of one sequence) needs "));
    EXPECT_NE(r.output.find("this machine has"), std::string::npos) << r.output;
  }
  auto r = run_cli("ppl --model " + (tmp / "m") + " --data " + (tmp / "docs.txt") +
                   " --lengths 1000000000000 --out " + (tmp / "e.h5"));
  EXPECT_TRUE(refused_with(r, "(the KV cache and every position's logits of one sequence) needs "));
}

// Every command that tokenizes for a model checks the tokenizer against the model's vocabulary
// (finetune and pretrain did not), and user-given ids against the embedding (generate did not).
TEST(ConfigRefusalsCli, TokenizerAndIdsMustFitTheModelVocabulary) {
  TempDir tmp;
  ASSERT_EQ(run_cli("tokenizer train --input " + std::string(ROPELAB_DATA_DIR) +
                    "/corpus/fortunes-min.txt --vocab-size 400 --out " + (tmp / "tok/tokenizer.model"))
                .exit_code,
            0);
  ASSERT_EQ(
      run_cli("init --config tiny --tokenizer " + (tmp / "tok/tokenizer.model") + " --out " + (tmp / "m"))
          .exit_code,
      0);
  edit_config(tmp / "m", [](nlohmann::json& j) { j["vocab_size"] = 300; });
  std::ofstream(tmp / "c.json")
      << R"([{"id": "a", "conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "yo"}]}])";
  auto r =
      run_cli("finetune --model " + (tmp / "m") + " --data " + (tmp / "c.json") + " --out " + (tmp / "ft"));
  EXPECT_TRUE(refused_with(r, " pieces but the model's vocab_size is 300"));
  ASSERT_EQ(run_cli("init --config tiny --out " + (tmp / "g")).exit_code, 0);
  std::ofstream(tmp / "ids.txt") << "1 999999 3\n";
  r = run_cli("generate --model " + (tmp / "g") + " --tokens-file " + (tmp / "ids.txt") +
              " --max-new-tokens 2");
  EXPECT_TRUE(refused_with(r, "ids.txt: token 2 (id 999999) is outside the model's vocabulary [0, "));
}

}  // namespace
