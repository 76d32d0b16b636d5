// The memory plan's arithmetic against hand-computed sizes: parameter count, ZeRO sharding of each
// state component, activations linear in T; formatting and bad configurations.
#include <gtest/gtest.h>

#include "core/plan/memory_plan.h"
#include "core/util/error.h"
#include "test_util.h"

namespace ropelab {
namespace {

int64_t component(const MemoryPlan& p, const std::string& prefix) {
  for (const auto& c : p.components)
    if (c.name.rfind(prefix, 0) == 0) return c.bytes;
  ADD_FAILURE() << "no component " << prefix;
  return -1;
}

TEST(MemoryPlan, ZeroStagesShardTheRightState) {
  MemoryPlanConfig c;
  c.model = *ModelConfig::preset("llama2-7b");
  c.seq_len = 16384;
  c.compute_bytes = 2;
  c.world_size = 4;
  c.checkpoint_layers = true;
  const int64_t P = 6738415616;  // LLaMA-2-7B
  for (int zero : {0, 1, 2}) {
    SCOPED_TRACE(zero);
    c.zero_stage = zero;
    auto p = plan_memory(c);
    EXPECT_EQ(p.parameters, P);
    EXPECT_EQ(component(p, "weights"), 2 * P);
    EXPECT_EQ(component(p, "fp32 master"), zero >= 1 ? P : 4 * P);  // 4P / 4 ranks
    EXPECT_EQ(component(p, "AdamW moments"), zero >= 1 ? 2 * P : 8 * P);
    EXPECT_EQ(component(p, "gradients, compute"), 2 * P);  // autograd's, never sharded
    EXPECT_EQ(component(p, "gradients, fp32"), zero >= 2 ? P : 4 * P);
    // Checkpointing: 32 layer inputs (T × 4096 bf16) + the final norm (T × 4096 × (4 + 2 + 2) B).
    EXPECT_EQ(component(p, "saved activations"), int64_t(32) * 16384 * 4096 * 2 + int64_t(16384) * 4096 * 8);
    EXPECT_GE(p.peak_bytes, 2 * P + component(p, "fp32 master") + component(p, "AdamW moments"));
  }
}

TEST(MemoryPlan, TinyParametersAndActivationsLinearInT) {
  MemoryPlanConfig c;
  c.model = *ModelConfig::preset("tiny");
  // 6 × (2·256 + 4·256² + 3·256·688) + 2·2048·256 + 256
  c.seq_len = 1024;
  auto a = plan_memory(c);
  EXPECT_EQ(a.parameters, 5795072);
  EXPECT_EQ(component(a, "weights"), 4 * 5795072);
  EXPECT_EQ(component(a, "fp32 master"), 0);  // fp32: the weights are the master copy
  c.seq_len = 2048;
  auto b = plan_memory(c);
  EXPECT_EQ(component(b, "saved activations"), 2 * component(a, "saved activations"));
  EXPECT_EQ(component(b, "logits and loss"), 2 * component(a, "logits and loss"));
}

TEST(MemoryPlan, FormatsBytesAndRejectsBadConfig) {
  EXPECT_EQ(format_bytes(int64_t(3) << 29), "1.50 GiB");
  EXPECT_EQ(format_bytes(int64_t(5) << 19), "2.5 MiB");
  EXPECT_EQ(format_bytes(512), "512 B");
  MemoryPlanConfig c;
  c.model = *ModelConfig::preset("tiny");
  c.zero_stage = 3;
  EXPECT_NE(testing::input_error_of([&] { plan_memory(c); }).find("`zero_stage` (3) must be 0, 1 or 2"),
            std::string::npos);
  c.zero_stage = 0;
  c.seq_len = 1;
  EXPECT_NE(testing::input_error_of([&] { plan_memory(c); }).find("`seq_len` (1) must be in [2, 2^24]"),
            std::string::npos);
}

}  // namespace
}  // namespace ropelab
