// ntk (static NTK-aware scaling, bloc97 2023): base' = b · factor^(d/(d−2)).
#include "core/rope/rope_spec.h"

namespace ropelab {

namespace {
class NtkSchedule final : public FrequencySchedule {
 public:
  explicit NtkSchedule(double f) : factor(f) {}
  double base(const RopeSpec& s) const {
    return s.theta * std::pow(factor, double(s.rotary_dim) / double(s.rotary_dim - 2));
  }
  std::vector<double> inv_freq(const RopeSpec& s, int64_t) const override {
    return base_inv_freq(base(s), s.rotary_dim);
  }
  void to_json(const RopeSpec&, nlohmann::json& j) const override { j["factor"] = factor; }
  // Exact in HF: default RoPE with the grown base.
  HfRope hf_form(const RopeSpec& s) const override {
    return {base(s), nlohmann::json::object(), std::nullopt};
  }
  double factor;
};
std::shared_ptr<const FrequencySchedule> parse_ntk(RopeKeys& k, const RopeContext&, RopeSpec&) {
  return std::make_shared<NtkSchedule>(read_factor(k, 1.0, true));
}
}  // namespace

ScheduleEntry schedule_entry_ntk() {
  return {"ntk", "static NTK-aware: base' = b * factor^(d/(d-2))", parse_ntk, nullptr};
}

}  // namespace ropelab
