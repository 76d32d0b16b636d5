// qwen_logn (Qwen-7B's use_logn_attn): t = ln(p+1)/ln c for 1-based position p+1 > c, else 1 —
// EABF's floored rule. Qwen applies it only when the whole sequence exceeds c; since t = 1 at
// every p < c, that condition changes no value. Qwen uses it at inference only: with
// logit_scale_inference_only (default true) a model in training mode gets t = 1.
#include <algorithm>

#include "core/rope/policies/log_scale.h"
#include "core/rope/rope_spec.h"

namespace ropelab {

namespace {
const LogRatioRule kQwenLogn = {"qwen_logn", "logit_scale_inference_only", true,
                                [](int64_t p, int64_t c, bool inference_only, bool training) {
                                  if (training && inference_only) return 1.0;
                                  return p + 1 > c ? log_position_ratio(p, c) : 1.0;
                                }};
std::shared_ptr<const LogitScalePolicy> parse_qwen_logn(RopeKeys& k, const RopeSpec& s) {
  return parse_log_ratio(kQwenLogn, k, s);
}
}  // namespace

PolicyEntry policy_entry_qwen_logn() {
  return {"qwen_logn", "t = ln(p+1)/ln c beyond c, else 1; inference only by default (Qwen logn)",
          parse_qwen_logn, nullptr};
}

}  // namespace ropelab
