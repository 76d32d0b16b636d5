// yarn (Peng et al. 2023): the NTK-by-parts ramp plus an attention factor on cos and sin:
// attention_factor if given; else m(f, mscale)/m(f, mscale_all_dim) when both are given; else
// 0.1·ln f + 1, with m(s, k) = 0.1·k·ln s + 1 (1 when s ≤ 1).
#include "core/rope/schedules/ramp_schedule.h"

namespace ropelab {

namespace {
double yarn_m(double scale, double k) { return scale <= 1.0 ? 1.0 : 0.1 * k * std::log(scale) + 1.0; }

class YarnSchedule final : public RampSchedule {
 public:
  using RampSchedule::RampSchedule;
  double attention_factor(const RopeSpec&, int64_t) const override {
    if (attention_factor_override) return *attention_factor_override;
    if (mscale && mscale_all_dim) return yarn_m(factor, *mscale) / yarn_m(factor, *mscale_all_dim);
    return yarn_m(factor, 1.0);
  }
  void to_json(const RopeSpec& s, nlohmann::json& j) const override {
    RampSchedule::to_json(s, j);
    if (attention_factor_override) j["attention_factor"] = *attention_factor_override;
  }
  HfRope hf_form(const RopeSpec& s) const override {
    HfRope h = RampSchedule::hf_form(s);
    if (attention_factor_override) h.params["attention_factor"] = *attention_factor_override;
    return h;
  }
};
std::shared_ptr<const FrequencySchedule> parse_yarn(RopeKeys& k, const RopeContext&, RopeSpec&) {
  return std::make_shared<YarnSchedule>(k);
}
}  // namespace

ScheduleEntry schedule_entry_yarn() {
  return {"yarn", "NTK-by-parts ramp + attention factor 0.1 ln s + 1 (Peng et al. 2023)", parse_yarn,
          nullptr};
}

}  // namespace ropelab
