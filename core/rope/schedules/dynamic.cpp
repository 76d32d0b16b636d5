// dynamic (dynamic NTK, emozilla 2023; HF semantics): base' = b·((f·L/Lmax) − (f−1))^(d/(d−2)),
// L = max(seq_len, Lmax); identical to default RoPE inside the trained window. Cached keys keep
// the base they were rotated with.
#include <algorithm>

#include "core/rope/schedules/scalar_schedule.h"

namespace ropelab {

namespace {
class DynamicSchedule final : public ScalarSchedule {
 public:
  explicit DynamicSchedule(double factor) : ScalarSchedule("factor", factor) {}
  std::vector<double> inv_freq(const RopeSpec& s, int64_t seq_len) const override {
    const double lmax = double(s.max_position_embeddings);
    const double len = std::max(double(seq_len), lmax);
    const double b = ntk_grown_base(s.theta, s.rotary_dim, value * len / lmax - (value - 1.0));
    return base_inv_freq(b, s.rotary_dim);
  }
  bool length_dependent() const override { return true; }
  HfRope hf_form(const RopeSpec& s) const override { return hf_typed(s, "dynamic"); }
};
std::shared_ptr<const FrequencySchedule> parse_dynamic(RopeKeys& k, const RopeContext&, RopeSpec&) {
  return std::make_shared<DynamicSchedule>(read_factor(k, 1.0, true));
}
}  // namespace

ScheduleEntry schedule_entry_dynamic() {
  return {"dynamic", "dynamic NTK: the ntk base grown with the sequence length beyond the window",
          parse_dynamic, nullptr};
}

}  // namespace ropelab
