// default: inv_freq[i] = 1/b^(2i/d) (Su et al. 2021, "RoFormer").
#include "core/rope/rope_spec.h"

namespace ropelab {

namespace {
class PlainRope final : public FrequencySchedule {
 public:
  std::vector<double> inv_freq(const RopeSpec& s, int64_t) const override {
    return base_inv_freq(s.theta, s.rotary_dim);
  }
};
std::shared_ptr<const FrequencySchedule> parse_default(RopeKeys&, const RopeContext&, RopeSpec&) {
  return plain_rope_schedule();
}
}  // namespace

std::shared_ptr<const FrequencySchedule> plain_rope_schedule() {
  static const auto s = std::make_shared<PlainRope>();
  return s;
}

ScheduleEntry schedule_entry_default_rope() {
  return {"default", "inv_freq = 1/b^(2i/d) (RoFormer)", parse_default, nullptr};
}

}  // namespace ropelab
