#include "core/attention/blockwise.h"

#include <torch/torch.h>

#include <algorithm>
#include <limits>

#include "core/attention/row_sums.h"

namespace ropelab::blockwise {

namespace {

// Masked logits get the lowest finite value rather than −inf: exp() is exactly 0 there, (x − m)·e
// stays finite (−0) for the entropy, and x − lse stays finite in backward.
constexpr float kMaskedLogit = std::numeric_limits<float>::lowest();

// What both passes need about the positions: host copies for the block bounds and device copies
// for the masks; the dtype logits are formed in.
struct Layout {
  Layout(const torch::Tensor& q, const torch::Tensor& q_pos, const torch::Tensor& k_pos,
         const torch::Tensor& scale)
      : qpos_cpu(q_pos.to(torch::kCPU).contiguous()),
        kpos_cpu(k_pos.to(torch::kCPU).contiguous()),
        q_pos_d(q_pos.to(q.device())),
        k_pos_d(k_pos.to(q.device())),
        acc(q.scalar_type() == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32),
        scale_d(scale.to(q.device(), acc)) {}

  // Keys past the block's last query are masked for every row of it: they are not computed.
  int64_t key_end(int64_t r0, int64_t rows) const {
    const int64_t* qp = qpos_cpu.data_ptr<int64_t>();
    const int64_t* kp = kpos_cpu.data_ptr<int64_t>();
    const int64_t tk = kpos_cpu.size(0);
    const int64_t qmax = *std::max_element(qp + r0, qp + r0 + rows);
    return std::max<int64_t>(int64_t(std::upper_bound(kp, kp + tk, qmax) - kp), 1);
  }
  torch::Tensor masked(int64_t r0, int64_t rows, int64_t kend) const {  // (rows, kend) bool
    return k_pos_d.narrow(0, 0, kend).view({1, kend}) > q_pos_d.narrow(0, r0, rows).view({rows, 1});
  }
  torch::Tensor scale(int64_t r0, int64_t rows) const { return scale_d.narrow(0, r0, rows).view({rows, 1}); }

