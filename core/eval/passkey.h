// Passkey retrieval (Mohtashami & Jaggi 2023): prompts of a requested token length with a 5-digit
// key at a requested depth, greedy generation, accuracy per length × depth.
//
// Invariants:
// - Prompts use the standard text of core/data/passkey_text.h. Sizing is token-exact with the
//   model's tokenizer: the filler count n is the largest whose prompt (BOS included) has at most
//   `length` tokens, so a prompt is never longer than requested and is shorter by less than one
//   filler paragraph. The key line appears exactly once, after round(depth · n) of the n fillers
//   (depth 0: right after the instruction; 1: right before the question).
// - Keys come from one Rng(seed) stream (core/util/rng.h) in (length, depth, trial) order, so a
//   seed gives the same keys everywhere. A trial is correct when the decoded output contains the key.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/model/llama.h"
#include "core/text/tokenizer.h"
#include "core/util/rng.h"

namespace ropelab {

struct PasskeyConfig {
  std::vector<int64_t> lengths;  // prompt tokens (BOS included), each > 0
  std::vector<double> depths;    // in [0, 1]
  int64_t trials = 10;
  uint64_t seed = 0;
  int64_t max_new_tokens = 10;
  int64_t prefill_chunk = 0;
  void validate() const;  // InputError naming the option
};

struct PasskeyPrompt {
  std::string key;
  std::vector<int64_t> ids;  // BOS + prompt
  int64_t filler_before = 0, filler_after = 0;
  int64_t key_token_pos = 0;  // index in ids where the key line's tokens start (approximately: the
                              // prefix's own token count)
};

// InputError when even the prompt without filler is longer than `length`.
PasskeyPrompt build_passkey_prompt(const Tokenizer& tok, int64_t length, double depth,
                                   const std::string& key);

// A 5-digit key (10000..99999).
std::string next_passkey(Rng& rng);

struct PasskeyResult {
  PasskeyConfig config;
  // Row-major [length, depth, trial].
  std::vector<int32_t> correct;
  std::vector<int64_t> prompt_tokens, key_token_pos, keys;
  std::vector<double> accuracy;      // [length, depth]
  std::vector<std::string> outputs;  // decoded generations, [length, depth, trial]
};

// on_trial(done, total) after each trial (progress).
PasskeyResult run_passkey(LlamaForCausalLM& model, const Tokenizer& tok, const PasskeyConfig& cfg,
                          const std::function<void(int64_t, int64_t)>& on_trial = nullptr);

}  // namespace ropelab
