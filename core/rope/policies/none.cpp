// none: t = 1.
#include "core/rope/rope_spec.h"

namespace ropelab {

namespace {
class NoLogitScale final : public LogitScalePolicy {
 public:
  std::string name() const override { return "none"; }
  double at(int64_t, bool) const override { return 1.0; }
  bool active() const override { return false; }
  void to_json(nlohmann::json& j) const override { j["logit_scale"] = "none"; }
};
std::shared_ptr<const LogitScalePolicy> parse_none(RopeKeys& k, const RopeSpec&) {
  // Records written before the registry carry these for every method; they mean nothing here.
  k.allow("logit_scale_base");
  k.allow("logit_scale_floor");
  return no_logit_scale();
}
}  // namespace

std::shared_ptr<const LogitScalePolicy> no_logit_scale() {
  static const auto p = std::make_shared<NoLogitScale>();
  return p;
}

PolicyEntry policy_entry_none() { return {"none", "t = 1", parse_none, nullptr}; }

}  // namespace ropelab
