// Frequency schedules: the registry interface. One schedule = one file under core/rope/schedules/
// plus one line in core/rope/schedules/schedules.def. A schedule owns its keys (read through
// RopeKeys, so unknown keys are load-time errors), their defaults and validation messages, its
// inv_freq and attention factor for a sequence length, its Hugging Face form and its
// `rope show` notes. Everything common (rope_theta, L0, the logit-scale policy, exempt layers,
// the resonance post-pass) lives in RopeSpec.
#pragma once
#include <cmath>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/rope/rope_keys.h"

namespace ropelab {

struct RopeSpec;
struct RopeContext;

inline constexpr double kRopePi = 3.14159265358979323846;

// inv_freq[i] = 1 / base^(2i/dim), i = 0 … dim/2 − 1 (exponent from an integer range, float64).
inline std::vector<double> base_inv_freq(double base, int64_t dim) {
  std::vector<double> out(size_t(dim / 2));
  for (int64_t i = 0; i < dim / 2; ++i) out[size_t(i)] = 1.0 / std::pow(base, double(2 * i) / double(dim));
  return out;
}

// A checkpoint's RoPE in Hugging Face's terms: the base and the rope_scaling object (rope_type +
// keys; empty = default RoPE). RopeSpec::write_hf writes it in both key schemas.
struct HfRope {
  double theta = 10000.0;
  nlohmann::json params = nlohmann::json::object();
  // Set when HF must see another max_position_embeddings to derive the trained factor
  // (YaRN: factor = max_position_embeddings / original_max_position_embeddings).
  std::optional<int64_t> max_position_embeddings;
};

class FrequencySchedule {
 public:
  virtual ~FrequencySchedule() = default;
  // (D/2,) float64 for a sequence whose largest position is seq_len − 1.
  virtual std::vector<double> inv_freq(const RopeSpec& s, int64_t seq_len) const = 0;
  // Multiplies cos and sin (so the logits by its square).
  virtual double attention_factor(const RopeSpec& s, int64_t seq_len) const { return 1.0; }
  virtual bool length_dependent() const { return false; }
  // Checks that need the common fields (rotary_dim, L0); keys' own ranges are checked in parse.
  virtual void validate(const RopeSpec& s, const std::string& where) const {}
  // This schedule's keys with their resolved values, for the toolkit's full record.
  virtual void to_json(const RopeSpec& s, nlohmann::json& j) const {}
  // The Hugging Face form (default: plain RoPE with this base; HF cannot express the method).
  virtual HfRope hf_form(const RopeSpec& s) const;
  // Extra lines for `rope show` (what the keys mean for this model).
  virtual std::vector<std::string> notes(const RopeSpec& s) const { return {}; }
};

// Parses a schedule's keys; may set defaults of common fields (abf: theta; llama3: L0).
using ScheduleParser = std::shared_ptr<const FrequencySchedule> (*)(RopeKeys& keys, const RopeContext& ctx,
                                                                    RopeSpec& spec);
// Optional: recognises a foreign form of this schedule under another rope_type (vLLM's
// {"rope_type": "ntk", "mixed_b": …}). Return true to claim the object.
using ScheduleClaim = bool (*)(const nlohmann::json& rope_scaling);

struct ScheduleEntry {
  const char* name;
  const char* summary;  // one line: formula and source
  ScheduleParser parse;
  ScheduleClaim claims;  // may be null
};

const std::vector<ScheduleEntry>& schedule_registry();
const ScheduleEntry* find_schedule(const std::string& name);  // null when unknown

// Shared by schedules: `factor` must be finite and > 1 (or > 0 where 1 is allowed).
double read_factor(RopeKeys& k, double fallback, bool must_exceed_one);

}  // namespace ropelab
