// linear (position interpolation, Chen et al. 2023): inv_freq / factor.
#include "core/rope/schedules/scalar_schedule.h"

namespace ropelab {

namespace {
class LinearSchedule final : public ScalarSchedule {
 public:
  explicit LinearSchedule(double factor) : ScalarSchedule("factor", factor) {}
  std::vector<double> inv_freq(const RopeSpec& s, int64_t) const override {
    auto inv = base_inv_freq(s.theta, s.rotary_dim);
    for (double& f : inv) f /= value;
    return inv;
  }
  HfRope hf_form(const RopeSpec& s) const override { return hf_typed(s, "linear"); }
};
std::shared_ptr<const FrequencySchedule> parse_linear(RopeKeys& k, const RopeContext&, RopeSpec&) {
  return std::make_shared<LinearSchedule>(read_factor(k, 1.0, true));
}
}  // namespace

ScheduleEntry schedule_entry_linear() {
  return {"linear", "PI: inv_freq / factor (Chen et al. 2023)", parse_linear, nullptr};
}

}  // namespace ropelab
