// LibTorch's fused attention (at::scaled_dot_product_attention, LibTorch >= 2.1) for training when
// no observer wants per-row statistics: its flash / memory-efficient kernels on GPU, its flash
// kernel on CPU. The per-row logit scale is folded into q (softmax((sᵢ·qᵢ)·kⱼ) = softmax(sᵢ·(qᵢ·kⱼ))),
// so the kernel runs with scale 1. Internal to core/attention; attend() decides when.
#pragma once
#include <torch/types.h>

#include <string>

namespace ropelab {

// "" when attend_sdpa() can run in this build, else why not (printed by attend()).
std::string sdpa_unavailable_reason();

// Shapes as attend(); returns the output (B, H, Tq, D) with autograd through LibTorch's kernel.
torch::Tensor attend_sdpa(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                          const torch::Tensor& q_pos, const torch::Tensor& k_pos,
                          const torch::Tensor& row_scale);

}  // namespace ropelab
