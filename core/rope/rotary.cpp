#include "core/rope/rotary.h"

#include <torch/torch.h>

namespace ropelab {

RotaryTables make_rotary_tables(const RopeSpec& spec, const torch::Tensor& positions, int64_t seq_len,
                                torch::Dtype dtype, torch::Device device) {
  TORCH_CHECK(positions.dim() == 1 && positions.scalar_type() == torch::kLong,
              "make_rotary_tables: positions must be a 1-D int64 tensor, got ", positions.sizes(), " ",
              positions.scalar_type());
  RotaryTables t;
  t.inv_freq = spec.inv_freq_tensor(seq_len);  // (Dr/2,) f64 CPU
  t.attention_factor = spec.attention_factor(seq_len);
  auto pos = positions.to(torch::kCPU, torch::kFloat64);  // (T,)
  auto angles = torch::outer(pos, t.inv_freq);            // (T, Dr/2) f64
  auto emb = torch::cat({angles, angles}, -1);            // (T, Dr)
  t.cos = (emb.cos() * t.attention_factor).to(device, dtype);
  t.sin = (emb.sin() * t.attention_factor).to(device, dtype);
  return t;
}

torch::Tensor apply_rotary(const torch::Tensor& x, const RotaryTables& tables) {
  TORCH_CHECK(x.dim() == 4, "apply_rotary: x must be (B, H, T, D), got ", x.sizes());
  const int64_t dr = tables.cos.size(1);
  TORCH_CHECK(x.size(2) == tables.cos.size(0), "apply_rotary: x has ", x.size(2), " positions, tables have ",
              tables.cos.size(0));
  TORCH_CHECK(dr <= x.size(3), "apply_rotary: rotary dim ", dr, " exceeds head dim ", x.size(3));
  auto rot = dr == x.size(3) ? x : x.narrow(-1, 0, dr);
  auto x1 = rot.narrow(-1, 0, dr / 2);
  auto x2 = rot.narrow(-1, dr / 2, dr / 2);
  auto rotated = torch::cat({-x2, x1}, -1);            // rotate_half
  auto out = rot * tables.cos + rotated * tables.sin;  // (B, H, T, Dr)
  if (dr == x.size(3)) return out;
  return torch::cat({out, x.narrow(-1, dr, x.size(3) - dr)}, -1);
}

}  // namespace ropelab

namespace ropelab {

at::Tensor RopeSpec::inv_freq_tensor(int64_t seq_len) const {
  return torch::tensor(inv_freq(seq_len), torch::kFloat64);
}

}  // namespace ropelab
