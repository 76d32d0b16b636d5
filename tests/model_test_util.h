// Model-level helpers shared by tests (LibTorch).
#pragma once
#include <torch/torch.h>

#include <vector>

#include "core/model/llama.h"
#include "test_util.h"

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

// A 4-layer GQA micro model (4 query heads over 2 kv heads, window 32) with the given HF-style
// rope_scaling. Weights larger than HF's 0.02 make attention peaked, so RoPE and logit-scale
// effects are visible.
inline LlamaForCausalLM micro_with(const nlohmann::json& rs, uint64_t seed = 7) {
  auto c = micro_config(2);
  c.num_hidden_layers = 4;
  RopeContext ctx;
  ctx.head_dim = c.head_dim();
  ctx.max_position_embeddings = c.max_position_embeddings;
  c.rope = RopeSpec::from_json(rs, 10000.0, ctx, "test");
  LlamaForCausalLM m(c);
  m->init_weights(seed, 0.2);
  return m;
}

// One configuration of every RoPE method (plus a logit-scale composition) for micro_with().
inline const std::vector<nlohmann::json>& all_methods() {
  static const std::vector<nlohmann::json> v = {
      nullptr,
      {{"rope_type", "linear"}, {"factor", 4.0}},
      {{"rope_type", "ntk"}, {"factor", 4.0}},
      {{"rope_type", "dynamic"}, {"factor", 4.0}},
      {{"rope_type", "ntk_by_parts"}, {"factor", 4.0}},
      {{"rope_type", "yarn"}, {"factor", 4.0}},
      {{"rope_type", "llama3"}, {"factor", 4.0}, {"original_max_position_embeddings", 32}},
      {{"rope_type", "longrope"},
       {"short_factor", std::vector<double>(8, 1.5)},
       {"long_factor", std::vector<double>(8, 3.0)},
       {"factor", 4.0}},
      {{"rope_type", "abf"}},
      {{"rope_type", "eabf"}},
      {{"rope_type", "yarn"}, {"factor", 4.0}, {"logit_scale", "dynamic_log"}},
  };
  return v;
}

}  // namespace ropelab::testing
