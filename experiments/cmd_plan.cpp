// `ropelab plan`: the training memory plan (core/plan/memory_plan.h) of one rank — bytes of every
// component, the candidate peaks of a step, and whether the peak fits a device.
#include <iomanip>
#include <iostream>

#include "core/model/checkpoint.h"
#include "core/plan/memory_plan.h"
#include "core/util/dtype.h"
#include "core/util/error.h"
#include "experiments/commands.h"
#include "experiments/parse_options.h"

namespace ropelab::cli {

int run_plan(const Args& args) {
  po::options_description d("ropelab plan");
  add_common_options(d);
  d.add_options()(
      "arch", po::value<std::string>(),
      ("architecture: a preset (" + ModelConfig::preset_names() + ") or an HF config.json").c_str())(
      "model", po::value<std::string>(), "model directory (its config.json), instead of --arch")(
      "max-length", po::value<int64_t>()->default_value(4096), "tokens per training sequence")(
      "micro-batch", po::value<int64_t>()->default_value(1), "sequences per forward pass")(
      "world-size", po::value<int64_t>()->default_value(1), "data-parallel ranks")(
      "zero", po::value<int>()->default_value(0),
      "ZeRO stage: 0, 1 (shard master + moments), 2 (+ gradients)")(
      "checkpoint-layers", po::bool_switch(), "activation checkpointing per decoder layer")(
      "dtype", po::value<std::string>()->default_value("auto"),
      "compute dtype: fp32, bf16, fp16, auto (the config's torch_dtype)")(
      "gpu-memory", po::value<std::string>(),
      "memory per device (80GB = 80e9 B, 80GiB = 80 * 2^30 B): prints whether the peak fits");
  const auto vm = parse_command(
      "ropelab plan --arch llama2-7b --max-length 16384 --world-size 4 --zero 2 --checkpoint-layers "
      "--gpu-memory 80GB",
      d, args);
  check_input(vm.count("arch") + vm.count("model") == 1,
              "give exactly one of --arch PRESET|config.json and --model DIR");

  MemoryPlanConfig pc;
  if (vm.count("model")) {
    pc.model = read_checkpoint_config(vm["model"].as<std::string>());
  } else {
    const std::string spec = vm["arch"].as<std::string>();
    if (auto p = ModelConfig::preset(spec)) {
      pc.model = *p;
    } else {
      check_input(spec.size() > 5 && spec.substr(spec.size() - 5) == ".json", "--arch '", spec,
                  "': not a preset (", ModelConfig::preset_names(), ") nor a .json file");
      pc.model = load_model_config(spec);
    }
  }
  const std::string dt = vm["dtype"].as<std::string>();
  const auto dtype = dt == "auto" ? dtype_from_torch_name(pc.model.torch_dtype) : dtype_from_cli(dt);
  pc.compute_bytes = int64_t(c10::elementSize(dtype));
  pc.seq_len = vm["max-length"].as<int64_t>();
  pc.micro_batch = vm["micro-batch"].as<int64_t>();
  pc.world_size = vm["world-size"].as<int64_t>();
  pc.zero_stage = vm["zero"].as<int>();
  pc.checkpoint_layers = vm["checkpoint-layers"].as<bool>();
  const int64_t gpu =
      vm.count("gpu-memory") ? parse_byte_size(vm["gpu-memory"].as<std::string>(), "--gpu-memory") : 0;
  check_input(!vm.count("gpu-memory") || gpu > 0, "--gpu-memory must be a positive size");
  const MemoryPlan plan = plan_memory(pc);

  std::cout << "# training memory per rank: " << plan.parameters << " parameters, T = " << pc.seq_len
            << ", micro-batch " << pc.micro_batch << ", " << dtype_cli_name(dtype) << ", world size "
            << pc.world_size << ", ZeRO-" << pc.zero_stage << ", layer checkpointing "
            << (pc.checkpoint_layers ? "on" : "off") << "\n";
  auto row = [](const PlanItem& it) {
    std::cout << "  " << std::left << std::setw(38) << it.name << std::right << std::setw(12)
              << format_bytes(it.bytes) << "   " << it.how << "\n";
  };
  std::cout << "components:\n";
  for (const auto& c : plan.components) row(c);
  std::cout << "live at each candidate peak:\n";
  for (const auto& p : plan.phases) row(p);
  std::cout << "peak: " << format_bytes(plan.peak_bytes) << " (" << plan.peak_bytes << " bytes) at \""
            << plan.peak_phase << "\"\n";
  std::cout << "forward + backward peak: " << format_bytes(plan.fwd_bwd_peak_bytes) << " ("
            << plan.fwd_bwd_peak_bytes << " bytes)\n";
  std::cout << "not included: CUDA context, allocator caching / fragmentation, communication buffers\n";
  if (gpu > 0) {
    const int64_t margin = gpu - plan.peak_bytes;
    std::cout << (margin >= 0 ? "fits" : "does NOT fit") << " in " << vm["gpu-memory"].as<std::string>()
              << " (" << format_bytes(gpu) << "): " << format_bytes(margin >= 0 ? margin : -margin)
              << (margin >= 0 ? " to spare" : " over") << "\n";
  }
  return 0;
}

}  // namespace ropelab::cli
