// RopeSpec: a rotary position embedding = frequency schedule × attention factor × logit-scale
// policy × exempt layers (see shared docs rope-methods.md for the exact semantics).
//
// Everything downstream sees only two products of a spec:
//   inv_freq(seq_len)            (D/2,) float64 — the per-pair angular frequency for a sequence
//                                whose largest position is seq_len - 1 (dynamic/longrope depend on it)
//   attention_factor(seq_len)    scalar multiplying cos and sin (so the logits by its square)
//   logit_scale(layer, p)        the toolkit's per-(layer, query position) multiplier t
// Specs are parsed from a Hugging Face `rope_scaling` object; unknown methods, unknown keys and
// out-of-range values are rejected with the key named and the valid choices listed.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace at { class Tensor; }

namespace ropelab {

// Key under which toolkit checkpoints store the full resolved rope configuration in config.json.
inline constexpr const char* kRopelabRopeKey = "ropelab_rope";

enum class RopeType { Default, Linear, Ntk, Dynamic, NtkByParts, Yarn, Llama3, LongRope, Abf, Eabf };
enum class LogitScaleKind { None, DynamicLog, Constant };

RopeType rope_type_from_string(const std::string& s);  // throws InputError listing valid names
std::string to_string(RopeType t);
std::string rope_type_names();                         // "default, linear, ntk, ..."
LogitScaleKind logit_scale_from_string(const std::string& s);
std::string to_string(LogitScaleKind k);

// Model facts a spec needs (from config.json, not from rope_scaling).
struct RopeContext {
  int64_t head_dim = 128;
  double partial_rotary_factor = 1.0;
  int64_t max_position_embeddings = 4096;
  std::optional<int64_t> top_level_original_max_position;  // Phi-3 style configs
};

struct RopeSpec {
  RopeType type = RopeType::Default;
  double theta = 10000.0;  // base b (after ABF/EABF's override)
  int64_t rotary_dim = 128;  // head_dim * partial_rotary_factor, even
  int64_t max_position_embeddings = 4096;
  double factor = 1.0;
  int64_t original_max_position = 4096;  // L0
  bool factor_from_top_level = false;   // longrope Phi-3 rule: f = max_pos / original
  // yarn / ntk_by_parts
  double beta_fast = 32.0, beta_slow = 1.0;
  bool truncate = true;
  std::optional<double> attention_factor_override, mscale, mscale_all_dim;
  // llama3
  double low_freq_factor = 1.0, high_freq_factor = 4.0;
  // longrope
  std::vector<double> short_factor, long_factor;
  // logit-scale policy (composable with every frequency method)
  LogitScaleKind logit_scale = LogitScaleKind::None;
  int64_t logit_scale_base = 4096;  // c
  bool logit_scale_floor = true;
  double logit_scale_value = 1.0;
  int64_t exempt_layers = 0;

  // Parses an HF rope_scaling object (null/empty = default) with the model's rope_theta.
  static RopeSpec from_json(const nlohmann::json& rope_scaling, double rope_theta,
                            const RopeContext& ctx, const std::string& where);
  void validate(const std::string& where) const;

  // The full resolved configuration (every key, defaults filled in): the `rope_json` attribute.
  nlohmann::json to_json() const;
  // Writes rope_theta / rope_scaling in Hugging Face's form (standard types only) and the full
  // record under kRopelabRopeKey into a config.json object.
  void write_hf(nlohmann::json& config) const;

  std::vector<double> inv_freq(int64_t seq_len) const;  // D/2 values, float64
  at::Tensor inv_freq_tensor(int64_t seq_len) const;    // (D/2,) float64 CPU
  double attention_factor(int64_t seq_len) const;
  // t for one layer and 0-based query position (1 when no policy or exempt layer).
  double logit_scale_at(int64_t layer, int64_t position) const;
  bool has_logit_scale() const { return logit_scale != LogitScaleKind::None; }
  // True when inv_freq depends on the sequence length (dynamic NTK, longrope).
  bool length_dependent() const { return type == RopeType::Dynamic || type == RopeType::LongRope; }
};

}  // namespace ropelab
