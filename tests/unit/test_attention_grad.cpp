// Training attention (attend() under autograd: the blockwise recompute-in-backward kernel):
// gradients of q, k and v against a naive float64 softmax attention written here, with autograd on
// doubles; the memory it keeps for backward; entropy recorded through the same function.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <cmath>

#include "core/attention/attend.h"
#include "experiments/tensor_memory.h"
#include "model_test_util.h"

namespace ropelab {
namespace {

using testing::max_abs_diff;

// softmax(scaleᵢ · qᵢ·kⱼ over visible j) · v in float64; kv head of query head h is h / (H / Hkv).
torch::Tensor naive_attention_f64(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                  const torch::Tensor& q_pos, const torch::Tensor& k_pos,
                                  const torch::Tensor& scale) {
  const int64_t G = q.size(1) / k.size(1);
  auto kk = k.repeat_interleave(G, 1), vv = v.repeat_interleave(G, 1);
  auto x = torch::matmul(q, kk.transpose(-1, -2)) * scale.to(torch::kFloat64).view({-1, 1});
  auto hidden = k_pos.view({1, -1}) > q_pos.view({-1, 1});
  x = x.masked_fill(hidden, -std::numeric_limits<double>::infinity());
  return torch::matmul(torch::softmax(x, -1), vv);
}

struct GradCase {
  const char* name;
  int64_t heads, kv_heads, tq, tk;  // tk > tq: a cached prefix of tk − tq keys before the queries
  bool logit_scale;                 // EABF's per-row scale, else the constant 1/√d
  int64_t block_rows;               // 0 = the default budget (one block at these sizes)
};

void expect_grads_match(const GradCase& c) {
  SCOPED_TRACE(c.name);
  const int64_t B = 2, D = 16;
  auto gen = at::detail::createCPUGenerator(11);
  auto opt = torch::TensorOptions().dtype(torch::kFloat64);
  auto q64 = at::normal(0.0, 1.0, {B, c.heads, c.tq, D}, gen, opt);
  auto k64 = at::normal(0.0, 1.0, {B, c.kv_heads, c.tk, D}, gen, opt);
  auto v64 = at::normal(0.0, 1.0, {B, c.kv_heads, c.tk, D}, gen, opt);
  auto w = at::normal(0.0, 1.0, {B, c.heads, c.tq, D}, gen, opt);  // loss = Σ w ⊙ out
  auto k_pos = torch::arange(c.tk, torch::kLong);
  auto q_pos = torch::arange(c.tk - c.tq, c.tk, torch::kLong);
  torch::Tensor scale = torch::full({c.tq}, 1.0 / std::sqrt(double(D)), torch::kFloat32);
  if (c.logit_scale) {  // the model's own EABF table (window 32): t grows with the position
    auto m = testing::micro_with({{"rope_type", "eabf"}});
    scale = m->logit_scale_table(q_pos * 4)[m->config.num_hidden_layers - 1] / std::sqrt(double(D));
    ASSERT_GT(scale.max().item<double>() - scale.min().item<double>(), 0.05) << "scale must vary by row";
  }

  auto qr = q64.clone().requires_grad_(true), kr = k64.clone().requires_grad_(true),
       vr = v64.clone().requires_grad_(true);
  (naive_attention_f64(qr, kr, vr, q_pos, k_pos, scale) * w).sum().backward();

  auto q = q64.to(torch::kFloat32).requires_grad_(true), k = k64.to(torch::kFloat32).requires_grad_(true),
       v = v64.to(torch::kFloat32).requires_grad_(true);
  AttendOptions ao;
  ao.block_rows = c.block_rows;
  auto out = attend(q, k, v, q_pos, k_pos, scale, ao).out;
  ASSERT_TRUE(out.requires_grad());
  EXPECT_LT(max_abs_diff(out, naive_attention_f64(q64, k64, v64, q_pos, k_pos, scale)), 1e-5);
  (out * w.to(torch::kFloat32)).sum().backward();
  EXPECT_LT(max_abs_diff(q.grad(), qr.grad()), 1e-5);
  EXPECT_LT(max_abs_diff(k.grad(), kr.grad()), 1e-5);
  EXPECT_LT(max_abs_diff(v.grad(), vr.grad()), 1e-5);
  // Not vacuous: the gradients are of order one.
  EXPECT_GT(qr.grad().abs().max().item<double>(), 0.1);
}

TEST(TrainingAttention, GradientsEqualFloat64Reference) {
  const GradCase cases[] = {
      {"MHA causal, default scale, one block", 4, 4, 24, 24, false, 0},
      {"MHA causal, default scale, blocks of 5", 4, 4, 24, 24, false, 5},
      {"MHA causal, EABF logit scale, blocks of 7", 4, 4, 24, 24, true, 7},
      {"GQA 6 over 2, default scale, blocks of 4", 6, 2, 21, 21, false, 4},
      {"GQA 6 over 2, EABF logit scale, one block", 6, 2, 21, 21, true, 0},
      {"GQA, EABF, queries after a 9-key cached prefix, blocks of 5", 6, 2, 13, 22, true, 5},
      {"MHA, default scale, one query over a 17-key cache", 4, 4, 1, 17, false, 0},
  };
  for (const auto& c : cases) expect_grads_match(c);
}

TEST(TrainingAttention, Bf16GradientsFollowTheirOwnInputs) {
  // bf16 q/k/v: logits and accumulators are fp32, so the gradient equals the float64 reference of
  // the same bf16 values up to the final bf16 rounding (relative 2⁻⁸).
  const int64_t B = 1, H = 4, T = 20, D = 16;
  auto gen = at::detail::createCPUGenerator(5);
  auto mk = [&] {
    return at::normal(0.0, 1.0, {B, H, T, D}, gen, torch::TensorOptions().dtype(torch::kFloat32))
        .to(torch::kBFloat16);
  };
  auto q = mk(), k = mk(), v = mk();
  auto pos = torch::arange(T, torch::kLong);
  auto scale = torch::full({T}, 0.25f);
  auto qr = q.to(torch::kFloat64).requires_grad_(true);
  naive_attention_f64(qr, k.to(torch::kFloat64), v.to(torch::kFloat64), pos, pos, scale).sum().backward();
  auto qb = q.clone().requires_grad_(true);
  attend(qb, k, v, pos, pos, scale).out.sum().backward();
  ASSERT_EQ(qb.grad().scalar_type(), torch::kBFloat16);
  const double tol = qr.grad().abs().max().item<double>() * std::pow(2.0, -7);
  EXPECT_LT(max_abs_diff(qb.grad(), qr.grad()), tol);
}

TEST(TrainingAttention, KeepsOnlyOutputAndLogSumExpForBackward) {
  // What forward leaves allocated besides q, k, v is the output (B·H·T·D) and the per-row lse
  // (B·H·T) in fp32: no T² block survives the forward.
  install_tensor_memory_counter();
  const int64_t B = 1, H = 4, T = 512, D = 32;
  auto q = torch::randn({B, H, T, D}).requires_grad_(true),
       k = torch::randn({B, H, T, D}).requires_grad_(true),
       v = torch::randn({B, H, T, D}).requires_grad_(true);
  auto pos = torch::arange(T, torch::kLong);
  auto scale = torch::full({T}, 0.2f);
  const int64_t before = tensor_bytes_live();
  reset_tensor_bytes_peak();
  auto out = attend(q, k, v, pos, pos, scale).out;
  const int64_t kept = tensor_bytes_live() - before;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
  // LibTorch >= 2.1 trains through scaled_dot_product_attention, which also keeps the row-scaled
  // q it was given (the per-row logit scale folded into q): one more B·H·T·D fp32 tensor.
  EXPECT_EQ(kept, 2 * B * H * T * D * 4 + B * H * T * 4);
#else
  EXPECT_EQ(kept, B * H * T * D * 4 + B * H * T * 4);
#endif
  // The transient peak is one block's logits and exponentials (2 · B·H·T·T·4 bytes here, one block),
  // not the 4+ T² tensors autograd would keep for a composite softmax.
  EXPECT_LE(tensor_bytes_peak() - before, kept + 2 * B * H * T * T * 4 + (int64_t(1) << 20));
  out.sum().backward();
  EXPECT_TRUE(q.grad().defined() && k.grad().defined() && v.grad().defined());
}

// Records entropy; the model stays unaware of it.
struct EntropyTap : AttentionObserver {
  bool wants_entropy(int64_t) const override { return true; }
  void on_entropy(int64_t layer, const at::Tensor&, const at::Tensor& e) override {
    got.push_back(e.clone());
  }
  std::vector<torch::Tensor> got;
};

TEST(TrainingAttention, EntropyRecordedDuringTrainingForwardEqualsInference) {
  auto m = testing::micro_with({{"rope_type", "eabf"}});
  auto ids = torch::randint(0, m->config.vocab_size, {2, 24}, torch::kLong);
  EntropyTap train_tap, eval_tap;
  ObserverList tr{&train_tap}, ev{&eval_tap};
  ForwardOptions fo;
  fo.observers = &tr;
  auto logits = m->forward(ids, {}, fo);  // autograd on: the training kernel
  ASSERT_TRUE(logits.requires_grad());
  logits.sum().backward();
  {
    torch::NoGradGuard ng;
    fo.observers = &ev;
    m->forward(ids, {}, fo);
  }
  ASSERT_EQ(train_tap.got.size(), size_t(m->config.num_hidden_layers));
  ASSERT_EQ(eval_tap.got.size(), train_tap.got.size());
  for (size_t l = 0; l < train_tap.got.size(); ++l) {
    EXPECT_FALSE(train_tap.got[l].requires_grad());
    EXPECT_LT(max_abs_diff(train_tap.got[l], eval_tap.got[l]), 1e-6) << "layer " << l;
  }
  // Entropy of a 24-key causal row lies in (0, ln 24]: recorded, not zeros.
  EXPECT_GT(train_tap.got[0].mean().item<double>(), 0.1);
}

}  // namespace
}  // namespace ropelab
