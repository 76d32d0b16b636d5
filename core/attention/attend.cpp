#include "core/attention/attend.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/attention/row_sums.h"

namespace ropelab {

namespace {

void check_contract(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                    const torch::Tensor& q_pos, const torch::Tensor& k_pos,
                    const torch::Tensor& row_scale) {
  TORCH_CHECK(q.dim() == 4, "attend: q must be (B, H, Tq, D), got ", q.sizes());
  TORCH_CHECK(k.dim() == 4 && v.sizes() == k.sizes(), "attend: k and v must be equal (B, Hkv, Tk, D), got ",
              k.sizes(), " and ", v.sizes());
  TORCH_CHECK(q.size(0) == k.size(0) && q.size(3) == k.size(3), "attend: q ", q.sizes(),
              " and k ", k.sizes(), " disagree on batch or head dim");
  TORCH_CHECK(q.size(1) % k.size(1) == 0, "attend: heads (", q.size(1),
              ") must be a multiple of kv heads (", k.size(1), ")");
  TORCH_CHECK(q_pos.dim() == 1 && q_pos.size(0) == q.size(2), "attend: q_pos must be (Tq,)");
  TORCH_CHECK(k_pos.dim() == 1 && k_pos.size(0) == k.size(2), "attend: k_pos must be (Tk,)");
  TORCH_CHECK(row_scale.dim() == 1 && row_scale.size(0) == q.size(2), "attend: row_scale must be (Tq,)");
}

int64_t choose_block_rows(int64_t batch, int64_t heads, int64_t tq, int64_t tk) {
  // Keep one block's fp32 logits near 64 Mi elements (256 MiB): larger blocks make the
  // products more efficient (7B shape at 8k on 2 cores: 7.6 s vs 9.0 s with 64 MiB blocks).
  const int64_t budget = int64_t(1) << 26;
  int64_t rows = budget / std::max<int64_t>(1, batch * heads * tk);
  return std::clamp<int64_t>(rows, 16, std::max<int64_t>(tq, 1));
}

}  // namespace

AttendResult attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                    const torch::Tensor& q_pos, const torch::Tensor& k_pos,
                    const torch::Tensor& row_scale, const AttendOptions& opts) {
  check_contract(q, k, v, q_pos, k_pos, row_scale);
  const int64_t B = q.size(0), H = q.size(1), Tq = q.size(2), D = q.size(3);
  const int64_t Hkv = k.size(1), Tk = k.size(2), G = H / Hkv;
  const auto dev = q.device();

  auto qpos_cpu = q_pos.to(torch::kCPU).contiguous();
  auto kpos_cpu = k_pos.to(torch::kCPU).contiguous();
  const int64_t* qp = qpos_cpu.data_ptr<int64_t>();
  const int64_t* kp = kpos_cpu.data_ptr<int64_t>();
  auto q_pos_d = q_pos.to(dev);
  auto k_pos_d = k_pos.to(dev);
  auto scale_d = row_scale.to(dev, torch::kFloat32);

  const int64_t block = opts.block_rows > 0 ? opts.block_rows : choose_block_rows(B, H, Tq, Tk);
  // Logits are formed in fp32 whatever the compute dtype: entropy and softmax then see exactly
  // the products of the stored q and k (a bf16 q·kᵀ would round them), and on CPUs without bf16
  // units the fp32 product is also the faster one. Keys are upcast once, not per block.
  const bool upcast = q.scalar_type() != torch::kFloat32 && q.scalar_type() != torch::kFloat64;
  auto kt = (upcast ? k.to(torch::kFloat32) : k).transpose(-1, -2);   // (B, Hkv, D, Tk)

  const bool track_grad =
      torch::GradMode::is_enabled() && (q.requires_grad() || k.requires_grad() || v.requires_grad());
  std::vector<torch::Tensor> outs, ents;
  AttendResult res;
  res.probes.resize(opts.probe_rows.size());
  for (int64_t r0 = 0; r0 < Tq; r0 += block) {
    const int64_t rows = std::min(block, Tq - r0);
    // Keys past the block's last query are masked for every row: don't compute them.
    int64_t qmax = *std::max_element(qp + r0, qp + r0 + rows);
    int64_t kend = int64_t(std::upper_bound(kp, kp + Tk, qmax) - kp);
    kend = std::max<int64_t>(kend, 1);
    auto qb = q.narrow(2, r0, rows).reshape({B, Hkv, G * rows, D});    // (B, Hkv, G·rows, D)
    auto kb = kt.narrow(-1, 0, kend);                                  // (B, Hkv, D, kend)
    auto vb = v.narrow(2, 0, kend);                                    // (B, Hkv, kend, D)
    if (upcast) qb = qb.to(torch::kFloat32);
    auto x = torch::matmul(qb, kb).to(torch::kFloat32)                 // (B, Hkv, G·rows, kend)
                 .view({B, Hkv, G, rows, kend});
    auto row_scale_b = scale_d.narrow(0, r0, rows).view({rows, 1});
    auto masked = k_pos_d.narrow(0, 0, kend).view({1, kend}) >
                  q_pos_d.narrow(0, r0, rows).view({rows, 1});        // (rows, kend) bool
    // Masked logits get the lowest finite float rather than −inf: exp() is exactly 0 there and
    // (x − m)·e stays finite (−0), so the entropy needs no second masking pass.
    constexpr float kMasked = std::numeric_limits<float>::lowest();
    torch::Tensor p, l, xe;
    if (track_grad) {  // out of place: autograd keeps the intermediates it needs
      x = (x * row_scale_b).masked_fill(masked, kMasked);
      auto shifted = x - std::get<0>(x.max(-1, /*keepdim=*/true));
      auto e = shifted.exp();
      l = e.sum(-1, /*keepdim=*/true);
      if (opts.want_entropy) xe = (shifted * e).sum(-1, true);
      p = e / l;
    } else {  // in place: two block-sized buffers instead of seven (allocation dominates on CPU)
      x.mul_(row_scale_b).masked_fill_(masked, kMasked);
      x.sub_(std::get<0>(x.max(-1, /*keepdim=*/true)));                // x − m
      auto e = x.exp();
      auto sums = softmax_row_sums(x, e, opts.want_entropy);  // l (and Σ(x−m)e) in one pass
      l = sums.l, xe = sums.xe;
      p = e.div_(l);
    }
    if (opts.want_entropy) ents.push_back((l.log() - xe / l).view({B, H, rows}));  // H = ln l − Σ(x−m)e/l
    for (size_t i = 0; i < opts.probe_rows.size(); ++i) {
      int64_t row = opts.probe_rows[i];
      if (row >= r0 && row < r0 + rows) {
        auto pr = p.select(3, row - r0).reshape({B, H, kend});
        res.probes[i] = torch::constant_pad_nd(pr, {0, Tk - kend}, 0.0).detach();
      }
    }
    auto o = torch::matmul(p.to(v.scalar_type()).view({B, Hkv, G * rows, kend}), vb);
    outs.push_back(o.view({B, H, rows, D}));
  }
  res.out = outs.size() == 1 ? outs[0] : torch::cat(outs, 2);
  if (opts.want_entropy) res.entropy = (ents.size() == 1 ? ents[0] : torch::cat(ents, 2)).detach();
  return res;
}

AttendResult attend_reference(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                              const torch::Tensor& q_pos, const torch::Tensor& k_pos,
                              const torch::Tensor& row_scale, bool want_entropy) {
  check_contract(q, k, v, q_pos, k_pos, row_scale);
  const int64_t H = q.size(1), Hkv = k.size(1), G = H / Hkv;
  auto kd = k.to(torch::kFloat64).repeat_interleave(G, 1);             // (B, H, Tk, D)
  auto vd = v.to(torch::kFloat64).repeat_interleave(G, 1);
  auto x = torch::matmul(q.to(torch::kFloat64), kd.transpose(-1, -2)); // (B, H, Tq, Tk)
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
