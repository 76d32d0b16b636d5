// dynamic_log (EABF, Zhang et al. 2024): t = max(1, ln(p+1)/ln c) (floor on by default), in
// training and inference alike.
#include <algorithm>

#include "core/rope/policies/log_scale.h"
#include "core/rope/rope_spec.h"

namespace ropelab {

namespace {
const LogRatioRule kDynamicLog = {"dynamic_log", "logit_scale_floor", true,
                                  [](int64_t p, int64_t c, bool floor, bool) {
                                    const double t = log_position_ratio(p, c);
                                    return floor ? std::max(1.0, t) : t;
                                  }};
std::shared_ptr<const LogitScalePolicy> parse_dynamic_log(RopeKeys& k, const RopeSpec& s) {
  return parse_log_ratio(kDynamicLog, k, s);
}
}  // namespace

PolicyEntry policy_entry_dynamic_log() {
  return {"dynamic_log", "t = max(1, ln(p+1)/ln c) (EABF; floor optional)", parse_dynamic_log, nullptr};
}

}  // namespace ropelab
