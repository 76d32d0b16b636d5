// `ropelab bench forward`: prefill throughput and peak memory of a model (or a preset-shaped
// random model, e.g. one LLaMA-2-7B decoder layer) at several sequence lengths.
#include <torch/torch.h>

#include <chrono>
#include <iomanip>
#include <iostream>

#include "core/model/checkpoint.h"
#include "core/util/dtype.h"
#include "core/util/error.h"
#include "core/util/version.h"
#include "experiments/bench_memory.h"
#include "experiments/commands.h"
#include "experiments/parse_options.h"

namespace ropelab::cli {

namespace {

LlamaForCausalLM bench_model(const po::variables_map& vm) {
  if (vm.count("model")) return load_model_from_options(vm);
  check_input(vm.count("arch") > 0, "give --model DIR or --arch PRESET (", ModelConfig::preset_names(), ")");
  auto cfg = ModelConfig::preset(vm["arch"].as<std::string>());
  check_input(cfg.has_value(), "--arch: unknown preset '", vm["arch"].as<std::string>(),
              "'; valid: ", ModelConfig::preset_names());
  auto device = parse_device(vm["device"].as<std::string>());
  auto dtype = resolve_compute_dtype(vm["dtype"].as<std::string>(), device, cfg->torch_dtype);
  if (auto r = rope_override(vm, *cfg)) cfg->rope = *r;
  LlamaForCausalLM m(*cfg);
  m->init_weights(0);
  m->to(dtype);
  m->to(device);
  m->eval();
  return m;
}

int bench_forward(const Args& args) {
  po::options_description d = model_command_options("ropelab bench forward", /*model_required=*/false);
  d.add_options()("arch", po::value<std::string>(), "random model of a preset shape instead of --model")(
      "lengths", po::value<std::string>()->default_value("512,2048"), "sequence lengths")(
      "repeats", po::value<int>()->default_value(3), "timed repetitions (best is reported)");
  const auto vm =
      parse_command("ropelab bench forward (--model DIR | --arch PRESET) --lengths 512,2048", d, args);
  auto lengths = parse_int_list(vm["lengths"].as<std::string>(), "--lengths");
  const int repeats = vm["repeats"].as<int>();
  check_input(repeats >= 1, "--repeats must be >= 1");
  auto model = bench_model(vm);
  torch::NoGradGuard ng;
  std::cout << "# " << version_text().substr(0, version_text().find('\n')) << ", " << at::get_num_threads()
            << " threads, " << model->num_parameters() << " parameters, " << c10::toString(model->dtype())
            << " on " << model->device().str() << "\n";
  std::cout << std::setw(8) << "T" << std::setw(14) << "tokens/s" << std::setw(12) << "ms" << std::setw(16)
            << "peak MiB"
            << "\n";
  for (int64_t T : lengths) {
    check_input(T >= 1, "--lengths: lengths must be >= 1");
    reset_peak_memory(model->device());
    const double best = bench_prefill_seconds(model, T, repeats);
    int64_t peak = peak_memory_bytes(model->device());
    std::cout << std::setw(8) << T << std::setw(14) << std::fixed << std::setprecision(1) << double(T) / best
              << std::setw(12) << best * 1e3 << std::setw(16) << double(peak) / (1 << 20) << "\n";
  }
  return 0;
}

}  // namespace

double bench_prefill_seconds(LlamaForCausalLM& model, int64_t T, int repeats) {
  torch::NoGradGuard ng;
  auto ids = torch::randint(0, model->config.vocab_size, {1, T}, torch::kLong).to(model->device());
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    auto h = model->hidden_states(ids);
    auto last = model->logits_from_hidden(h.narrow(1, T - 1, 1));
    if (model->device().is_cuda()) torch::cuda::synchronize();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

int run_bench(const Args& args) {
  return dispatch_action("bench", args,
                         {{"forward", bench_forward},
                          {"entropy", run_bench_entropy},
                          {"train", run_bench_train},
                          {"hf", run_bench_hf}});
}

}  // namespace ropelab::cli
