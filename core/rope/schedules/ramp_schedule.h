// The keys and frequencies yarn and ntk_by_parts share (the NTK-by-parts ramp); they differ only
// in the attention factor. HF has one form for both: rope_type "yarn" (attention_factor 1 for
// ntk_by_parts).
#pragma once
#include <cmath>

#include "core/rope/rope_spec.h"
#include "core/rope/yarn_ramp.h"
#include "core/util/error.h"

namespace ropelab {

class RampSchedule : public FrequencySchedule {
 public:
  explicit RampSchedule(RopeKeys& k) {
    factor = read_factor(k, 1.0, true);
    beta_fast = k.number("beta_fast", 32.0);
    beta_slow = k.number("beta_slow", 1.0);
    truncate = k.boolean("truncate", true);
    attention_factor_override = k.optional_number("attention_factor");
    mscale = k.optional_number("mscale");
    mscale_all_dim = k.optional_number("mscale_all_dim");
    check_input(beta_fast > 0 && beta_slow > 0, k.where(), ": keys 'beta_fast' and 'beta_slow' must be > 0");
    check_input(beta_fast > beta_slow, k.where(), ": key 'beta_fast' (", beta_fast,
                ") must exceed 'beta_slow' (", beta_slow, ")");
    if (attention_factor_override)
      check_input(*attention_factor_override > 0, k.where(), ": key 'attention_factor' (",
                  *attention_factor_override, ") must be > 0");
  }
  YarnRamp ramp(const RopeSpec& s) const {
    return yarn_ramp(beta_fast, beta_slow, s.rotary_dim, s.theta, s.original_max_position, truncate);
  }
  std::vector<double> inv_freq(const RopeSpec& s, int64_t) const override {
    return yarn_inv_freq(s.theta, s.rotary_dim, factor, ramp(s));
  }
  void to_json(const RopeSpec&, nlohmann::json& j) const override {
    j["factor"] = factor;
    j["beta_fast"] = beta_fast;
    j["beta_slow"] = beta_slow;
    j["truncate"] = truncate;
    if (mscale) j["mscale"] = *mscale;
    if (mscale_all_dim) j["mscale_all_dim"] = *mscale_all_dim;
  }
  // HF's yarn. transformers 4.4x re-derives factor = max_position_embeddings /
  // original_max_position_embeddings whenever the latter is in rope_scaling, and 5.x warns when the
  // two disagree: so the export states max_position_embeddings = factor · L0 (HF's convention:
  // the post-YaRN window), and both versions derive the trained factor.
  HfRope hf_form(const RopeSpec& s) const override {
    HfRope h;
    h.theta = s.theta;
    h.params = {{"rope_type", "yarn"},
                {"factor", factor},
                {"original_max_position_embeddings", s.original_max_position},
                {"beta_fast", beta_fast},
                {"beta_slow", beta_slow}};
    if (!truncate) h.params["truncate"] = false;
    if (mscale) h.params["mscale"] = *mscale;
    if (mscale_all_dim) h.params["mscale_all_dim"] = *mscale_all_dim;
    h.max_position_embeddings = std::llround(factor * double(s.original_max_position));
    return h;
  }
  std::vector<std::string> notes(const RopeSpec& s) const override {
    const YarnRamp r = ramp(s);
    const int64_t half = s.rotary_dim / 2;
    int64_t kept = 0, interp = 0;
    for (int64_t i = 0; i < half; ++i) {
      kept += r.gamma(i) == 0.0;
      interp += r.gamma(i) == 1.0;
    }
    return {"ramp: low " + std::to_string(r.low) + ", high " + std::to_string(r.high) + "; pairs kept " +
            std::to_string(kept) + ", ramped " + std::to_string(half - kept - interp) + ", interpolated " +
            std::to_string(interp)};
  }

  double factor = 1.0, beta_fast = 32.0, beta_slow = 1.0;
  bool truncate = true;
  std::optional<double> attention_factor_override, mscale, mscale_all_dim;
};

}  // namespace ropelab
