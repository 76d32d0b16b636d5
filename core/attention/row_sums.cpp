#include "core/attention/row_sums.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

namespace ropelab {

namespace {

// Eight independent partial sums per quantity: vectorisable without -ffast-math, and each partial
// sum adds only K/8 terms (rounding comparable to LibTorch's own cascade sum).
// xe == nullptr: only l (x is not read).
void row_sums_cpu(const float* x, const float* e, int64_t rows, int64_t k, float* l, float* xe) {
  at::parallel_for(0, rows, /*grain=*/std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(k, 1)),
                   [&](int64_t begin, int64_t end) {
                     for (int64_t r = begin; r < end; ++r) {
                       const float* er = e + r * k;
                       float sl[8] = {0, 0, 0, 0, 0, 0, 0, 0}, sx[8] = {0, 0, 0, 0, 0, 0, 0, 0};
                       const int64_t k8 = k - k % 8;
                       // l is accumulated identically whether or not xe is wanted, so recording
                       // entropy never changes the attention output by a single bit.
                       for (int64_t j = 0; j < k8; j += 8)
                         for (int u = 0; u < 8; ++u) sl[u] += er[j + u];
                       for (int64_t j = k8; j < k; ++j) sl[0] += er[j];
                       l[r] = ((sl[0] + sl[1]) + (sl[2] + sl[3])) + ((sl[4] + sl[5]) + (sl[6] + sl[7]));
                       if (!xe) continue;
                       const float* xr = x + r * k;
                       for (int64_t j = 0; j < k8; j += 8)
                         for (int u = 0; u < 8; ++u) sx[u] += xr[j + u] * er[j + u];
                       for (int64_t j = k8; j < k; ++j) sx[0] += xr[j] * er[j];
                       xe[r] = ((sx[0] + sx[1]) + (sx[2] + sx[3])) + ((sx[4] + sx[5]) + (sx[6] + sx[7]));
                     }
                   });
}

}  // namespace

RowSums softmax_row_sums(const torch::Tensor& x, const torch::Tensor& e, bool want_xe) {
  TORCH_CHECK(x.sizes() == e.sizes() && x.dim() >= 1, "softmax_row_sums: x ", x.sizes(), " and e ", e.sizes(),
              " must have one shape");
  const bool fast = x.device().is_cpu() && x.scalar_type() == torch::kFloat32 &&
                    e.scalar_type() == torch::kFloat32 && x.is_contiguous() && e.is_contiguous() &&
                    !(torch::GradMode::is_enabled() && (x.requires_grad() || e.requires_grad()));
  if (!fast)
    return {e.sum(-1, /*keepdim=*/true), want_xe ? (x * e).sum(-1, /*keepdim=*/true) : torch::Tensor()};
  auto shape = x.sizes().vec();
  const int64_t k = shape.back();
  shape.back() = 1;
  RowSums s{torch::empty(shape, x.options()), want_xe ? torch::empty(shape, x.options()) : torch::Tensor()};
  row_sums_cpu(x.data_ptr<float>(), e.data_ptr<float>(), x.numel() / std::max<int64_t>(k, 1), k,
               s.l.data_ptr<float>(), want_xe ? s.xe.data_ptr<float>() : nullptr);
  return s;
}

}  // namespace ropelab
