// Row statistics of one softmax block for the entropy: l = Σ_j e_j and s' = Σ_j x_j·e_j over the
// last dimension, where x = logits − row max and e = exp(x). On CPU (fp32, contiguous) both come
// from one multi-threaded loop over rows that writes nothing but the sums (each row of e is read
// again from cache for s') — this is what keeps recording entropy within a few percent of plain
// attention. l is summed the same way whether or not s' is wanted, so the attention output does
// not depend on whether entropy is recorded.
// Elsewhere (CUDA, other dtypes, autograd) the same sums are taken with tensor ops.
#pragma once
#include <torch/types.h>

namespace ropelab {

struct RowSums {
  torch::Tensor l;   // (..., 1) Σ e
  torch::Tensor xe;  // (..., 1) Σ x·e; undefined unless want_xe
};

// x, e: same shape (..., K).
RowSums softmax_row_sums(const torch::Tensor& x, const torch::Tensor& e, bool want_xe);

}  // namespace ropelab
