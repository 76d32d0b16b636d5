// dynamic_log (EABF, Zhang et al. 2024): t = max(1, ln(p+1)/ln c) (floor on by default), in
// training and inference alike.
#include <algorithm>

#include "core/rope/policies/log_scale.h"
#include "core/rope/rope_spec.h"

namespace ropelab {

namespace {
class DynamicLogScale final : public LogitScalePolicy {
 public:
  DynamicLogScale(int64_t c_, bool floor_) : c(c_), floor(floor_) {}
  std::string name() const override { return "dynamic_log"; }
  double at(int64_t p, bool) const override {
    const double t = log_position_ratio(p, c);
    return floor ? std::max(1.0, t) : t;
  }
  void to_json(nlohmann::json& j) const override {
    j["logit_scale"] = "dynamic_log";
    j["logit_scale_base"] = c;
    j["logit_scale_floor"] = floor;
  }
  int64_t c;
  bool floor;
};
std::shared_ptr<const LogitScalePolicy> parse_dynamic_log(RopeKeys& k, const RopeSpec& s) {
  const int64_t c = read_logit_scale_base(k, s.original_max_position);
  return std::make_shared<DynamicLogScale>(c, k.boolean("logit_scale_floor", true));
}
}  // namespace

PolicyEntry policy_entry_dynamic_log() {
  return {"dynamic_log", "t = max(1, ln(p+1)/ln c) (EABF; floor optional)", parse_dynamic_log, nullptr};
}

}  // namespace ropelab
