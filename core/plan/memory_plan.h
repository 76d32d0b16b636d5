// The training memory plan: how many bytes of tensors one rank holds at the peak of a training
// step of train_model() (core/train/trainer.cpp), component by component, from the model shape
// alone. It follows what the trainer and LibTorch's autograd actually allocate (which tensors
// each op saves for backward, the blockwise attention kernel's buffers, the trainer's fp32
// gradient copies) and is checked against the counting allocator (experiments/tensor_memory.h)
// by `ropelab bench train` and tests/integration/test_plan_cli.cpp.
//
// Not modelled: CUDA context, allocator fragmentation / caching, communication buffers.
// ZeRO semantics (zero_stage): stage 1 shards the fp32 master weights and AdamW moments over the
// ranks, stage 2 also the fp32 (reduced) gradients; the compute-dtype gradients autograd writes
// are always full size.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/config/model_config.h"
#include "core/util/host_memory.h"  // format_bytes

namespace ropelab {

struct MemoryPlanConfig {
  ModelConfig model;
  int64_t seq_len = 4096;          // tokens per sequence (T)
  int64_t micro_batch = 1;         // sequences per forward (B)
  int64_t world_size = 1;          // data-parallel ranks
  int zero_stage = 0;              // 0, 1, 2
  bool checkpoint_layers = false;  // recompute each decoder layer in backward
  int64_t compute_bytes = 4;       // 4 = fp32, 2 = bf16 / fp16
  void validate() const;           // InputError naming the option
};

struct PlanItem {
  std::string name;
  int64_t bytes = 0;
  std::string how;  // the arithmetic, for humans
};

struct MemoryPlan {
  int64_t parameters = 0;
  std::vector<PlanItem> components;  // what one rank holds; each tensor counted once
  std::vector<PlanItem> phases;      // live bytes at each candidate peak of a step
  int64_t peak_bytes = 0;            // the largest phase
  std::string peak_phase;
  int64_t fwd_bwd_peak_bytes = 0;  // the largest phase before the optimizer step
};

MemoryPlan plan_memory(const MemoryPlanConfig& cfg);

// Inference: a lower bound on the bytes one forward pass over a sequence of `seq_len` tokens
// holds, whatever the dtype (counted at 2 bytes per element): the KV cache of every layer
// (2 · layers · kv_heads · head_dim · T) plus the logits (vocab · T in fp32 when every position's
// are kept, as perplexity does; vocab alone otherwise). Used to refuse absurd lengths (10^12
// tokens) before anything is allocated; passing it does not promise the run fits.
double inference_bytes_lower_bound(const ModelConfig& model, int64_t seq_len, bool all_logits);

// InputError "<option> <T>: a forward pass over T tokens needs at least <bytes>; this machine
// has <physical>" for the first length that cannot fit in this machine's physical memory.
void check_lengths_fit_memory(const ModelConfig& model, const std::vector<int64_t>& lengths, bool all_logits,
                              const std::string& option);

}  // namespace ropelab
