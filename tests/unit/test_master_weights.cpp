// The fp32 training state behind a model: flat ranges of the parameter vector (ZeRO shards) and
// fp32 gradient accumulation for a bf16 model, against an fp32 run of the same weights.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/train/master_weights.h"
#include "experiments/tensor_memory.h"
#include "test_util.h"

using namespace ropelab;
using ropelab::testing::micro_config;

TEST(FlatPieces, ARangeSplitsAtParameterBoundaries) {
  // Parameters of 3, 5 and 2 elements: flat [2, 7) is element 2 of the first and 0..3 of the second.
  auto p = flat_pieces({3, 5, 2}, 2, 5);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].param, 0u);
  EXPECT_EQ(p[0].begin, 2);
  EXPECT_EQ(p[0].length, 1);
  EXPECT_EQ(p[0].offset, 0);
  EXPECT_EQ(p[1].param, 1u);
  EXPECT_EQ(p[1].begin, 0);
  EXPECT_EQ(p[1].length, 4);
  EXPECT_EQ(p[1].offset, 1);
  auto q = flat_pieces({3, 5, 2}, 7, 3);  // the last rank's range of ceil(10 / 3) = 4, clipped at 10
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].param, 1u);
  EXPECT_EQ(q[0].begin, 4);
  EXPECT_EQ(q[0].length, 1);
  EXPECT_EQ(q[1].param, 2u);
  EXPECT_EQ(q[1].begin, 0);
  EXPECT_EQ(q[1].length, 2);
  EXPECT_EQ(q[1].offset, 1);
  EXPECT_TRUE(flat_pieces({3, 5, 2}, 10, 0).empty());
}