  torch::Tensor qpos_cpu, kpos_cpu, q_pos_d, k_pos_d;
  torch::ScalarType acc;
  torch::Tensor scale_d;  // (Tq,) acc dtype
};

// (B, H, rows, D) rows [r0, r0 + rows) of a (B, H, Tq, D) tensor as (B, Hkv, G·rows, D) in `dt`:
// head h = hkv·G + g, so each kv head's G query heads are consecutive.
torch::Tensor group_rows(const torch::Tensor& t, int64_t r0, int64_t rows, int64_t hkv,
                         torch::ScalarType dt) {
  auto b = t.narrow(2, r0, rows).reshape({t.size(0), hkv, -1, t.size(3)});
  return b.scalar_type() == dt ? b : b.to(dt);
}

}  // namespace

int64_t block_rows(int64_t batch, int64_t heads, int64_t tq, int64_t tk, int64_t requested) {
  if (requested > 0) return requested;
  // Larger blocks make the products more efficient (7B shape at 8k on 2 cores: 7.6 s vs 9.0 s
  // with 64 MiB blocks); 256 MiB of logits is what attention adds to a training step's peak.
  const int64_t budget = int64_t(1) << 26;
  const int64_t rows = budget / std::max<int64_t>(1, batch * heads * tk);
  return std::clamp<int64_t>(rows, 16, std::max<int64_t>(tq, 1));
}

Forward forward(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                const torch::Tensor& q_pos, const torch::Tensor& k_pos, const torch::Tensor& row_scale,
                const AttendOptions& opts) {
  torch::NoGradGuard no_grad;
  const int64_t B = q.size(0), H = q.size(1), Tq = q.size(2), D = q.size(3);
  const int64_t Hkv = k.size(1), Tk = k.size(2), G = H / Hkv;
  const Layout lay(q, q_pos, k_pos, row_scale);
  const int64_t block = block_rows(B, H, Tq, Tk, opts.block_rows);
  // Logits are formed in fp32 whatever the compute dtype: entropy and softmax then see exactly
  // the products of the stored q and k (a bf16 q·kᵀ would round them), and on CPUs without bf16
  // units the fp32 product is also the faster one. Keys are upcast once, not per block.
  auto kt = (k.scalar_type() == lay.acc ? k : k.to(lay.acc)).transpose(-1, -2);  // (B, Hkv, D, Tk)

  Forward res;
  res.out = torch::empty({B, H, Tq, D}, q.options());
  res.lse = torch::empty({B, H, Tq}, q.options().dtype(lay.acc));
  if (opts.want_entropy) res.entropy = torch::empty({B, H, Tq}, q.options().dtype(torch::kFloat32));
  res.probes.resize(opts.probe_rows.size());
  for (int64_t r0 = 0; r0 < Tq; r0 += block) {
    const int64_t rows = std::min(block, Tq - r0);
    const int64_t kend = lay.key_end(r0, rows);
    auto x = torch::matmul(group_rows(q, r0, rows, Hkv, lay.acc), kt.narrow(-1, 0, kend))
                 .view({B, Hkv, G, rows, kend});  // (B, Hkv, G, rows, kend)
    // In place: two block-sized buffers (x, e) instead of seven (allocation dominates on CPU).
    x.mul_(lay.scale(r0, rows)).masked_fill_(lay.masked(r0, rows, kend), kMaskedLogit);
    auto m = std::get<0>(x.max(-1, /*keepdim=*/true));  // (B, Hkv, G, rows, 1)
    x.sub_(m);                                          // x − m
    auto e = x.exp();
    auto sums = softmax_row_sums(x, e, opts.want_entropy);  // l (and Σ(x−m)e) in one pass
    res.lse.narrow(2, r0, rows).copy_((m + sums.l.log()).view({B, H, rows}));
    if (opts.want_entropy)  // H = ln l − Σ(x−m)e / l
      res.entropy.narrow(2, r0, rows).copy_((sums.l.log() - sums.xe / sums.l).view({B, H, rows}));
    auto p = e.div_(sums.l);
    for (size_t i = 0; i < opts.probe_rows.size(); ++i) {
      const int64_t row = opts.probe_rows[i];
      if (row >= r0 && row < r0 + rows) {
        auto pr = p.select(3, row - r0).reshape({B, H, kend}).to(torch::kFloat32);
        res.probes[i] = torch::constant_pad_nd(pr, {0, Tk - kend}, 0.0);
      }
    }
    auto o = torch::matmul(p.to(v.scalar_type()).view({B, Hkv, G * rows, kend}), v.narrow(2, 0, kend));
    res.out.narrow(2, r0, rows).copy_(o.view({B, H, rows, D}));
  }
  return res;
}

Grads backward(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
               const torch::Tensor& out, const torch::Tensor& lse, const torch::Tensor& dout,
               const torch::Tensor& q_pos, const torch::Tensor& k_pos, const torch::Tensor& row_scale,
               int64_t block_rows_requested) {
  torch::NoGradGuard no_grad;
  const int64_t B = q.size(0), H = q.size(1), Tq = q.size(2), D = q.size(3);
  const int64_t Hkv = k.size(1), Tk = k.size(2), G = H / Hkv;
  const Layout lay(q, q_pos, k_pos, row_scale);
  const int64_t block = block_rows(B, H, Tq, Tk, block_rows_requested);
  auto kc = k.scalar_type() == lay.acc ? k : k.to(lay.acc);  // (B, Hkv, Tk, D)
  auto vc = v.scalar_type() == lay.acc ? v : v.to(lay.acc);
  auto dq = torch::empty({B, H, Tq, D}, q.options().dtype(lay.acc));
  auto dk = torch::zeros({B, Hkv, Tk, D}, q.options().dtype(lay.acc));  // accumulated over blocks
  auto dv = torch::zeros({B, Hkv, Tk, D}, q.options().dtype(lay.acc));
  for (int64_t r0 = 0; r0 < Tq; r0 += block) {
    const int64_t rows = std::min(block, Tq - r0);
    const int64_t kend = lay.key_end(r0, rows);
    auto qb = group_rows(q, r0, rows, Hkv, lay.acc);  // (B, Hkv, G·rows, D)
    auto dob = group_rows(dout, r0, rows, Hkv, lay.acc);
    auto kb = kc.narrow(2, 0, kend), vb = vc.narrow(2, 0, kend);  // (B, Hkv, kend, D)
    const auto scale = lay.scale(r0, rows);                       // (rows, 1)
    // P = exp(x − lse), recomputed: the forward's probabilities exactly (up to rounding).
    auto p = torch::matmul(qb, kb.transpose(-1, -2)).view({B, Hkv, G, rows, kend});
    p.mul_(scale).masked_fill_(lay.masked(r0, rows, kend), kMaskedLogit);
    p.sub_(lse.narrow(2, r0, rows).reshape({B, Hkv, G, rows, 1})).exp_();
    auto p2 = p.view({B, Hkv, G * rows, kend});
    dv.narrow(2, 0, kend).add_(torch::matmul(p2.transpose(-1, -2), dob));
    // dX = P ⊙ (dP − Δ), Δ_i = Σ_j P_ij dP_ij = dO_i · O_i; then the row scale of x = scale·q·kᵀ.
    auto delta = (dob * group_rows(out, r0, rows, Hkv, lay.acc)).sum(-1).view({B, Hkv, G, rows, 1});
    auto ds = torch::matmul(dob, vb.transpose(-1, -2)).view({B, Hkv, G, rows, kend});
    ds.sub_(delta).mul_(p).mul_(scale);
    auto ds2 = ds.view({B, Hkv, G * rows, kend});
    dq.narrow(2, r0, rows).copy_(torch::matmul(ds2, kb).view({B, H, rows, D}));
    dk.narrow(2, 0, kend).add_(torch::matmul(ds2.transpose(-1, -2), qb));
  }
  return {dq.to(q.scalar_type()), dk.to(k.scalar_type()), dv.to(v.scalar_type())};
}

}  // namespace ropelab::blockwise
