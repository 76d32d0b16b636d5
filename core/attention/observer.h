// Named taps inside attention. Drivers (e.g. `ropelab entropy`) register observers;
// attend_observed() (observed_attend.h) serves them, so the model never knows who listens. With
// no observer the model pays one branch per layer.
//
// Taps:
//   "entropy"      per (batch, head, query) attention entropy in nats, fp32, after every scale
//   "probs"        full attention rows of requested absolute query positions
//   "logit_scale"  the multiplier applied to each query's logits (attention_factor² · t)
#pragma once
#include <cstdint>
#include <vector>

namespace at {
class Tensor;
}

namespace ropelab {

class AttentionObserver {
 public:
  virtual ~AttentionObserver() = default;
  virtual bool wants_entropy(int64_t layer) const { return false; }
  // Absolute query positions whose attention rows this observer wants in `layer`.
  virtual std::vector<int64_t> probe_positions(int64_t layer) const { return {}; }

  // q_positions: (Tq,) int64; entropy: (B, H, Tq) float32.
  virtual void on_entropy(int64_t layer, const at::Tensor& q_positions, const at::Tensor& entropy) {}
  // probs: (B, H, Tk) float32 for the query at absolute `position`.
  virtual void on_probs(int64_t layer, int64_t position, const at::Tensor& probs) {}
  // scale: (Tq,) float32, the total logit multiplier (attention_factor² · t).
  virtual void on_logit_scale(int64_t layer, const at::Tensor& q_positions, const at::Tensor& scale) {}
};

using ObserverList = std::vector<AttentionObserver*>;

}  // namespace ropelab
