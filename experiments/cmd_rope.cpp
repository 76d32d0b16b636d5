// `ropelab rope show`: what a RoPE method does to every rotary pair, before training with it.
#include <cmath>
#include <iomanip>
#include <iostream>

#include "core/io/checkpoint.h"
#include "core/util/error.h"
#include "experiments/commands.h"

namespace ropelab::cli {

int run_rope(const Args& args) {
  check_input(!args.empty() && (args[0] == "show" || args[0] == "--help" || args[0] == "-h"),
              "usage: ropelab rope show --model DIR [--rope ...] [--positions 1024,4096] [--csv]");
  Args rest(args.begin() + (args[0] == "show" ? 1 : 0), args.end());
  po::options_description d("ropelab rope show");
  add_common_options(d);
  d.add_options()("model", po::value<std::string>(), "model directory (its config.json is read)")(
      "arch", po::value<std::string>(), ("instead of --model: a preset (" + ModelConfig::preset_names() + ")").c_str())(
      "positions", po::value<std::string>()->default_value("1024,4096,16384"),
      "0-based query positions at which to show attention_factor and t")(
      "csv", po::bool_switch(), "CSV instead of a table");
  add_rope_options(d);
  po::variables_map vm;
  if (!parse("ropelab rope show --model DIR [--rope METHOD ...] [--positions ...] [--csv]", d, rest, vm)) return 0;
  check_input(vm.count("model") + vm.count("arch") == 1, "give exactly one of --model DIR or --arch PRESET");
  ModelConfig cfg;
  if (vm.count("model")) {
    cfg = read_checkpoint_config(vm["model"].as<std::string>());
  } else {
    auto p = ModelConfig::preset(vm["arch"].as<std::string>());
    check_input(p.has_value(), "--arch: unknown preset '", vm["arch"].as<std::string>(), "'; valid: ",
                ModelConfig::preset_names());
    cfg = *p;
  }
  auto override_spec = rope_override(vm, cfg);
  const RopeSpec spec = override_spec.value_or(cfg.rope);
  // Reference: the checkpoint's own RoPE when a method is overridden, else default RoPE with the
  // same base — so the ratio column shows what the method changes.
  RopeSpec reference = cfg.rope;
  if (!override_spec) {
    RopeContext ctx;
    ctx.head_dim = cfg.head_dim();
    ctx.max_position_embeddings = cfg.max_position_embeddings;
    reference = RopeSpec::from_json(nullptr, spec.theta, ctx, "reference");
  }
  auto positions = parse_int_list(vm["positions"].as<std::string>(), "--positions");
  for (int64_t p : positions) check_input(p >= 0, "--positions: positions must be >= 0");
  const int64_t seq_len = *std::max_element(positions.begin(), positions.end()) + 1;
  auto inv = spec.inv_freq(seq_len);
  auto ref = reference.inv_freq(seq_len);
  const bool csv = vm["csv"].as<bool>();
  constexpr double kTwoPi = 6.283185307179586;

  if (!csv) {
    std::cout << "method: " << spec.to_json().dump() << "\n"
              << "frequencies at sequence length " << seq_len
              << (spec.length_dependent() ? " (this method depends on the length)" : "") << "\n";
    std::cout << std::setw(5) << "pair" << std::setw(16) << "inv_freq" << std::setw(16) << "wavelength"
              << std::setw(12) << "ratio" << "\n";
  } else {
    std::cout << "pair,inv_freq,wavelength,ratio_to_original\n";
  }
  for (size_t i = 0; i < inv.size(); ++i) {
    double ratio = inv[i] / ref[i];
    if (csv) {
      std::cout << i << "," << std::setprecision(17) << inv[i] << "," << kTwoPi / inv[i] << "," << ratio << "\n";
    } else {
      std::cout << std::setw(5) << i << std::setw(16) << std::setprecision(6) << inv[i] << std::setw(16)
                << kTwoPi / inv[i] << std::setw(12) << ratio << "\n";
    }
  }
  const double af = spec.attention_factor(seq_len);
  const int64_t scaled_layer = spec.exempt_layers;
  if (csv) {
    std::cout << "\nposition,attention_factor,logit_multiplier_af2,t_scaled_layers,exempt_layers\n";
    for (int64_t p : positions)
      std::cout << p << "," << std::setprecision(17) << spec.attention_factor(p + 1) << ","
                << spec.attention_factor(p + 1) * spec.attention_factor(p + 1) << ","
                << spec.logit_scale_at(scaled_layer, p) << "," << spec.exempt_layers << "\n";
  } else {
    std::cout << "\nattention_factor " << std::setprecision(6) << af << " (logits x " << af * af << ")\n"
              << "logit scale t (" << spec.logit_scale_name() << ", layers >= " << spec.exempt_layers
              << "; layers below are unscaled):\n";
    for (int64_t p : positions)
      std::cout << "  position " << std::setw(8) << p << "  t = " << std::setprecision(6)
                << spec.logit_scale_at(scaled_layer, p) << "\n";
  }
  return 0;
}

}  // namespace ropelab::cli
