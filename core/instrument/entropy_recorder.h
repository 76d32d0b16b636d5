// EntropyRecorder: an AttentionObserver that aggregates attention entropy over documents.
//
// Per recorded layer, head and query position it keeps a Welford running mean and M2 in float64
// (numerically stable however many documents), the number of documents seen per (layer,
// position), optionally every document's values (keep_docs), optionally probes (attention rows
// of chosen absolute query positions averaged over documents), and the logit multiplier actually
// applied per (layer, position). Every batch element of a forward is one document; the driver
// calls end_batch() after each forward so kept values land in the right document slot.
//
// Invariants: accumulators live on the CPU whatever device the model runs on (the taps' small
// (B, H, Tq) tensors are moved over); positions must be < seq_len; the layer axis of every
// result is `layers()` in ascending order; std is the population value (ddof = 0).
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <map>
#include <vector>

#include "core/attention/observer.h"

namespace ropelab {

struct EntropyRecorderOptions {
  int64_t num_layers = 0;                // L of the model
  int64_t num_heads = 0;                 // H
  int64_t seq_len = 0;                   // T: positions 0..T-1 are recorded
  std::vector<int64_t> layers;           // recorded layers; empty = all
  bool keep_docs = false;                // keep every document's entropy
  std::vector<int64_t> probe_positions;  // absolute query positions (< seq_len)
  void validate() const;                 // InputError naming the bad value
};

class EntropyRecorder : public AttentionObserver {
 public:
  explicit EntropyRecorder(EntropyRecorderOptions opts);

  bool wants_entropy(int64_t layer) const override;
  std::vector<int64_t> probe_positions(int64_t layer) const override;
  void on_entropy(int64_t layer, const at::Tensor& q_positions, const at::Tensor& entropy) override;
  void on_probs(int64_t layer, int64_t position, const at::Tensor& probs) override;
  void on_logit_scale(int64_t layer, const at::Tensor& q_positions, const at::Tensor& scale) override;

  // Closes the current forward: its `batch` documents are counted and later taps start a new slot.
  void end_batch(int64_t batch);

  const EntropyRecorderOptions& options() const { return opts_; }
  const std::vector<int64_t>& layers() const { return layers_; }  // ascending
  int64_t n_docs() const { return n_docs_; }

  torch::Tensor mean() const;         // (Lr, H, T) float64
  torch::Tensor stddev() const;       // (Lr, H, T) float64, population std
  torch::Tensor count() const;        // (T,) int64: documents per position (first recorded layer)
  torch::Tensor logit_scale() const;  // (Lr, T) float32; NaN where never observed
  // position -> (Lr, H, T) float32, the mean attention row over documents (keys past the query 0).
  std::map<int64_t, torch::Tensor> probes() const;
  torch::Tensor docs() const;  // (N, Lr, H, T) float32 when keep_docs, else undefined

 private:
  int64_t slot(int64_t layer) const;  // index into layers_, -1 when not recorded

  EntropyRecorderOptions opts_;
  std::vector<int64_t> layers_;
  std::vector<int64_t> slot_of_;                // layer -> slot or -1
  torch::Tensor n_;                             // (Lr, T) int64
  torch::Tensor mean_, m2_;                     // (Lr, H, T) float64
  torch::Tensor scale_;                         // (Lr, T) float32
  std::map<int64_t, torch::Tensor> probe_sum_;  // position -> (Lr, H, T) float64
  std::map<int64_t, torch::Tensor> probe_n_;    // position -> (Lr,) int64
  std::vector<torch::Tensor> docs_;             // each (Lr, H, T) float32
  int64_t n_docs_ = 0;
};

}  // namespace ropelab
