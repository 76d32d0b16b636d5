// The decoder: KV-cache decoding equals the full forward, GQA equals MHA with repeated kv heads,
// and block-wise attention equals the float64 reference.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/attention/attend.h"
#include "core/model/llama.h"
#include "model_test_util.h"
#include "test_util.h"

using namespace ropelab;
using ropelab::testing::cached_decoding_max_diff;
using ropelab::testing::max_abs_diff;
using ropelab::testing::micro_config;

namespace {

// Full forward vs prefill of `split` tokens then one token at a time through the cache.
double cached_vs_full(LlamaForCausalLM& m, int64_t T, int64_t split) {
  auto ids = torch::randint(0, m->config.vocab_size, {2, T}, torch::kLong);
  return cached_decoding_max_diff(m, ids, split);
}

}  // namespace

TEST(Model, KVCacheDecodingEqualsFullForwardMHA) {
  torch::manual_seed(0);
  LlamaForCausalLM m(micro_config(4));
  m->init_weights(3);
  EXPECT_LE(cached_vs_full(m, 20, 7), 1e-5);
}

TEST(Model, KVCacheDecodingEqualsFullForwardGQA) {
  torch::manual_seed(0);
  LlamaForCausalLM m(micro_config(2, /*tied=*/true));
  m->init_weights(4);
  EXPECT_LE(cached_vs_full(m, 20, 5), 1e-5);
}

TEST(Model, GQAEqualsMHAWithRepeatedKvWeights) {
  torch::manual_seed(0);
  LlamaForCausalLM gqa(micro_config(2));
  gqa->init_weights(5);
  LlamaForCausalLM mha(micro_config(4));
  torch::NoGradGuard ng;
  auto src = gqa->named_parameters();
  const int64_t D = gqa->config.head_dim(), G = 2;
  for (auto& p : mha->named_parameters()) {
    const auto& name = p.key();
    auto w = src[name];
    if (name.find("k_proj") != std::string::npos || name.find("v_proj") != std::string::npos) {
      // (Hkv·D, C) -> (Hkv, D, C) -> repeat each kv head G times -> (H·D, C)
      w = w.view({-1, D, w.size(1)}).repeat_interleave(G, 0).reshape({-1, w.size(-1)});
    }
    p.value().copy_(w);
  }
  auto ids = torch::randint(0, 97, {1, 16}, torch::kLong);
  EXPECT_LE(max_abs_diff(gqa->forward(ids), mha->forward(ids)), 1e-5);
}

TEST(Model, ExplicitPositionsShiftTheRotation) {
  torch::manual_seed(0);
  LlamaForCausalLM m(micro_config());
  m->init_weights(6);
  torch::NoGradGuard ng;
  auto ids = torch::randint(0, 97, {1, 8}, torch::kLong);
  // RoPE is relative: shifting all positions by a constant leaves the logits unchanged.
  auto a = m->forward(ids, torch::arange(0, 8, torch::kLong));
  auto b = m->forward(ids, torch::arange(100, 108, torch::kLong));
  EXPECT_LE(max_abs_diff(a, b), 2e-4);
}

TEST(Attend, BlockwiseEqualsFloat64ReferenceWithGQAAndCausalMask) {
  torch::manual_seed(1);
  auto q = torch::randn({2, 8, 37, 16});
  auto k = torch::randn({2, 2, 37, 16});
  auto v = torch::randn({2, 2, 37, 16});
  auto pos = torch::arange(37, torch::kLong);
  auto scale = torch::full({37}, 0.25f) * torch::linspace(1.0, 1.5, 37);
  AttendOptions o;
  o.want_entropy = true;
  o.block_rows = 5;  // force several blocks
  auto got = attend(q, k, v, pos, pos, scale, o);
  auto ref = attend_reference(q, k, v, pos, pos, scale, true);
  EXPECT_LE(max_abs_diff(got.out, ref.out), 1e-5);
  EXPECT_LE(max_abs_diff(got.entropy, ref.entropy), 1e-4);
  // Row 0 attends to one key: entropy exactly 0.
  EXPECT_NEAR(got.entropy[0][0][0].item<double>(), 0.0, 1e-6);
}

TEST(Attend, RecordingEntropyLeavesTheOutputBitIdentical) {
  // An observer must not perturb what it observes: with or without entropy (and probes), the
  // attention output is the same to the last bit, in fp32 and bf16, with odd block/key sizes.
  torch::manual_seed(4);
  torch::NoGradGuard ng;
  for (auto dtype : {torch::kFloat32, torch::kBFloat16}) {
    auto q = torch::randn({1, 6, 53, 16}).to(dtype), k = torch::randn({1, 3, 53, 16}).to(dtype);
    auto v = torch::randn({1, 3, 53, 16}).to(dtype);
    auto pos = torch::arange(53, torch::kLong);
    auto scale = torch::full({53}, 0.9f);
    AttendOptions plain, with;
    plain.block_rows = with.block_rows = 7;
    with.want_entropy = true;
    with.probe_rows = {52};
    auto a = attend(q, k, v, pos, pos, scale, plain), b = attend(q, k, v, pos, pos, scale, with);
    EXPECT_TRUE(torch::equal(a.out, b.out)) << "dtype " << dtype;
    EXPECT_EQ(b.entropy.sizes(), (std::vector<int64_t>{1, 6, 53}));
  }
}

TEST(Attend, ProbeRowsAreProbabilityDistributions) {
  torch::manual_seed(2);
  auto q = torch::randn({1, 4, 12, 8}), k = torch::randn({1, 4, 12, 8}), v = torch::randn({1, 4, 12, 8});
  auto pos = torch::arange(12, torch::kLong);
  AttendOptions o;
  o.probe_rows = {3, 11};
  o.block_rows = 4;
  auto r = attend(q, k, v, pos, pos, torch::full({12}, 0.3f), o);
  ASSERT_EQ(r.probes.size(), 2u);
  EXPECT_NEAR(r.probes[0].sum(-1).mean().item<double>(), 1.0, 1e-5);
  EXPECT_EQ(r.probes[0].narrow(-1, 4, 8).abs().max().item<double>(), 0.0);  // causal: keys > 3 are zero
}

TEST(Attend, AutogradPathEqualsInPlacePathAndHasGradients) {
  torch::manual_seed(3);
  auto q = torch::randn({1, 4, 20, 8}), k = torch::randn({1, 2, 20, 8}), v = torch::randn({1, 2, 20, 8});
  auto pos = torch::arange(20, torch::kLong);
  auto scale = torch::full({20}, 0.4f);
  AttendOptions o;
  o.want_entropy = true;
  o.block_rows = 6;
  AttendResult plain;
  {
    torch::NoGradGuard ng;
    plain = attend(q, k, v, pos, pos, scale, o);
  }
  auto qg = q.clone().requires_grad_(true);
  auto tracked = attend(qg, k, v, pos, pos, scale, o);
  EXPECT_LE(max_abs_diff(tracked.out, plain.out), 1e-6);
  EXPECT_LE(max_abs_diff(tracked.entropy, plain.entropy), 1e-6);
  tracked.out.sum().backward();
  ASSERT_TRUE(qg.grad().defined());
  EXPECT_TRUE(torch::isfinite(qg.grad()).all().item<bool>());
  EXPECT_GT(qg.grad().abs().sum().item<double>(), 0.0);
}
