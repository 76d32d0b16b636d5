// Applying rotary embeddings: the one shared apply-rotary function (HF rotate_half layout:
// element i pairs with element i + D/2).
#pragma once
#include <torch/types.h>

#include "core/rope/rope_spec.h"

namespace ropelab {

// cos/sin for a set of positions, attention_factor already folded in.
struct RotaryTables {
  torch::Tensor cos;       // (T, Dr) compute dtype
  torch::Tensor sin;       // (T, Dr) compute dtype
  torch::Tensor inv_freq;  // (Dr/2,) float64, the schedule actually used
  double attention_factor = 1.0;
};

// Angles position·inv_freq are formed in float64 (never bf16), then cast to `dtype`.
// seq_len drives length-dependent schedules (dynamic NTK, longrope): max position + 1.
RotaryTables make_rotary_tables(const RopeSpec& spec, const torch::Tensor& positions,  // (T,) int64
                                int64_t seq_len, torch::Dtype dtype, torch::Device device);

// x: (B, H, T, D); rotates the first Dr = tables.cos.size(1) features, passes the rest.
torch::Tensor apply_rotary(const torch::Tensor& x, const RotaryTables& tables);

}  // namespace ropelab
