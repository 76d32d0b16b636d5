// linear (position interpolation, Chen et al. 2023): inv_freq / factor.
#include "core/rope/rope_spec.h"

namespace ropelab {

namespace {
class LinearSchedule final : public FrequencySchedule {
 public:
  explicit LinearSchedule(double f) : factor(f) {}
  std::vector<double> inv_freq(const RopeSpec& s, int64_t) const override {
    auto inv = base_inv_freq(s.theta, s.rotary_dim);
    for (double& f : inv) f /= factor;
    return inv;
  }
  void to_json(const RopeSpec&, nlohmann::json& j) const override { j["factor"] = factor; }
  HfRope hf_form(const RopeSpec& s) const override {
    return {s.theta, {{"rope_type", "linear"}, {"factor", factor}}, std::nullopt};
  }
  double factor;
};
std::shared_ptr<const FrequencySchedule> parse_linear(RopeKeys& k, const RopeContext&, RopeSpec&) {
  return std::make_shared<LinearSchedule>(read_factor(k, 1.0, true));
}
}  // namespace

ScheduleEntry schedule_entry_linear() {
  return {"linear", "PI: inv_freq / factor (Chen et al. 2023)", parse_linear, nullptr};
}

}  // namespace ropelab
