// The logit-scale policy (this toolkit's extension; EABF's "entropy-aware" part).
//
// t multiplies the logits q·k/√d of the query at 0-based absolute position p. It belongs to the
// query: cached keys are never rescaled. Computed in float64 here, applied in fp32.
#include <algorithm>
#include <cmath>

#include "core/rope/rope_spec.h"

namespace ropelab {

double RopeSpec::logit_scale_at(int64_t layer, int64_t position) const {
  if (logit_scale == LogitScaleKind::None || layer < exempt_layers) return 1.0;
  if (logit_scale == LogitScaleKind::Constant) return logit_scale_value;
  double t = std::log(double(position) + 1.0) / std::log(double(logit_scale_base));
  return logit_scale_floor ? std::max(1.0, t) : t;
}

}  // namespace ropelab
