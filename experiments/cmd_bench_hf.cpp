// `ropelab bench hf`: the same workloads in ropelab and in Hugging Face transformers, one run, same
// machine, same threads, fp32, random weights of a preset shape. transformers runs in the interop
// virtual environment's Python (tests/interop/requirements.txt) as a subprocess, one fresh process
// per case (tests/interop/bench_hf.py); it is a reference here, never a dependency of ropelab.
//   prefill  one sequence, logits of the last position           (tokens/s, peak memory)
//   train    one optimizer step: forward, loss, backward, AdamW   (tokens/s, peak memory)
//   entropy  attention entropy of every layer, head and position: ropelab's fused recording
//            (EntropyRecorder) against transformers' only way, output_attentions=True with eager
//            attention, then -sum p ln p                           (seconds, peak memory)
// Memory: peak resident set (VmHWM, reset before each case) above the resident set before it, so
// that the interpreter's and the libraries' own footprint is not counted against transformers.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "core/instrument/entropy_recorder.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/version.h"
#include "experiments/bench_memory.h"
#include "experiments/commands.h"

namespace ropelab {

namespace {

struct Result {
  double secs = 0;  // best wall-clock seconds of the case
  double mib = 0;   // peak resident MiB above the pre-case resident set
};

std::string default_python() {
  if (const char* p = std::getenv("ROPELAB_INTEROP_PYTHON"); p && *p) return p;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "") + "/.cache/ropelab/venv-interop/bin/python";
}

std::string default_script() {
  return (fs::path(__FILE__).parent_path().parent_path() / "tests" / "interop" / "bench_hf.py").string();
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The transformers LlamaConfig arguments of a ropelab config (default RoPE, as the presets).
nlohmann::json hf_config(const ModelConfig& c) {
  return {{"vocab_size", c.vocab_size},
          {"hidden_size", c.hidden_size},
          {"intermediate_size", c.intermediate_size},
          {"num_hidden_layers", c.num_hidden_layers},
          {"num_attention_heads", c.num_attention_heads},
          {"num_key_value_heads", c.num_key_value_heads},
          {"head_dim", c.head_dim()},
          {"max_position_embeddings", c.max_position_embeddings},
          {"rms_norm_eps", c.rms_norm_eps},
          {"rope_theta", c.rope.theta},
          {"tie_word_embeddings", c.tie_word_embeddings}};
}

Result run_hf(const std::string& python, const std::string& script, const std::string& what,
              const ModelConfig& c, int64_t T, int repeats, int threads) {
  const std::string cmd = shell_quote(python) + " " + shell_quote(script) + " " + what + " " +
                          shell_quote(hf_config(c).dump()) + " " + std::to_string(T) + " " +
                          std::to_string(repeats) + " " + std::to_string(threads) + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  check_input(pipe != nullptr, "bench hf: cannot run ", python);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = pclose(pipe);
  const std::string last =
      out.substr(out.find_last_of('{') == std::string::npos ? out.size() : out.find_last_of('{'));
  check_input(status == 0 && !last.empty(), "bench hf: ", script, " (", what, ", T=", T, ") failed:\n", out);
  auto j = nlohmann::json::parse(last);
  return {j["secs"].get<double>(), j["peak_mib"].get<double>() - j["base_mib"].get<double>()};
}

template <typename F>
Result run_ours(c10::Device device, F&& fn) {
  reset_peak_memory(device);
  const double base = double(current_rss_bytes()) / (1 << 20);
  Result r;
  r.secs = fn();
  r.mib = double(peak_memory_bytes(device)) / (1 << 20) - base;
  return r;
}

LlamaForCausalLM random_model(const ModelConfig& cfg) {
  LlamaForCausalLM m(cfg);
  m->init_weights(0);
  m->to(torch::kFloat32);
  return m;
}

double entropy_seconds(LlamaForCausalLM& model, int64_t T, int repeats) {
  torch::NoGradGuard ng;
  const auto& cfg = model->config;
  auto ids = torch::randint(0, cfg.vocab_size, {1, T}, torch::kLong);
  auto positions = torch::arange(T, torch::kLong);
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    EntropyRecorderOptions ro;
    ro.num_layers = cfg.num_hidden_layers;
    ro.num_heads = cfg.num_attention_heads;
    ro.seq_len = T;
    EntropyRecorder rec(ro);
    ObserverList obs{&rec};
    ForwardOptions fo;
    fo.observers = &obs;
    auto t0 = std::chrono::steady_clock::now();
    model->hidden_states(ids, positions, fo);
    rec.end_batch(1);
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

}  // namespace

int run_bench_hf(const cli::Args& args) {
  using namespace cli;
  po::options_description d("ropelab bench hf");
  add_common_options(d);
  d.add_options()("archs", po::value<std::string>()->default_value("tiny,llama2-7b-layer"), "preset shapes")(
      "lengths", po::value<std::string>()->default_value("1024,4096"),
      "prefill and entropy sequence lengths")(
      "train-lengths", po::value<std::string>()->default_value("1024"), "training-step sequence lengths")(
      "repeats", po::value<int>()->default_value(2), "timed repetitions per case (best is reported)")(
      "cases", po::value<std::string>()->default_value("prefill,train,entropy"), "workloads")(
      "python", po::value<std::string>()->default_value(default_python()),
      "Python with torch and transformers (the interop virtual environment)")(
      "script", po::value<std::string>()->default_value(default_script()), "the transformers side")(
      "out", po::value<std::string>(), "also write the results as JSON");
  const auto vm = parse_command(
      "ropelab bench hf [--archs tiny,llama2-7b-layer] [--lengths 1024,4096] --threads 2", d, args);
  const int threads = vm["threads"].as<int>(), repeats = vm["repeats"].as<int>();
  check_input(repeats >= 1 && repeats <= 100, "--repeats (", repeats, ") must be in [1, 100]");
  const std::string python = vm["python"].as<std::string>(), script = vm["script"].as<std::string>();
  check_input(fs::exists(python), "--python ", python, ": not found (make interop-venv creates it)");
  check_input(fs::exists(script), "--script ", script, ": not found");
  std::vector<std::string> archs, cases;
  for (auto* list : {&archs, &cases}) {
    std::stringstream ss(vm[list == &archs ? "archs" : "cases"].as<std::string>());
    for (std::string item; std::getline(ss, item, ',');) list->push_back(item);
  }
  for (const auto& c : cases)
    check_input(c == "prefill" || c == "train" || c == "entropy", "--cases: unknown '", c,
                "' (valid: prefill, train, entropy)");
  const auto lengths = parse_int_list(vm["lengths"].as<std::string>(), "--lengths");
  const auto train_lengths = parse_int_list(vm["train-lengths"].as<std::string>(), "--train-lengths");
  for (auto T : lengths) check_input(T >= 2, "--lengths: lengths must be >= 2");
  for (auto T : train_lengths) check_input(T >= 2, "--train-lengths: lengths must be >= 2");

  std::cout << "# " << version_text().substr(0, version_text().find('\n')) << " vs transformers (" << python
            << "), " << threads << " threads, fp32 CPU, random weights\n";
  std::cout << std::left << std::setw(17) << "arch" << std::setw(9) << "case" << std::right << std::setw(7)
            << "T" << std::setw(13) << "ropelab s" << std::setw(10) << "HF s" << std::setw(9) << "HF/rl"
            << std::setw(13) << "ropelab MiB" << std::setw(10) << "HF MiB" << std::setw(9) << "HF/rl"
            << "\n";
  nlohmann::json rows = nlohmann::json::array();
  const c10::Device cpu(torch::kCPU);
  for (const auto& arch : archs) {
    auto cfg = ModelConfig::preset(arch);
    check_input(cfg.has_value(), "--archs: unknown preset '", arch,
                "'; valid: ", ModelConfig::preset_names());
    for (const auto& what : cases) {
      for (int64_t T : what == "train" ? train_lengths : lengths) {
        auto model = random_model(*cfg);
        Result ours;
        if (what == "prefill") {
          model->eval();
          ours = run_ours(cpu, [&] { return bench_prefill_seconds(model, T, repeats); });
        } else if (what == "train") {
          ours =
              run_ours(cpu, [&] { return double(T) / bench_train_tokens_per_s(model, T, repeats, false); });
        } else {
          model->eval();
          ours = run_ours(cpu, [&] { return entropy_seconds(model, T, repeats); });
        }
        model = nullptr;  // free it before the other process runs
        const Result hf = run_hf(python, script, what, *cfg, T, repeats, threads);
        std::cout << std::left << std::setw(17) << arch << std::setw(9) << what << std::right << std::setw(7)
                  << T << std::fixed << std::setprecision(3) << std::setw(13) << ours.secs << std::setw(10)
                  << hf.secs << std::setprecision(2) << std::setw(9) << hf.secs / ours.secs
                  << std::setprecision(0) << std::setw(13) << ours.mib << std::setw(10) << hf.mib
                  << std::setprecision(2) << std::setw(9) << hf.mib / std::max(ours.mib, 1.0) << "\n"
                  << std::flush;
        rows.push_back({{"arch", arch},
                        {"case", what},
                        {"T", T},
                        {"ropelab_s", ours.secs},
                        {"hf_s", hf.secs},
                        {"ropelab_tokens_per_s", double(T) / ours.secs},
                        {"hf_tokens_per_s", double(T) / hf.secs},
                        {"ropelab_mib", ours.mib},
                        {"hf_mib", hf.mib}});
      }
    }
  }
  if (vm.count("out")) {
    nlohmann::json j = {
        {"provenance", provenance_json()}, {"threads", threads}, {"repeats", repeats}, {"rows", rows}};
    write_text_file_atomic(vm["out"].as<std::string>(), j.dump(2) + "\n");
  }
  return 0;
}

}  // namespace ropelab
