// The fp32 training state behind a model — master weights, AdamW moments, fp32 gradients — and
// its optional sharding over data-parallel ranks (ZeRO, Rajbhandari et al. 2020), `zero`:
//
//   0  every rank holds the master, the moments and the fp32 gradients of all parameters.
//   1  the flat concatenation of all parameters (named_parameters order) is cut into world_size
//      contiguous ranges of ceil(P / N) elements; rank r keeps the master and the moments of range
//      r only. Gradients are summed over ranks and each rank keeps its range: a reduce-scatter done
//      as all-reduce then slice (Gloo has no reduce-scatter; one code path serves Gloo and NCCL, at
//      twice a true reduce-scatter's traffic).
//   2  as 1, and the summed fp32 gradients are kept for range r only: each micro-batch's gradients
//      are reduced right after its backward and the model's .grad is freed, so a full-size gradient
//      lives for one micro-batch, in the compute dtype.
// After each update every rank's range is all-gathered into all ranks' model parameters.
//
// Precision: a bf16/fp16 model's gradients are accumulated across micro-batches in fp32 (added to
// fp32 buffers after every backward, the model's .grad cleared), never in the compute dtype. An
// fp32 model's gradients accumulate in its own fp32 .grad, and its master is its parameters
// (stage 0) or views into them (stages 1, 2): no copy.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/model/llama.h"
#include "core/train/adamw.h"
#include "core/train/distributed.h"

namespace ropelab {

// params[param] flat elements [begin, begin + length) <-> elements [offset, offset + length) of a
// flat range.
struct FlatPiece {
  size_t param = 0;
  int64_t begin = 0, length = 0, offset = 0;
};
// The pieces of consecutive parameters with these element counts that cover the flat range
// [begin, begin + length) of their concatenation; offsets are relative to `begin`.
std::vector<FlatPiece> flat_pieces(const std::vector<int64_t>& numels, int64_t begin, int64_t length);

class MasterWeights {
 public:
  // Broadcasts rank 0's parameters (identical start), then builds this rank's state.
  MasterWeights(LlamaForCausalLM& model, int zero, const AdamWConfig& cfg, Communicator& comm);

  // After each micro-batch's backward.
  void accumulate_micro_batch();
  // Sums the step's gradients over ranks (keeping what this rank owns); the global L2 norm.
  double reduce_gradients();
  // The owned fp32 gradients after reduce_gradients(), one per optimizer parameter.
  const std::vector<torch::Tensor>& gradients() const { return grads_; }
  // Scales the owned gradients by grad_scale, applies AdamW with `lr`, writes the new weights
  // into every rank's model and clears the gradients.
  void step(double lr, double grad_scale);
  // Model parameters := master (after loading a checkpoint into optimizer()).
  void publish();

  AdamW& optimizer() { return *opt_; }
  const AdamW& optimizer() const { return *opt_; }
  int zero() const { return zero_; }
  // Bytes this rank allocated for fp32 master copies + AdamW moments (the tensors' sizes; the
  // bench and the tests check them against the counting allocator), and for the
  // fp32 gradients it keeps between micro-batches (stage 0/1: all parameters; 2: its range).
  int64_t state_bytes() const { return state_bytes_; }
  int64_t gradient_bytes() const { return gradient_bytes_; }

 private:
  torch::Tensor grad_fp32(size_t k) const;
  void clear_model_grads();

  Communicator& comm_;
  int zero_;
  bool separate_;                      // model computes in bf16/fp16: the master is a copy
  std::vector<torch::Tensor> params_;  // the model's parameters
  std::vector<int64_t> numels_;
  int64_t total_ = 0, chunk_ = 0;           // P, ceil(P / world) (stage >= 1)
  std::vector<FlatPiece> owned_;            // one per optimizer parameter
  std::vector<torch::Tensor> master_;       // fp32, one per owned piece
  std::vector<torch::Tensor> acc_;          // fp32 gradient accumulators (bf16 model, stage 0/1)
  std::vector<torch::Tensor> shard_grads_;  // stage 2: reduced fp32 gradients of the owned pieces
  std::vector<torch::Tensor> grads_;
  std::unique_ptr<AdamW> opt_;
  int64_t state_bytes_ = 0, gradient_bytes_ = 0;
};

}  // namespace ropelab
