// `ropelab bench train`: training throughput (tokens/s, forward + backward + AdamW) and peak
// memory at several sequence lengths, with and without activation checkpointing — the real
// trainer (train_model) on random tokens, one sequence per step. Peak tensor memory is counted
// exactly (CPU: the counting allocator; CUDA: the caching allocator's peak) and shown beside the
// memory plan's prediction for the same step (core/plan/memory_plan.h).
#include <torch/torch.h>

#include <functional>
#include <iomanip>
#include <iostream>

#include "core/model/checkpoint.h"
#include "core/plan/memory_plan.h"
#include "core/train/trainer.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/version.h"
#include "experiments/bench_memory.h"
#include "experiments/commands.h"
#include "experiments/parse_options.h"
#include "experiments/tensor_memory.h"

namespace ropelab {

double bench_train_tokens_per_s(LlamaForCausalLM& model, int64_t T, int steps, bool checkpointing,
                                const std::function<void()>& after_step) {
  std::vector<TrainExample> ex(1);
  auto ids = torch::randint(0, model->config.vocab_size, {T}, torch::kLong);
  ex[0].ids.assign(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + T);
  ex[0].mask.assign(size_t(T), 1);
  ex[0].mask[0] = 0;
  TrainConfig cfg;
  cfg.global_batch = 1;
  cfg.max_steps = steps;
  cfg.lr = 1e-5;
  cfg.checkpoint_layers = checkpointing;
  cfg.clip_grad_norm = 0;
  AtomicDir tmp(fs::temp_directory_path() / ("ropelab-bench-train-" + std::to_string(::getpid())), true);
  TrainOutputs o;
  o.out_dir = tmp.path();
  o.run_name = "bench";
  Communicator comm(DistConfig{}, model->device());
  double best = 0;
  train_model(model, ex, cfg, o, comm, [&](const StepReport& r) {
    best = std::max(best, r.record.tokens_per_s);
    if (after_step) after_step();
  });
  return best;
}

int run_bench_train(const cli::Args& args) {
  using namespace cli;
  po::options_description d("ropelab bench train");
  add_common_options(d);
  add_model_options(d, /*model_required=*/false);
  d.add_options()("arch", po::value<std::string>()->default_value("tiny"), "random model of a preset shape")(
      "lengths", po::value<std::string>()->default_value("1024,4096"), "sequence lengths")(
      "steps", po::value<int>()->default_value(3), "timed optimizer steps per setting (best is reported)")(
      "checkpointing", po::value<std::string>()->default_value("off,on"),
      "activation checkpointing settings");
  const auto vm =
      parse_command("ropelab bench train [--model DIR | --arch PRESET] --lengths 1024,4096", d, args);
  install_tensor_memory_counter();  // before any model: every tensor of a case is counted
  auto lengths = parse_int_list(vm["lengths"].as<std::string>(), "--lengths");
  const int steps = vm["steps"].as<int>();
  check_input(steps >= 1 && steps <= 1000, "--steps (", steps, ") must be in [1, 1000]");
  std::vector<bool> ckpt;
  {
    std::stringstream ss(vm["checkpointing"].as<std::string>());
    std::string item;
    while (std::getline(ss, item, ','))
      check_input(item == "on" || item == "off", "--checkpointing: '", item, "' (valid: on, off)"),
          ckpt.push_back(item == "on");
  }
  auto make_model = [&] {
    if (vm.count("model")) return load_model_from_options(vm, false);
    auto cfg = ModelConfig::preset(vm["arch"].as<std::string>());
    check_input(cfg.has_value(), "--arch: unknown preset '", vm["arch"].as<std::string>(),
                "'; valid: ", ModelConfig::preset_names());
    auto device = parse_device(vm["device"].as<std::string>());
    LlamaForCausalLM m(*cfg);
    m->init_weights(0);
    m->to(resolve_compute_dtype(vm["dtype"].as<std::string>(), device, cfg->torch_dtype));
    m->to(device);
    return m;
  };
  std::cout << "# " << version_text().substr(0, version_text().find('\n')) << ", " << at::get_num_threads()
            << " threads\n";
  std::cout << std::setw(8) << "T" << std::setw(14) << "checkpoint" << std::setw(14) << "tokens/s"
            << std::setw(12) << "s/step" << std::setw(10) << "RSS MiB" << std::setw(12) << "fwd+bwd"
            << std::setw(10) << "plan" << std::setw(12) << "step" << std::setw(10) << "plan"
            << "   (tensor MiB: counted / planned)\n";
  for (int64_t T : lengths) {
    check_input(T >= 2, "--lengths: lengths must be >= 2");
    for (bool on : ckpt) {
      auto model = make_model();
      check_input(T <= model->config.max_position_embeddings * 64, "--lengths: ", T,
                  " is far beyond the window");
      MemoryPlanConfig pc;
      pc.model = model->config;
      pc.seq_len = T;
      pc.checkpoint_layers = on;
      pc.compute_bytes = int64_t(c10::elementSize(model->dtype()));
      const MemoryPlan plan = plan_memory(pc);
      const torch::Device device = model->device();
      // Peak tensor bytes since the last reset: the counting allocator on CPU, the caching
      // allocator's statistics on CUDA.
      auto tensor_peak = [&] { return device.is_cpu() ? tensor_bytes_peak() : peak_memory_bytes(device); };
      auto reset_tensor_peak = [&] {
        device.is_cpu() ? reset_tensor_bytes_peak() : reset_peak_memory(device);
      };
      reset_peak_memory(torch::Device(torch::kCPU));
      reset_tensor_peak();
      // The embedding's weight gradient is the last one backward produces: the peak seen then is the
      // forward + backward peak, before the optimizer step adds its fp32 gradient copies.
      int64_t fwd_bwd = 0, step_peak = 0;
      auto hook = model->model->embed_tokens->weight.register_hook(
          [&](const torch::Tensor&) { fwd_bwd = std::max(fwd_bwd, tensor_peak()); });
      const double best = bench_train_tokens_per_s(model, T, steps, on, [&] {
        step_peak = std::max(step_peak, tensor_peak());
        reset_tensor_peak();
      });
      model->model->embed_tokens->weight.remove_hook(hook);
      const double mib = 1 << 20;
      const double peak = double(peak_memory_bytes(torch::Device(torch::kCPU))) / mib;  // host VmHWM
      const double planned = double(plan.peak_bytes) / mib;
      std::cout << std::setw(8) << T << std::setw(14) << (on ? "on" : "off") << std::setw(14) << std::fixed
                << std::setprecision(1) << best << std::setw(12) << std::setprecision(3) << double(T) / best
                << std::setw(10) << std::setprecision(0) << peak << std::setprecision(1) << std::setw(12)
                << double(fwd_bwd) / mib << std::setw(10) << double(plan.fwd_bwd_peak_bytes) / mib
                << std::setw(12) << double(step_peak) / mib << std::setw(10) << planned << "\n"
                << std::flush;
    }
  }
  return 0;
}

}  // namespace ropelab
