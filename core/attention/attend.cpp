#include "core/attention/attend.h"

#include <torch/torch.h>

#include <iostream>
#include <mutex>

#include "core/attention/blockwise.h"
#include "core/attention/sdpa.h"

namespace ropelab {

namespace {

void check_contract(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                    const torch::Tensor& q_pos, const torch::Tensor& k_pos, const torch::Tensor& row_scale) {
  TORCH_CHECK(q.dim() == 4, "attend: q must be (B, H, Tq, D), got ", q.sizes());
  TORCH_CHECK(k.dim() == 4 && v.sizes() == k.sizes(), "attend: k and v must be equal (B, Hkv, Tk, D), got ",
              k.sizes(), " and ", v.sizes());
  TORCH_CHECK(q.size(0) == k.size(0) && q.size(3) == k.size(3), "attend: q ", q.sizes(), " and k ", k.sizes(),
              " disagree on batch or head dim");
  TORCH_CHECK(q.size(1) % k.size(1) == 0, "attend: heads (", q.size(1), ") must be a multiple of kv heads (",
              k.size(1), ")");
  TORCH_CHECK(q_pos.dim() == 1 && q_pos.size(0) == q.size(2), "attend: q_pos must be (Tq,)");
  TORCH_CHECK(k_pos.dim() == 1 && k_pos.size(0) == k.size(2), "attend: k_pos must be (Tk,)");
  TORCH_CHECK(row_scale.dim() == 1 && row_scale.size(0) == q.size(2), "attend: row_scale must be (Tq,)");
}

// Training attention: forward keeps q, k, v, the output and the per-row log-sum-exp (plus the
// positions and row scale), never a block's probabilities; backward recomputes them block by
// block. Entropy and probes come out of the same forward pass through `side`.
struct BlockwiseAttention : torch::autograd::Function<BlockwiseAttention> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& q,
                               const torch::Tensor& k, const torch::Tensor& v, const torch::Tensor& q_pos,
                               const torch::Tensor& k_pos, const torch::Tensor& row_scale,
                               const AttendOptions* opts, AttendResult* side) {
    auto f = blockwise::forward(q, k, v, q_pos, k_pos, row_scale, *opts);
    side->entropy = f.entropy;
    side->probes = std::move(f.probes);
    ctx->save_for_backward({q, k, v, f.out, f.lse, q_pos, k_pos, row_scale});
    ctx->saved_data["block_rows"] = opts->block_rows;
    return f.out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto s = ctx->get_saved_variables();
    auto g = blockwise::backward(s[0], s[1], s[2], s[3], s[4], grads[0], s[5], s[6], s[7],
                                 ctx->saved_data["block_rows"].toInt());
    return {g.dq,           g.dk, g.dv, torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor(),
            torch::Tensor()};
  }
};

// Which kernel trains is said once per process and kernel, on stderr: never a silent choice.
void announce_training_kernel(bool fused) {
  static std::once_flag fused_once, blockwise_once;
  std::call_once(fused ? fused_once : blockwise_once, [fused] {
    if (fused)
      std::cerr << "ropelab: training attention uses at::scaled_dot_product_attention (no observer wants "
                   "per-row statistics)\n";
    else
      std::cerr << "ropelab: training attention uses the blockwise kernel (O(T) memory, probabilities "
                   "recomputed in backward; "
                << sdpa_unavailable_reason() << ")\n";
  });
}

}  // namespace

AttendResult attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                    const torch::Tensor& q_pos, const torch::Tensor& k_pos, const torch::Tensor& row_scale,
                    const AttendOptions& opts) {
  check_contract(q, k, v, q_pos, k_pos, row_scale);
  const bool track_grad =
      torch::GradMode::is_enabled() && (q.requires_grad() || k.requires_grad() || v.requires_grad());
  AttendResult res;
  if (!track_grad) {
    auto f = blockwise::forward(q, k, v, q_pos, k_pos, row_scale, opts);
    res.out = f.out;
    res.entropy = f.entropy;
    res.probes = std::move(f.probes);
    return res;
  }
  const bool wants_rows = opts.want_entropy || !opts.probe_rows.empty();
  if (!wants_rows && sdpa_unavailable_reason().empty()) {
    announce_training_kernel(true);
    res.out = attend_sdpa(q, k, v, q_pos, k_pos, row_scale);
    return res;
  }
  announce_training_kernel(false);
  res.out = BlockwiseAttention::apply(q, k, v, q_pos, k_pos, row_scale, &opts, &res);
  return res;
}

AttendResult attend_reference(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                              const torch::Tensor& q_pos, const torch::Tensor& k_pos,
                              const torch::Tensor& row_scale, bool want_entropy) {
  check_contract(q, k, v, q_pos, k_pos, row_scale);
  const int64_t H = q.size(1), Hkv = k.size(1), G = H / Hkv;
  auto kd = k.to(torch::kFloat64).repeat_interleave(G, 1);  // (B, H, Tk, D)
  auto vd = v.to(torch::kFloat64).repeat_interleave(G, 1);
  auto x = torch::matmul(q.to(torch::kFloat64), kd.transpose(-1, -2));  // (B, H, Tq, Tk)
  x = x * row_scale.to(torch::kFloat64).view({-1, 1});
  auto masked = k_pos.view({1, -1}) > q_pos.view({-1, 1});
  x = x.masked_fill(masked, -std::numeric_limits<double>::infinity());
  auto p = torch::softmax(x, -1);
  AttendResult res;
  res.out = torch::matmul(p, vd).to(q.scalar_type());
  if (want_entropy) {
    auto plogp = torch::where(p > 0, p * p.log(), torch::zeros_like(p));
    res.entropy = (-plogp.sum(-1)).to(torch::kFloat32);
  }
  return res;
}

}  // namespace ropelab
