// Loading without a random model: parameters are created from the checkpoint in their final
// dtype (build_llama), so a load allocates the model once; `init`'s streamed writer draws the
// same values as init_weights.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/io/safetensors.h"
#include "core/model/checkpoint.h"
#include "experiments/tensor_memory.h"
#include "test_util.h"

using namespace ropelab;
using ropelab::testing::micro_config;
using ropelab::testing::TempDir;

TEST(DirectLoad, ParameterShapesListTheConstructedModelInOrder) {
  for (bool tied : {false, true}) {
    auto c = micro_config(/*kv_heads=*/2, tied);
    LlamaForCausalLM m(c);
    auto params = m->named_parameters();
    auto shapes = llama_parameter_shapes(c);
    ASSERT_EQ(shapes.size(), params.size());
    for (size_t i = 0; i < shapes.size(); ++i) {
      EXPECT_EQ(shapes[i].first, params[i].key());
      EXPECT_EQ(c10::IntArrayRef(shapes[i].second), params[i].value().sizes()) << shapes[i].first;
    }
  }
}

TEST(DirectLoad, ABf16LoadAllocatesTheModelOnceAndNoFp32Copy) {
  TempDir tmp;
  auto c = micro_config(2);
  c.vocab_size = 4096;  // a large embedding makes a stray fp32 model or copy visible
  LlamaForCausalLM m(c);
  m->init_weights(3);
  save_model(m, tmp / "m");  // fp32 on disk
  // Independent count: embed + lm_head V*C each, per layer q, o C*C, k, v C*C/2 (2 of 4 heads),
  // gate, up, down C*I, two norms C; final norm C.
  const int64_t C = 64, I = 96, V = 4096, L = 3;
  const int64_t n = 2 * V * C + L * (2 * C * C + 2 * C * C / 2 + 3 * C * I + 2 * C) + C;
  ASSERT_EQ(n, m->num_parameters());

  install_tensor_memory_counter();
  const int64_t live0 = tensor_bytes_live();
  reset_tensor_bytes_peak();
  LoadOptions lo;
  lo.dtype = torch::kBFloat16;
  auto back = load_model(tmp / "m", lo);
  const int64_t peak = tensor_bytes_peak() - live0, live = tensor_bytes_live() - live0;
  // The bf16 model (2 bytes per parameter) plus the skeleton's throwaway few-kB initialisation.
  EXPECT_GE(live, 2 * n);
  EXPECT_LE(peak, 2 * n + 64 * 1024) << "peak " << peak << " bytes for a " << 2 * n << "-byte bf16 model";
  EXPECT_EQ(back->dtype(), torch::kBFloat16);
  auto a = m->named_parameters();
  for (auto& p : back->named_parameters())
    EXPECT_TRUE(torch::equal(p.value(), a[p.key()].to(torch::kBFloat16))) << p.key();
  // It computes like a model built the ordinary way.
  torch::NoGradGuard ng;
  auto ids = torch::randint(0, V, {1, 8}, torch::kLong);
  auto ref = m->forward(ids);
  EXPECT_TRUE(torch::equal(load_model(tmp / "m")->forward(ids), ref));
}

TEST(DirectLoad, StreamedInitWritesWhatInitWeightsDraws) {
  TempDir tmp;
  auto c = micro_config(2);
  auto gen = at::detail::createCPUGenerator(11);
  SaveOptions so;
  so.shard_size_bytes = 40000;  // several shards: the draw order must still follow the parameters
  save_model_streamed(
      c,
      [&](const std::string& name, const std::vector<int64_t>& shape) {
        return initial_parameter(name, shape, gen, 0.05);
      },
      tmp / "m", so);
  LlamaForCausalLM m(c);
  m->init_weights(11, 0.05);
  auto back = load_model(tmp / "m");
  auto a = m->named_parameters();
  for (auto& p : back->named_parameters()) EXPECT_TRUE(torch::equal(p.value(), a[p.key()])) << p.key();
  EXPECT_TRUE(std::filesystem::exists(tmp / "m/model.safetensors.index.json"));
}
