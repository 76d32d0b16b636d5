#include "core/attention/sdpa.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <stdexcept>

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
#define ROPELAB_HAS_SDPA 1  // the `scale` argument arrived in 2.1
#endif
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 5)
#define ROPELAB_SDPA_GQA 1  // `enable_gqa` arrived in 2.5
#endif

namespace ropelab {

std::string sdpa_unavailable_reason() {
#ifdef ROPELAB_HAS_SDPA
  return "";
#else
  return std::string("LibTorch ") + TORCH_VERSION +
         " has no scaled_dot_product_attention with a scale (needs >= 2.1)";
#endif
}

torch::Tensor attend_sdpa(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                          const torch::Tensor& q_pos, const torch::Tensor& k_pos,
                          const torch::Tensor& row_scale) {
#ifdef ROPELAB_HAS_SDPA
  const int64_t H = q.size(1), Tq = q.size(2), Hkv = k.size(1), Tk = k.size(2);
  // Scale in fp32, one rounding to the compute dtype.
  auto scale = row_scale.to(q.device(), torch::kFloat32).view({1, 1, Tq, 1});
  auto qs = (q.to(torch::kFloat32) * scale).to(q.scalar_type());  // (B, H, Tq, D)
  // The mask: none when every key is visible to every query (decoding), is_causal when queries and
  // keys are the same strictly ascending positions (training), else an explicit (Tq, Tk) mask
  // (a cached prefix: is_causal would align the triangle top-left, which is wrong there).
  auto qp = q_pos.to(torch::kCPU), kp = k_pos.to(torch::kCPU);
  const bool all_visible = kp.max().item<int64_t>() <= qp.min().item<int64_t>();
  const bool same_ascending =
      Tq == Tk && torch::equal(qp, kp) &&
      (Tk < 2 || (kp.narrow(0, 1, Tk - 1) > kp.narrow(0, 0, Tk - 1)).all().item<bool>());
  c10::optional<torch::Tensor> mask;
  bool is_causal = false;
  if (!all_visible) {
    if (same_ascending)
      is_causal = true;
    else  // true = attend
      mask = k_pos.to(q.device()).view({1, Tk}) <= q_pos.to(q.device()).view({Tq, 1});
  }
#ifdef ROPELAB_SDPA_GQA
  return at::scaled_dot_product_attention(qs, k, v, mask, /*dropout_p=*/0.0, is_causal, /*scale=*/1.0,
                                          /*enable_gqa=*/H != Hkv);
#else
  // Query head h reads kv head h / (H / Hkv), as with enable_gqa.
  auto kk = H == Hkv ? k : k.repeat_interleave(H / Hkv, 1);
  auto vv = H == Hkv ? v : v.repeat_interleave(H / Hkv, 1);
  return at::scaled_dot_product_attention(qs, kk, vv, mask, /*dropout_p=*/0.0, is_causal, /*scale=*/1.0);
#endif
#else
  (void)q, (void)k, (void)v, (void)q_pos, (void)k_pos, (void)row_scale;
  throw std::logic_error("attend_sdpa: " + sdpa_unavailable_reason());
#endif
}

}  // namespace ropelab
