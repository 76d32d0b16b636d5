// attend() with the observer taps of core/attention/observer.h: the bookkeeping between one
// layer's attention and its observers (who wants entropy, which observer owns which probe row,
// the logit-scale tap) lives here, so a new tap edits this file and observer.h, not the model.
#pragma once
#include "core/attention/attend.h"
#include "core/attention/observer.h"

namespace ropelab {

// What the taps see of one layer's call, besides attend()'s own arguments.
struct ObservedCall {
  int64_t layer = 0;
  const ObserverList* observers = nullptr;  // none: plain attend()
  torch::Tensor logit_scale;                // (Tq,) float32: t for this layer (1 when unscaled)
  double attention_factor = 1.0;            // the RoPE's; the "logit_scale" tap reports factor² · t
};

// attend(q, k, v, q_pos, k_pos, row_scale, opts) with opts' entropy and probe rows added as the
// observers ask. q_pos must be a CPU int64 tensor (absolute positions, matched against probes).
AttendResult attend_observed(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                             const torch::Tensor& q_pos, const torch::Tensor& k_pos,
                             const torch::Tensor& row_scale, const ObservedCall& call,
                             AttendOptions opts = {});

}  // namespace ropelab
