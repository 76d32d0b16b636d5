// The blockwise kernels behind attend(): exact softmax attention over blocks of query rows, forward
// and backward (FlashAttention-2's algorithm written in LibTorch tensor ops, CPU and CUDA alike).
//
// Forward keeps, per query row, the log-sum-exp of its scaled logits (lse = m + ln Σ e^{x−m});
// backward recomputes each block's probabilities from q, k and lse instead of keeping them, so a
// training step holds O(T) per head, never O(T²): P = exp(x − lse), dV += Pᵀ·dO, dP = dO·Vᵀ,
// dX = P ⊙ (dP − rowsum(dO ⊙ O)), dQ = (dX ⊙ scale)·K, dK += (dX ⊙ scale)ᵀ·Q.
// Logits, probabilities and gradient accumulators are fp32 (fp64 for fp64 inputs) whatever the
// compute dtype. Internal to core/attention; the model calls attend().
#pragma once
#include <torch/types.h>

#include "core/attention/attend.h"
#include "core/attention/blockwise_rows.h"

namespace ropelab::blockwise {

struct Forward {
  torch::Tensor out;                  // (B, H, Tq, D) compute dtype
  torch::Tensor lse;                  // (B, H, Tq) fp32/fp64: log Σ_j exp(x_ij), x = scaled, masked logits
  torch::Tensor entropy;              // (B, H, Tq) float32, when opts.want_entropy
  std::vector<torch::Tensor> probes;  // as AttendResult::probes
};

// Shapes as attend(); runs without autograd (callers wrap it). The contract is checked by attend().
Forward forward(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                const torch::Tensor& q_pos, const torch::Tensor& k_pos, const torch::Tensor& row_scale,
                const AttendOptions& opts);

struct Grads {
  torch::Tensor dq, dk, dv;  // like q, k, v
};

// dout: (B, H, Tq, D), the gradient of forward().out; out and lse are forward()'s.
Grads backward(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
               const torch::Tensor& out, const torch::Tensor& lse, const torch::Tensor& dout,
               const torch::Tensor& q_pos, const torch::Tensor& k_pos, const torch::Tensor& row_scale,
               int64_t block_rows_requested);

}  // namespace ropelab::blockwise
