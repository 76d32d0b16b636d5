// Teacher-forced log-likelihood of a continuation after a prompt already in the KV cache: the
// lower-variance companion of a generated answer's score (issue 12, item 5).
//
// Invariants: the result is sum_i ln p(c_i | prompt, c_<i) in float64 from the model's float32
// logits (log-softmax in float64), exactly what a forward over prompt+continuation gives for a
// static RoPE. The continuation runs through the same cache as generation would (its keys see the
// prompt's cached keys; length-dependent RoPE schedules see the positions as during decoding), and
// the cache is cut back to the prompt afterwards, so decoding from the prompt continues as if this
// had never run. Cost: one forward over continuation.size() - 1 tokens, no second prefill.
#pragma once
#include <cstdint>
#include <vector>

#include "core/model/llama.h"

namespace ropelab {

struct ContinuationLogprob {
  double logprob = 0;  // natural log, summed over the tokens (0 for an empty continuation)
  int64_t tokens = 0;
};

// `cache` holds the prompt; `last` (1, 1, C) is the final hidden state of its last position (what
// prefill() returns). `chunk` bounds the tokens per forward (0 = all at once). Continuation ids
// outside the vocabulary are an InputError.
ContinuationLogprob continuation_logprob(LlamaForCausalLM& model, KVCache& cache, const torch::Tensor& last,
                                         const std::vector<int64_t>& continuation, int64_t chunk = 0);

}  // namespace ropelab
