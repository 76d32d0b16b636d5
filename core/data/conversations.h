// `ropelab data conversations`: ShareGPT-format fine-tuning data for the context extension — a
// JSON array of {"id", "conversations": [{"from": "system"|"human"|"gpt", "value"}]}. The first
// human turn is a whole task prompt (instruction, long context, question); later human turns ask
// further questions about the same context; gpt turns hold the answers.
//
// Two styles. `task`: the evaluation suite's own prompt templates and short answers (responses are
// a few percent of the tokens). `pasted` (the miniature's fine-tune, issue #12): a user pastes a
// text and asks about it in words of its own — the fact or paragraph questions of the task kind
// plus `continuations` requests to continue the text after a quoted cue, answered with the next
// 40-70 words of the pasted text — so the templates differ from the evaluation prompts and the
// responses are a real share of the tokens, as in ShareGPT.
//
// Invariants: the whole conversation in the LLaMA-2 chat format the fine-tuner uses
// (llama2_chat_tokens: BOS per turn, EOS after each answer, system prompt folded into the first
// turn) is at most `length` tokens, and within a word or so of it (passkey: one filler
// sentence), so a fine-tuning run with a max_length of `length` never splits a conversation away from
// its context; roles alternate human/gpt after the optional system turn; passkey conversations
// have one question (the task has one fact) whatever `turns` says.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/data/mix.h"
#include "core/text/tokenizer.h"

namespace ropelab::data {

struct ConversationConfig {
  int64_t length = 1024;
  size_t count = 100;
  int min_turns = 2, max_turns = 4;  // question/answer pairs per conversation
  std::vector<MixEntry> mix;         // task kinds only (no "text")
  std::string system;                // optional system prompt (empty: no system turn)
  std::string style = "task";        // "task" | "pasted" (see above)
  int continuations = 0;             // pasted: continue-the-text turns per conversation
  uint64_t seed = 0;
  void validate() const;
};

// "2-4" or "3" -> (min, max); InputError naming `turns`.
std::pair<int, int> parse_turns(const std::string& s);

struct ConversationStats {
  std::vector<int64_t> tokens;  // chat-format tokens per conversation
  size_t turns = 0;             // question/answer pairs in all
  int64_t response_tokens = 0;  // tokens of gpt turns (+ their EOS): what the fine-tune learns from
};

nlohmann::json make_conversations(const Tokenizer& tok, const std::vector<std::string>& docs,
                                  const ConversationConfig& cfg, ConversationStats* stats = nullptr);

}  // namespace ropelab::data
