// Supervised fine-tuning examples from conversations: LLaMA-2 chat formatting, a loss mask on the
// assistant tokens only, splitting long conversations at turn boundaries, the min_tokens filter
// and a seeded subset of `samples` chunks.
//
// Order of operations (documented in the README, printed at run time):
//   1. tokenise every conversation with the chat template (core/text/chat_template.h);
//   2. drop conversations shorter than min_tokens (the paper kept those with >= 10,000 tokens);
//   3. split each into chunks of whole turns with <= max_length tokens; the system prompt is
//      repeated at the start of every chunk; a single turn longer than max_length is cut to
//      max_length tokens (counted); a chunk left without assistant tokens is dropped (counted);
//   4. draw `samples` chunks by seed (0 = all), keeping file order among the drawn ones.
// A TrainExample's mask says which tokens are loss targets: token j is predicted from position
// j-1, so mask[0] is always 0.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/text/tokenizer.h"
#include "core/train/sharegpt.h"

namespace ropelab {

struct TrainExample {
  std::vector<int64_t> ids;   // (T,)
  std::vector<uint8_t> mask;  // (T,) 1 = token is a loss target
  std::string source;         // conversation id (+ "#chunk")
  int64_t num_targets() const;
};

struct SftDataConfig {
  int64_t max_length = 16384;
  int64_t min_tokens = 0;
  int64_t samples = 0;  // 0 = all chunks
  uint64_t seed = 0;
  void validate() const;
};

struct SftDataStats {
  int64_t conversations = 0;
  int64_t below_min_tokens = 0;
  int64_t split_conversations = 0;  // conversations that became more than one chunk
  int64_t chunks = 0;
  int64_t truncated_turns = 0;
  int64_t chunks_without_targets = 0;
  int64_t selected = 0;
  int64_t target_tokens = 0;
  int64_t tokens = 0;
  std::string summary() const;
};

// Tokens and assistant mask of one conversation (exposed for tests).
ChatTokens conversation_tokens(const Tokenizer& tok, const Conversation& c);

std::vector<TrainExample> build_sft_examples(const std::vector<Conversation>& convs, const Tokenizer& tok,
                                             const SftDataConfig& cfg, SftDataStats& stats);

}  // namespace ropelab
