// ln(p+1)/ln c, the rule EABF's dynamic_log and Qwen's logn share (c = logit_scale_base, default
// the original window L0).
#pragma once
#include <cmath>
#include <cstdint>

#include "core/rope/rope_keys.h"
#include "core/util/error.h"

namespace ropelab {

inline double log_position_ratio(int64_t position, int64_t c) {
  return std::log(double(position) + 1.0) / std::log(double(c));
}

inline int64_t read_logit_scale_base(RopeKeys& k, int64_t l0) {
  const int64_t c = k.integer("logit_scale_base", l0);
  check_input(c > 1, k.where(), ": key 'logit_scale_base' (", c, ") must be > 1 (it is c in ln(p+1)/ln c)");
  return c;
}

}  // namespace ropelab
