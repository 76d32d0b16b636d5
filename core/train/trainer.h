// The training loop shared by `finetune` and `pretrain`: one code path for a tiny model on a
// laptop CPU and LLaMA-2-7B on GPUs.
//
// Batching: the examples are visited in a seeded order per epoch (shuffled_order(n, epoch_seed(seed,
// epoch)), a golden-ratio mix of seed and epoch so that nearby seeds give unrelated orders).
// A step takes the next global_batch examples; the last partial batch of an epoch is dropped.
// global_batch = micro_batch × accumulation × world_size; rank r takes the r-th contiguous slice
// of the step's examples and runs it in micro-batches (right-padded; padding is never a target).
//
// Loss: token-level mean over the whole global batch — every rank divides its summed negative
// log-likelihood by the batch's total number of targets (all ranks know it), so the all-reduced
// gradient equals the single-process gradient up to summation order.
//
// Precision: parameters are updated in fp32 ("master"). When the model computes in fp32 the
// master *is* the model's parameter; when it computes in bf16/fp16 (GPU) the master is a separate
// fp32 copy, each micro-batch's gradients are added into fp32 buffers (never accumulated in the
// compute dtype) and the model is refreshed after each step. `zero` shards the master, the AdamW
// moments (1, 2) and the reduced gradients (2) over the ranks: core/train/master_weights.h.
//
// Failure: a non-finite loss or gradient norm stops the run before the update is applied; the last
// checkpoint stays the newest one on disk (TrainingDiverged names it).
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/model/llama.h"
#include "core/train/adamw.h"
#include "core/train/distributed.h"
#include "core/train/lr_schedule.h"
#include "core/train/sft_examples.h"
#include "core/train/train_log.h"

namespace ropelab {

struct TrainConfig {
  int64_t epochs = 2;
  int64_t max_steps = 0;  // > 0: run exactly this many steps, cycling epochs (pre-training)
  int64_t global_batch = 32;
  int64_t micro_batch = 1;
  double lr = 2e-5;
  int64_t warmup_steps = 0;
  double min_lr = 0.0;
  AdamWConfig adamw;
  double clip_grad_norm = 1.0;  // 0 = no clipping
  bool checkpoint_layers = false;
  int64_t save_every = 0;  // 0 = only the final model
  int keep_checkpoints = 1;
  uint64_t seed = 0;
  int64_t pad_id = 0;
  int zero = 0;  // ZeRO stage: 0 replicated, 1 optimizer state sharded, 2 + gradients
  void validate(int world_size) const;
  nlohmann::json to_json() const;
};

// How many optimizer steps a run has, and why.
struct StepPlan {
  int64_t examples = 0, global_batch = 0, epochs = 0, steps_per_epoch = 0, dropped_per_epoch = 0;
  int64_t total_steps = 0, accumulation = 0;
  std::string
      arithmetic;  // "100 samples / global batch 32 = 3 steps per epoch (4 dropped) × 2 epochs = 6 steps"
};
StepPlan plan_steps(int64_t examples, const TrainConfig& cfg, int world_size);

// The examples (indices into the data) of optimizer step `step` for `rank`.
std::vector<int64_t> batch_indices(int64_t step, const StepPlan& plan, const TrainConfig& cfg, int rank,
                                   int world_size, int64_t n_examples);

struct TrainOutputs {
  std::filesystem::path out_dir;  // checkpoints/ and train.h5 go here (rank 0 only)
  std::string run_name;
  nlohmann::json log_attrs;    // extra attributes for /train/<run>
  nlohmann::json fingerprint;  // settings that must match on resume (data sha, model, ...)
  std::string resume_from;     // "" = fresh start
  std::string command_line;
  std::function<void()> finalize;  // rank 0, after the last step, before the log is marked complete
};

struct StepReport {
  int64_t step = 0, total_steps = 0, steps_this_run = 0;
  StepRecord record;
  double elapsed_s = 0;
};

struct TrainResult {
  int64_t steps_done = 0;
  int64_t resumed_from = 0;
  std::vector<double> losses;         // this process's view of the global loss per step run
  int64_t optimizer_state_bytes = 0;  // this rank's fp32 master copies + AdamW moments
  int64_t gradient_buffer_bytes = 0;  // this rank's fp32 gradients kept across micro-batches
};

struct TrainingDiverged : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Trains `model` in place. `on_step` is called on every rank after each step (rank 0 prints).
TrainResult train_model(LlamaForCausalLM& model, const std::vector<TrainExample>& examples,
                        const TrainConfig& cfg, const TrainOutputs& out, Communicator& comm,
                        const std::function<void(const StepReport&)>& on_step = nullptr);

}  // namespace ropelab
