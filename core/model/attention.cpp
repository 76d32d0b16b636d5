#include "core/model/attention.h"

#include <torch/torch.h>

#include <cmath>

#include "core/attention/observed_attend.h"

namespace ropelab {

AttentionImpl::AttentionImpl(int64_t hidden, int64_t heads_, int64_t kv_heads_, int64_t head_dim_)
    : heads(heads_), kv_heads(kv_heads_), head_dim(head_dim_) {
  auto opt = [](int64_t i, int64_t o) { return torch::nn::LinearOptions(i, o).bias(false); };
  q_proj = register_module("q_proj", torch::nn::Linear(opt(hidden, heads * head_dim)));
  k_proj = register_module("k_proj", torch::nn::Linear(opt(hidden, kv_heads * head_dim)));
  v_proj = register_module("v_proj", torch::nn::Linear(opt(hidden, kv_heads * head_dim)));
  o_proj = register_module("o_proj", torch::nn::Linear(opt(heads * head_dim, hidden)));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const AttentionInputs& in) {
  TORCH_CHECK(x.dim() == 3, "Attention: x must be (B, T, C), got ", x.sizes());
  const int64_t B = x.size(0), T = x.size(1);
  auto q = q_proj(x).view({B, T, heads, head_dim}).transpose(1, 2);     // (B, H, T, D)
  auto k = k_proj(x).view({B, T, kv_heads, head_dim}).transpose(1, 2);  // (B, Hkv, T, D)
  auto v = v_proj(x).view({B, T, kv_heads, head_dim}).transpose(1, 2);  // (B, Hkv, T, D)
  q = apply_rotary(q, *in.rotary);
  k = apply_rotary(k, *in.rotary);

  torch::Tensor k_all = k, v_all = v, k_pos = in.positions;
  if (in.kv) {
    in.kv->append(k, v, in.positions);
    k_all = in.kv->keys();
    v_all = in.kv->values();
    k_pos = in.kv->positions();
  }
  // t / √d per query row, in fp32; attention_factor² is already inside cos/sin.
  auto row_scale = in.logit_scale / std::sqrt(double(head_dim));

  const ObservedCall call{in.layer, in.observers, in.logit_scale, in.rotary->attention_factor};
  AttendResult res = attend_observed(q, k_all, v_all, in.positions, k_pos, row_scale, call);
  auto merged = res.out.transpose(1, 2).reshape({B, T, heads * head_dim});
  return o_proj(merged);
}

}  // namespace ropelab
