// constant: t = logit_scale_value at every position (e.g. YaRN's 1.2965 on an ABF base).
#include <cmath>

#include "core/rope/rope_spec.h"
#include "core/util/error.h"

namespace ropelab {

namespace {
class ConstantScale final : public LogitScalePolicy {
 public:
  explicit ConstantScale(double v) : value(v) {}
  std::string name() const override { return "constant"; }
  double at(int64_t, bool) const override { return value; }
  void to_json(nlohmann::json& j) const override {
    j["logit_scale"] = "constant";
    j["logit_scale_value"] = value;
  }
  double value;
};
std::shared_ptr<const LogitScalePolicy> parse_constant(RopeKeys& k, const RopeSpec&) {
  k.allow("logit_scale_base");  // older records carry them; a constant has no c
  k.allow("logit_scale_floor");
  auto v = k.optional_number("logit_scale_value");
  check_input(v.has_value(), k.where(),
              ": logit_scale 'constant' needs key 'logit_scale_value' (e.g. 1.2965)");
  check_input(std::isfinite(*v) && *v > 0, k.where(), ": key 'logit_scale_value' (", *v, ") must be > 0");
  return std::make_shared<ConstantScale>(*v);
}
}  // namespace

PolicyEntry policy_entry_constant() { return {"constant", "t = logit_scale_value", parse_constant, nullptr}; }

}  // namespace ropelab
