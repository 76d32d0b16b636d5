// longrope (Ding et al. 2024, HF semantics): inv_freq[i] = 1/(ext[i]·b^(2i/d)), ext = long_factor
// when seq_len > L0 else short_factor (for the whole sequence); attention factor given, else
// √(1 + ln f / ln L0). A Phi-3-style config with original_max_position_embeddings at the top level
// uses f = max_position_embeddings / original.
#include <cmath>

#include "core/rope/rope_spec.h"
#include "core/util/error.h"

namespace ropelab {

namespace {
class LongRopeSchedule final : public FrequencySchedule {
 public:
  std::vector<double> inv_freq(const RopeSpec& s, int64_t seq_len) const override {
    const auto& ext = seq_len > s.original_max_position ? long_factor : short_factor;
    auto inv = base_inv_freq(s.theta, s.rotary_dim);
    for (size_t i = 0; i < inv.size(); ++i) inv[i] /= ext[i];
    return inv;
  }
  double attention_factor(const RopeSpec& s, int64_t) const override {
    if (attention_factor_override) return *attention_factor_override;
    if (factor <= 1.0) return 1.0;
    return std::sqrt(1.0 + std::log(factor) / std::log(double(s.original_max_position)));
  }
  bool length_dependent() const override { return true; }
  void validate(const RopeSpec& s, const std::string& where) const override {
    const size_t half = size_t(s.rotary_dim / 2);
    check_input(short_factor.size() == half, where, ": key 'short_factor' has ", short_factor.size(),
                " values; rope_type 'longrope' needs rotary_dim/2 = ", half);
    check_input(long_factor.size() == half, where, ": key 'long_factor' has ", long_factor.size(),
                " values; rope_type 'longrope' needs rotary_dim/2 = ", half);
  }
  void to_json(const RopeSpec&, nlohmann::json& j) const override {
    j["factor"] = factor;
    j["short_factor"] = short_factor;
    j["long_factor"] = long_factor;
    if (attention_factor_override) j["attention_factor"] = *attention_factor_override;
    if (factor_from_top_level) j.erase("original_max_position_embeddings");
  }
  HfRope hf_form(const RopeSpec& s) const override {
    HfRope h{s.theta,
             {{"rope_type", "longrope"},
              {"short_factor", short_factor},
              {"long_factor", long_factor},
              {"factor", factor}},
             std::nullopt};
    if (!factor_from_top_level) h.params["original_max_position_embeddings"] = s.original_max_position;
    if (attention_factor_override) h.params["attention_factor"] = *attention_factor_override;
    return h;
  }
  double factor = 1.0;
  std::vector<double> short_factor, long_factor;
  std::optional<double> attention_factor_override;
  bool factor_from_top_level = false;
};

std::shared_ptr<const FrequencySchedule> parse_longrope(RopeKeys& k, const RopeContext& ctx, RopeSpec& s) {
  auto l = std::make_shared<LongRopeSchedule>();
  l->factor = read_factor(k, 1.0, false);
  l->short_factor = k.number_list("short_factor");
  l->long_factor = k.number_list("long_factor");
  l->attention_factor_override = k.optional_number("attention_factor");
  for (double v : l->short_factor) check_input(v > 0, k.where(), ": key 'short_factor' values must be > 0");
  for (double v : l->long_factor) check_input(v > 0, k.where(), ": key 'long_factor' values must be > 0");
  if (l->attention_factor_override)
    check_input(*l->attention_factor_override > 0, k.where(), ": key 'attention_factor' (",
                *l->attention_factor_override, ") must be > 0");
  if (ctx.top_level_original_max_position && !k.has("original_max_position_embeddings")) {
    s.original_max_position = *ctx.top_level_original_max_position;
    l->factor_from_top_level = true;
    l->factor = double(ctx.max_position_embeddings) / double(s.original_max_position);
  }
  return l;
}
}  // namespace

ScheduleEntry schedule_entry_longrope() {
  return {"longrope", "per-pair rescale factors, short/long by sequence length (Ding et al. 2024)",
          parse_longrope, nullptr};
}

}  // namespace ropelab
