// dynamic (dynamic NTK, emozilla 2023; HF semantics): base' = b·((f·L/Lmax) − (f−1))^(d/(d−2)),
// L = max(seq_len, Lmax); identical to default RoPE inside the trained window. Cached keys keep
// the base they were rotated with.
#include <algorithm>

#include "core/rope/rope_spec.h"

namespace ropelab {

namespace {
class DynamicSchedule final : public FrequencySchedule {
 public:
  explicit DynamicSchedule(double f) : factor(f) {}
  std::vector<double> inv_freq(const RopeSpec& s, int64_t seq_len) const override {
    const int64_t dim = s.rotary_dim;
    const double lmax = double(s.max_position_embeddings);
    const double len = std::max(double(seq_len), lmax);
    const double b = s.theta * std::pow(factor * len / lmax - (factor - 1.0), double(dim) / double(dim - 2));
    return base_inv_freq(b, dim);
  }
  bool length_dependent() const override { return true; }
  void to_json(const RopeSpec&, nlohmann::json& j) const override { j["factor"] = factor; }
  HfRope hf_form(const RopeSpec& s) const override {
    return {s.theta, {{"rope_type", "dynamic"}, {"factor", factor}}, std::nullopt};
  }
  double factor;
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
