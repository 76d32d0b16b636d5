// attend(): the single place where softmax(q·kᵀ·scale)·v happens.
//
// Query rows are processed in blocks so that no (T × T) matrix per head is ever held: memory is
// O(block · Tk) per head, linear in T. Per-row softmax statistics of each block (max m,
// l = Σe^{x−m}, s' = Σ(x−m)·e^{x−m}) give the exact entropy H = ln l − s'/l for free, which is how
// the entropy recorder observes attention without a second pass. Logits and softmax are fp32
// whatever the compute dtype. Works unchanged on CUDA tensors.
//
// Under autograd (training) the same blockwise forward runs inside one autograd function that keeps
// only q, k, v, the output and the per-row log-sum-exp; backward recomputes each block's
// probabilities (core/attention/blockwise.h), so training memory is O(T) per head as well. Entropy
// and probes still come from that forward. On LibTorch >= 2.1, when nothing asks for per-row
// statistics, training uses at::scaled_dot_product_attention instead (core/attention/sdpa.h). The
// kernel used for training is printed once per process on stderr.
#pragma once
#include <torch/types.h>

#include <vector>

namespace ropelab {

struct AttendOptions {
  bool want_entropy = false;        // fill AttendResult::entropy
  std::vector<int64_t> probe_rows;  // query indices (0..Tq-1) whose probability rows to return
  int64_t block_rows = 0;           // query rows per block; 0 = choose from a memory budget
};

struct AttendResult {
  torch::Tensor out;                  // (B, H, Tq, D) compute dtype
  torch::Tensor entropy;              // (B, H, Tq) float32, when asked
  std::vector<torch::Tensor> probes;  // each (B, H, Tk) float32, in probe_rows order
};

// q: (B, H, Tq, D); k, v: (B, Hkv, Tk, D) with H % Hkv == 0 (grouped-query attention).
// q_pos: (Tq,) int64, k_pos: (Tk,) int64 absolute positions; key j is visible to query i iff
// k_pos[j] <= q_pos[i]. k_pos must be ascending (it is for any cache + new tokens).
// row_scale: (Tq,) float32 — the full multiplier of q·kᵀ per query (t / √d · ...).
AttendResult attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                    const torch::Tensor& q_pos, const torch::Tensor& k_pos, const torch::Tensor& row_scale,
                    const AttendOptions& opts = {});

// Reference: materialises the full float64 probability matrix. Tests and benchmarks only.
AttendResult attend_reference(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                              const torch::Tensor& q_pos, const torch::Tensor& k_pos,
                              const torch::Tensor& row_scale, bool want_entropy);

}  // namespace ropelab
