// `ropelab rope show`: what a RoPE method does to every rotary pair, before training with it —
// computed by the same RopeSpec calls the model makes (inv_freq, attention_factor, logit_scale_at).
// `ropelab rope show --geometry --window C`: the model's RoPE geometry at C beside LLaMA-2-7B at 4k.
// `ropelab rope list`: the registered schedules, presets and logit-scale policies.
#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "core/model/checkpoint.h"
#include "core/rope/geometry.h"
#include "core/rope/presets.h"
#include "core/rope/trained_window.h"
#include "core/util/error.h"
#include "experiments/commands.h"

namespace ropelab::cli {

namespace {

constexpr double kTwoPi = 6.283185307179586;

int list_methods() {
  std::cout << "frequency schedules (rope_type):\n";
  for (const auto& e : schedule_registry())
    std::cout << "  " << std::left << std::setw(14) << e.name << e.summary << "\n";
  std::cout << "presets (rope_type):\n";
  for (const auto& p : preset_registry())
    std::cout << "  " << std::left << std::setw(14) << p.name << p.summary << "\n";
  std::cout << "logit-scale policies (logit_scale, composable with every schedule and exempt_layers):\n";
  for (const auto& e : policy_registry())
    std::cout << "  " << std::left << std::setw(14) << e.name << e.summary << "\n";
  std::cout << "post-pass: \"resonance\": true rounds in-window wavelengths to integers (Resonance RoPE)\n";
  return 0;
}

std::string pct(int64_t a, int64_t b) {
  std::ostringstream os;
  os << a << "/" << b << " (" << std::fixed << std::setprecision(1) << 100.0 * double(a) / double(b) << "%)";
  return os.str();
}

std::string num(double v, int prec = 6) {
  std::ostringstream os;
  os << std::setprecision(prec) << v;
  return os.str();
}

void print_geometry(const RopeSpec& spec, const GeometryOptions& o) {
  const RopeGeometry g = rope_geometry(spec.inv_freq(o.window), spec.theta, spec.rotary_dim, o);
  // LLaMA-2-7B at its 4k window, the paper's setting, from its preset and the same code.
  const RopeSpec llama2 = ModelConfig::preset("llama2-7b")->rope;
  GeometryOptions lo = o;
  lo.window = 4096;
  lo.beta_fast = 32;  // LLaMA-2's YaRN split at the literal betas: the split a scaled beta reproduces
  lo.beta_slow = 1;
  lo.abf_base = 0;
  lo.target_length = o.target_length > 0 ? o.target_length * 4096 / o.window : 0;  // same ratio to c
  const RopeGeometry r = rope_geometry(llama2.inv_freq(4096), llama2.theta, llama2.rotary_dim, lo);
  auto row = [](const std::string& what, const std::string& a, const std::string& b) {
    std::cout << std::left << std::setw(58) << what << std::setw(22) << a << b << "\n";
  };
  row("quantity", "this model", "LLaMA-2-7B");
  row("window c", std::to_string(g.window), std::to_string(r.window));
  row("rotary dim d / base b", std::to_string(g.rotary_dim) + " / " + num(g.base),
      std::to_string(r.rotary_dim) + " / " + num(r.base));
  row("pairs completing a full period inside c", pct(g.full_period_pairs, g.pairs),
      pct(r.full_period_pairs, r.pairs));
  row("pairs turning < 1 rad across c (position-free content)", pct(g.slow_pairs, g.pairs),
      pct(r.slow_pairs, r.pairs));
  row("longest wavelength 2pi/min theta",
      num(g.longest_period) + " (" + num(g.longest_period / double(g.window), 3) + " c)",
      num(r.longest_period) + " (" + num(r.longest_period / double(r.window), 3) + " c)");
  row("critical dimension d_extra (Liu et al. 2023)", std::to_string(g.critical_dim),
      std::to_string(r.critical_dim));
  row("ABF base b' (--abf-base, default 50 b)", num(g.abf_base), num(r.abf_base));
  row("ABF extrapolation bound 2pi b'^(d_extra/d)",
      num(g.abf_bound) + " (" + num(g.abf_bound / double(g.window), 3) + " c)",
      num(r.abf_bound) + " (" + num(r.abf_bound / double(r.window), 3) + " c)");
  row("YaRN kept/ramped/interpolated (beta " + num(g.beta_fast) + "/" + num(g.beta_slow) + "; LLaMA-2 32/1)",
      std::to_string(g.yarn_kept) + "/" + std::to_string(g.yarn_ramped) + "/" +
          std::to_string(g.yarn_interpolated),
      std::to_string(r.yarn_kept) + "/" + std::to_string(r.yarn_ramped) + "/" +
          std::to_string(r.yarn_interpolated));
  row("minimum base for length L (Men et al. 2024)",
      num(g.min_base) + " (L " + std::to_string(g.target_length) + ")",
      num(r.min_base) + " (L " + std::to_string(r.target_length) + ")");
}

}  // namespace

int run_rope(const Args& args) {
  const std::string usage =
      "usage: ropelab rope show --model DIR [--rope ...] [--positions 1024,4096] [--csv] [--geometry "
      "--window C] | "
      "ropelab rope list";
  check_input(
      !args.empty() && (args[0] == "show" || args[0] == "list" || args[0] == "--help" || args[0] == "-h"),
      usage);
  if (args[0] == "list") return list_methods();
  Args rest(args.begin() + (args[0] == "show" ? 1 : 0), args.end());
  po::options_description d("ropelab rope show");
  add_common_options(d);
  d.add_options()("model", po::value<std::string>(), "model directory (its config.json is read)")(
      "arch", po::value<std::string>(),
      ("instead of --model: a preset (" + ModelConfig::preset_names() + ")").c_str())(
      "positions", po::value<std::string>()->default_value("1024,4096,16384"),
      "0-based query positions at which to show attention_factor and t")("csv", po::bool_switch(),
                                                                         "CSV instead of a table")(
      "geometry", po::bool_switch(), "RoPE geometry at --window beside LLaMA-2-7B at 4k (scale rules)")(
      "window", po::value<int64_t>(), "geometry: the window c (default: the RoPE's original window)")(
      "abf-base", po::value<double>()->default_value(0), "geometry: ABF's new base b' (0 = 50 x base)")(
      "beta-fast", po::value<double>()->default_value(32), "geometry: YaRN beta_fast")(
      "beta-slow", po::value<double>()->default_value(1), "geometry: YaRN beta_slow")(
      "target-length", po::value<int64_t>()->default_value(0), "geometry: L for the minimum base (0 = 4c)");
  add_rope_options(d);
  const auto vm = parse_command(usage, d, rest);
  check_input(vm.count("model") + vm.count("arch") == 1, "give exactly one of --model DIR or --arch PRESET");
  ModelConfig cfg;
  if (vm.count("model")) {
    cfg = read_checkpoint_config(vm["model"].as<std::string>());
  } else {
    auto p = ModelConfig::preset(vm["arch"].as<std::string>());
    check_input(p.has_value(), "--arch: unknown preset '", vm["arch"].as<std::string>(),
                "'; valid: ", ModelConfig::preset_names());
    cfg = *p;
  }
  auto override_spec = rope_override(vm, cfg);
  const RopeSpec spec = override_spec.value_or(cfg.rope);
  if (vm["geometry"].as<bool>()) {
    GeometryOptions o;
    o.window = vm.count("window") ? vm["window"].as<int64_t>() : trained_window(spec);
    o.abf_base = vm["abf-base"].as<double>();
    o.beta_fast = vm["beta-fast"].as<double>();
    o.beta_slow = vm["beta-slow"].as<double>();
    o.target_length = vm["target-length"].as<int64_t>();
    check_input(o.abf_base >= 0, "--abf-base (", o.abf_base, ") must be >= 0");
    check_input(o.target_length >= 0, "--target-length (", o.target_length, ") must be >= 0");
    print_geometry(spec, o);
    return 0;
  }
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

  if (!csv) {
    std::cout << "method: " << spec.to_json().dump() << "\n"
              << "frequencies at sequence length " << seq_len
              << (spec.length_dependent() ? " (this method depends on the length)" : "") << "\n";
    for (const auto& line : spec.schedule->notes(spec)) std::cout << line << "\n";
    std::cout << std::setw(5) << "pair" << std::setw(16) << "inv_freq" << std::setw(16) << "wavelength"
              << std::setw(12) << "ratio"
              << "\n";
  } else {
    std::cout << "pair,inv_freq,wavelength,ratio_to_original\n";
  }
  for (size_t i = 0; i < inv.size(); ++i) {
    double ratio = inv[i] / ref[i];
    if (csv) {
      std::cout << i << "," << std::setprecision(17) << inv[i] << "," << kTwoPi / inv[i] << "," << ratio
                << "\n";
    } else {
      std::cout << std::setw(5) << i << std::setw(16) << std::setprecision(6) << inv[i] << std::setw(16)
                << kTwoPi / inv[i] << std::setw(12) << ratio << "\n";
    }
  }
  // The logits of the query at p are multiplied by attention_factor² · t(layer, p); the table shows
  // the first scaled layer (layers below exempt_layers have t = 1).
  const double af = spec.attention_factor(seq_len);
  const int64_t scaled_layer = spec.exempt_layers;
  if (csv) {
    std::cout << "\nposition,attention_factor,logit_multiplier_af2,t_scaled_layers,exempt_layers,total_"
                 "multiplier\n";
    for (int64_t p : positions) {
      const double a = spec.attention_factor(p + 1), t = spec.logit_scale_at(scaled_layer, p);
      std::cout << p << "," << std::setprecision(17) << a << "," << a * a << "," << t << ","
                << spec.exempt_layers << "," << a * a * t << "\n";
    }
  } else {
    std::cout << "\nattention_factor " << std::setprecision(6) << af << " (logits x " << af * af << ")\n"
              << "logit scale t (" << spec.logit_scale_name() << ", layers >= " << spec.exempt_layers
              << "; layers below are unscaled):\n";
    for (int64_t p : positions)
      std::cout << "  position " << std::setw(8) << p << "  t = " << std::setprecision(6)
                << spec.logit_scale_at(scaled_layer, p) << "  logits x "
                << spec.attention_factor(p + 1) * spec.attention_factor(p + 1) *
                       spec.logit_scale_at(scaled_layer, p)
                << "\n";
  }
  return 0;
}

}  // namespace ropelab::cli
