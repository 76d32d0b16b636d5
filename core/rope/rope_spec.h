// RopeSpec: a rotary position embedding = frequency schedule × attention factor × logit-scale
// policy × exempt layers (see shared docs rope-methods.md for the exact semantics).
//
// Everything downstream sees only two products of a spec:
//   inv_freq(seq_len)            (D/2,) float64 — the per-pair angular frequency for a sequence
//                                whose largest position is seq_len - 1 (dynamic/longrope depend on it)
//   attention_factor(seq_len)    scalar multiplying cos and sin (so the logits by its square)
//   logit_scale(layer, p)        the toolkit's per-(layer, query position) multiplier t
// Schedules and policies come from registries (core/rope/schedule.h, policy.h), one file each;
// named presets (eabf) combine them (core/rope/presets.cpp). Specs are parsed from a Hugging Face
// `rope_scaling` / `rope_parameters` object; unknown methods, unknown keys and out-of-range values
// are rejected with the key named and the valid choices listed.
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/rope/policy.h"
#include "core/rope/schedule.h"

namespace at {
class Tensor;
}

namespace ropelab {

// Key under which toolkit checkpoints store the full resolved rope configuration in config.json.
inline constexpr const char* kRopelabRopeKey = "ropelab_rope";

std::string rope_type_names();    // "default, linear, ntk, ..." (schedules, then presets)
std::string logit_scale_names();  // "none, dynamic_log, ..."

// Model facts a spec needs (from config.json, not from rope_scaling).
struct RopeContext {
  int64_t head_dim = 128;
  double partial_rotary_factor = 1.0;
  int64_t max_position_embeddings = 4096;
  std::optional<int64_t> top_level_original_max_position;  // Phi-3 style configs
};

// Defined by the default schedule and the none policy: what a default-constructed spec holds.
std::shared_ptr<const FrequencySchedule> plain_rope_schedule();
std::shared_ptr<const LogitScalePolicy> no_logit_scale();

struct RopeSpec {
  std::string type = "default";  // the registered name given: a schedule or a preset (eabf)
  double theta = 10000.0;        // base b (after ABF/EABF's override)
  int64_t rotary_dim = 128;      // head_dim * partial_rotary_factor, even
  int64_t max_position_embeddings = 4096;
  int64_t original_max_position = 4096;                                       // L0
  std::shared_ptr<const FrequencySchedule> schedule = plain_rope_schedule();  // never null
  std::shared_ptr<const LogitScalePolicy> policy = no_logit_scale();          // never null
  std::string preset_policy;  // the policy a preset implies ("" for plain schedules)
  int64_t exempt_layers = 0;
  bool resonance = false;  // Resonance RoPE post-pass: in-window wavelengths rounded to integers

  // Parses an HF rope_scaling object (null/empty = default) with the model's rope_theta.
  static RopeSpec from_json(const nlohmann::json& rope_scaling, double rope_theta, const RopeContext& ctx,
                            const std::string& where);
  void validate(const std::string& where) const;

  // The full resolved configuration (every key, defaults filled in): the `rope_json` attribute.
  nlohmann::json to_json() const;
  // Writes rope_theta, rope_scaling (transformers 4.x) and rope_parameters (5.x) in Hugging Face's
  // form (standard types only) and the full record under kRopelabRopeKey into a config.json object.
  void write_hf(nlohmann::json& config) const;
  HfRope hf_form() const { return schedule->hf_form(*this); }

  std::vector<double> inv_freq(int64_t seq_len) const;  // D/2 values, float64
  at::Tensor inv_freq_tensor(int64_t seq_len) const;    // (D/2,) float64 CPU
  double attention_factor(int64_t seq_len) const;
  // t for one layer and 0-based query position (1 when no policy or exempt layer).
  double logit_scale_at(int64_t layer, int64_t position, bool training = false) const;
  std::string logit_scale_name() const { return policy->name(); }
  // "yarn", "eabf", "yarn+dynamic_log": the schedule or preset, plus a policy composed onto it.
  std::string method_label() const;
  // True when inv_freq depends on the sequence length (dynamic NTK, longrope).
  bool length_dependent() const { return schedule->length_dependent(); }
};

// Resonance RoPE (Wang et al. 2024): wavelengths 2π/θ_i that fit inside `window` rounded to the
// nearest integer, θ_i = 2π/round(2π/θ_i); longer wavelengths untouched.
void resonance_round(std::vector<double>& inv_freq, int64_t window);

}  // namespace ropelab
