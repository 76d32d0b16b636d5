#include "core/attention/observed_attend.h"

#include <torch/torch.h>

#include <utility>

namespace ropelab {

AttendResult attend_observed(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                             const torch::Tensor& q_pos, const torch::Tensor& k_pos,
                             const torch::Tensor& row_scale, const ObservedCall& call, AttendOptions opts) {
  if (!call.observers) return attend(q, k, v, q_pos, k_pos, row_scale, opts);
  const int64_t T = q_pos.size(0);
  const int64_t* pos = q_pos.data_ptr<int64_t>();
  // Each observer's probe positions become rows of opts.probe_rows; it owns their indices.
  std::vector<std::pair<AttentionObserver*, std::vector<int64_t>>> probe_owners;
  for (auto* obs : *call.observers) {
    opts.want_entropy |= obs->wants_entropy(call.layer);
    std::vector<int64_t> mine;
    for (int64_t p : obs->probe_positions(call.layer))
      for (int64_t i = 0; i < T; ++i)
        if (pos[i] == p) {
          mine.push_back(int64_t(opts.probe_rows.size()));
          opts.probe_rows.push_back(i);
        }
    if (!mine.empty()) probe_owners.emplace_back(obs, mine);
    const double af = call.attention_factor;
    obs->on_logit_scale(call.layer, q_pos, call.logit_scale * float(af * af));
  }
  AttendResult res = attend(q, k, v, q_pos, k_pos, row_scale, opts);
  for (auto* obs : *call.observers)
    if (opts.want_entropy && obs->wants_entropy(call.layer)) obs->on_entropy(call.layer, q_pos, res.entropy);
  for (auto& [obs, idx] : probe_owners)
    for (int64_t j : idx) obs->on_probs(call.layer, pos[opts.probe_rows[size_t(j)]], res.probes[size_t(j)]);
  return res;
}

}  // namespace ropelab