namespace {

// Mean next-token loss of one micro-batch, normalised by all `total` targets of the step.
torch::Tensor micro_loss(LlamaForCausalLM& m, const torch::Tensor& ids, int64_t total) {
  const int64_t T = ids.size(1);
  auto logits = m->forward(ids.narrow(1, 0, T - 1));
  auto nll = torch::nn::functional::cross_entropy(
      logits.reshape({-1, logits.size(-1)}), ids.narrow(1, 1, T - 1).reshape({-1}),
      torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
  return nll / double(total);
}

double relative_error(const std::vector<torch::Tensor>& g, const std::vector<torch::Tensor>& ref) {
  std::vector<torch::Tensor> a, b;
  for (size_t i = 0; i < g.size(); ++i) {
    a.push_back(g[i].to(torch::kFloat64).reshape({-1}));
    b.push_back(ref[i].to(torch::kFloat64).reshape({-1}));
  }
  auto d = torch::cat(a) - torch::cat(b);
  return (d.norm() / torch::cat(b).norm()).item<double>();
}

}  // namespace

// state_bytes() is computed from the tensors' sizes; the counting allocator measures what
// construction really allocated: bf16 model -> fp32 master copy (4 B) + two fp32 moments (8 B)
// per parameter; fp32 model -> the moments only (the master is the parameter itself).
// Counting is process-wide from here on, which the other tests do not mind.
TEST(MasterWeights, StateBytesMatchTheCountingAllocator) {
  install_tensor_memory_counter();
  auto c = micro_config(2);
  for (const bool bf16 : {true, false}) {
    LlamaForCausalLM m(c);
    if (bf16) m->to(torch::kBFloat16);
    int64_t n = 0;
    for (const auto& p : m->parameters()) n += p.numel();
    Communicator comm(DistConfig{}, torch::kCPU);
    const int64_t before = tensor_bytes_live();
    MasterWeights st(m, /*zero=*/0, AdamWConfig{}, comm);
    EXPECT_EQ(st.state_bytes(), (bf16 ? 12 : 8) * n) << "bf16 " << bf16;
    // A bf16 model also gets its fp32 gradient accumulators (4 B per parameter) here.
    EXPECT_EQ(tensor_bytes_live() - before, st.state_bytes() + (bf16 ? 4 * n : 0)) << "bf16 " << bf16;
  }
}

TEST(MasterWeights, Bf16GradientsAccumulateInFp32AcrossMicroBatches) {
  torch::manual_seed(0);
  auto c = micro_config(2);
  c.num_hidden_layers = 1;  // bf16 matmuls are slow on CPUs
  LlamaForCausalLM bf(c), ref(c);
  bf->init_weights(5, 0.1);
  bf->to(torch::kBFloat16);
  ref->init_weights(5, 0.1);
  {  // the fp32 reference computes with exactly the bf16 model's weights
    torch::NoGradGuard ng;
    auto b = bf->named_parameters();
    for (auto& p : ref->named_parameters()) p.value().copy_(b[p.key()]);
  }
  const int K = 64;  // micro-batches per step
  const int64_t T = 17;
  std::vector<torch::Tensor> batches;
  for (int k = 0; k < K; ++k) batches.push_back(torch::randint(0, c.vocab_size, {1, T}, torch::kLong));
  const int64_t total = K * (T - 1);

  for (auto& ids : batches) micro_loss(ref, ids, total).backward();  // fp32 compute and sums
  std::vector<torch::Tensor> g_fp32;
  for (auto& p : ref->parameters()) g_fp32.push_back(p.grad());

  Communicator comm(DistConfig{}, torch::kCPU);
  MasterWeights st(bf, /*zero=*/0, AdamWConfig{}, comm);
  auto params = bf->parameters();
  std::vector<torch::Tensor> g_exact, g_bf16;  // float64 sum; what autograd's bf16 .grad += holds
  for (auto& p : params) {
    g_exact.push_back(torch::zeros(p.sizes(), torch::kFloat64));
    g_bf16.push_back(torch::zeros(p.sizes(), torch::kBFloat16));
  }
  for (auto& ids : batches) {
    micro_loss(bf, ids, total).backward();
    for (size_t i = 0; i < params.size(); ++i) {
      g_exact[i] += params[i].grad().to(torch::kFloat64);
      g_bf16[i].add_(params[i].grad());  // AccumulateGrad's in-place bf16 add: the old path
    }
    st.accumulate_micro_batch();  // adds into fp32 and clears .grad
  }
  st.reduce_gradients();
  ASSERT_EQ(st.gradients().size(), params.size());
  for (auto& g : st.gradients()) EXPECT_EQ(g.scalar_type(), torch::kFloat32);
  const double sum_new = relative_error(st.gradients(), g_exact), sum_old = relative_error(g_bf16, g_exact);
  const double run_new = relative_error(st.gradients(), g_fp32), run_old = relative_error(g_bf16, g_fp32);
  // The bf16 compute error alone: the exact sum of the bf16 micro-batch gradients against the fp32
  // run. It depends on the CPU's bf16 kernels (AVX-512 BF16 or emulated), so it bounds nothing here.
  const double compute = relative_error(g_exact, g_fp32);
  std::cout << "relative gradient error over " << K
            << " bf16 micro-batches, fp32 vs bf16 accumulation: against the "
            << "exact sum " << sum_new << " vs " << sum_old << "; against the fp32 run " << run_new << " vs "
            << run_old << " (bf16 compute alone " << compute << ")\n";
  // The summation error is machine-independent: fp32 accumulation keeps the exact sum, bf16 loses it.
  EXPECT_LT(sum_new, 1e-6);  // measured 3.6e-9 (Xeon AVX-512), 4.1e-10 (EPYC AVX2)
  EXPECT_GT(sum_old, 1e-3);  // measured 8.4e-3, 8.5e-3
  // Against the fp32 run, fp32 accumulation adds nothing to the compute error (triangle inequality
  // with the summation error); how it compares with bf16 accumulation's total depends on the
  // machine (docs/measurements.md, bf16 gradient accumulation: 0.0090 vs 0.0124 on a Xeon,
  // 0.0216 vs 0.0232 on an EPYC), so that is not asserted.
  EXPECT_LE(run_new, compute + 2 * sum_new + 1e-9);
  EXPECT_LT(compute, 0.05);  // bf16 rounding of one forward/backward: measured 0.009-0.022
}
