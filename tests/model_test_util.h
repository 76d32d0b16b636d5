// Model-level helpers shared by tests (LibTorch).
#pragma once
#include <torch/torch.h>

#include <vector>

#include "core/model/llama.h"

namespace ropelab::testing {

inline double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

// Max |logits| difference between a full forward of ids (B, T) and a cached run: prefill of the
// first `split` tokens, then one token at a time through the KV cache.
inline double cached_decoding_max_diff(LlamaForCausalLM& m, const torch::Tensor& ids, int64_t split) {
  torch::NoGradGuard ng;
  auto full = m->forward(ids);
  KVCache cache(m->config.num_hidden_layers);
  ForwardOptions fo;
  fo.cache = &cache;
  std::vector<torch::Tensor> parts{m->forward(ids.narrow(1, 0, split), {}, fo)};
  for (int64_t t = split; t < ids.size(1); ++t) parts.push_back(m->forward(ids.narrow(1, t, 1), {}, fo));
  return max_abs_diff(torch::cat(parts, 1), full);
}

}  // namespace ropelab::testing
