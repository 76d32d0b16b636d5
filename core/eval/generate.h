// Autoregressive generation with the KV cache: greedy, temperature and nucleus (top-p) sampling,
// stop tokens, a minimum number of new tokens, and a per-token callback for streaming.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/model/llama.h"

namespace ropelab {

struct GenerateOptions {
  int64_t max_new_tokens = 64;
  int64_t min_new_tokens = 0;  // stop tokens cannot be chosen before this many (HF min_length)
  double temperature = 0.0;    // 0 = greedy
  double top_p = 1.0;
  uint64_t seed = 0;
  std::vector<int64_t> stop_ids;  // usually {eos}; LongBench samsum adds the newline id
  int64_t prefill_chunk = 0;      // 0 = whole prompt at once
  void validate() const;
};

// prompt: token ids (BOS included if wanted). Returns only the new tokens (a stop token that
// ended generation is not included). on_token is called for each new token as it is produced.
// The same as prefill() then generate_from() on a fresh cache.
std::vector<int64_t> generate(LlamaForCausalLM& model, const std::vector<int64_t>& prompt,
                              const GenerateOptions& opts,
                              const std::function<void(int64_t)>& on_token = nullptr);

// Runs `prompt` (non-empty, ids inside the vocabulary: InputError otherwise) into `cache` in
// chunks of `chunk` tokens (0 = at once). Returns the final hidden state of its last position,
// (1, 1, C): what the first new token is predicted from.
torch::Tensor prefill(LlamaForCausalLM& model, const std::vector<int64_t>& prompt, int64_t chunk,
                      KVCache& cache);

// Decoding after prefill(): `last` (1, 1, C) is the hidden state of the cache's last position.
// Appends to `cache` every new token but the last.
std::vector<int64_t> generate_from(LlamaForCausalLM& model, KVCache& cache, torch::Tensor last,
                                   const GenerateOptions& opts,
                                   const std::function<void(int64_t)>& on_token = nullptr);

}  // namespace ropelab
