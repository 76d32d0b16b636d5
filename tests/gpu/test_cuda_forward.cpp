// GPU path: the same model on CUDA (fp32 and bf16) agrees with the CPU forward. Skipped (CTest
// SKIP) where no CUDA device is available.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/model/llama.h"
#include "test_util.h"

using namespace ropelab;

namespace {
LlamaForCausalLM eabf_micro() {
  auto c = ropelab::testing::micro_config(2);
  RopeContext ctx;
  ctx.head_dim = c.head_dim();
  ctx.max_position_embeddings = c.max_position_embeddings;
  c.rope = RopeSpec::from_json({{"rope_type", "eabf"}}, 10000.0, ctx, "test");
  LlamaForCausalLM m(c);
  m->init_weights(9, 0.15);
  return m;
}
}  // namespace

TEST(Cuda, ForwardMatchesCpuInFp32AndBf16) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  torch::NoGradGuard ng;
  auto m = eabf_micro();
  auto ids = torch::randint(0, 97, {1, 96}, torch::kLong);
  auto cpu = m->forward(ids);
  m->to(torch::kCUDA);
  auto gpu = m->forward(ids).to(torch::kCPU);
  EXPECT_LE((gpu - cpu).abs().max().item<double>(), 1e-3);
  m->to(torch::kBFloat16);
  auto bf = m->forward(ids).to(torch::kCPU);
  EXPECT_LE((bf - cpu).abs().max().item<double>(), 0.1);
}

TEST(Cuda, KVCacheDecodingMatchesFullForward) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  torch::NoGradGuard ng;
  auto m = eabf_micro();
  m->to(torch::kCUDA);
  auto ids = torch::randint(0, 97, {1, 64}, torch::kLong);
  auto full = m->forward(ids).to(torch::kCPU);
  KVCache cache(m->config.num_hidden_layers);
  ForwardOptions fo;
  fo.cache = &cache;
  std::vector<torch::Tensor> parts{m->forward(ids.narrow(1, 0, 40), {}, fo).to(torch::kCPU)};
  for (int64_t t = 40; t < 64; ++t) parts.push_back(m->forward(ids.narrow(1, t, 1), {}, fo).to(torch::kCPU));
  EXPECT_LE((torch::cat(parts, 1) - full).abs().max().item<double>(), 1e-3);
}
