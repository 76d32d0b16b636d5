// LLaMA-2 chat template. A conversation is alternating user/assistant turns with an optional
// system prompt folded into the first user turn:
//   <s>[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user1} [/INST] {answer1} </s><s>[INST] {user2} [/INST]
// Each segment is tokenised on its own so that the assistant tokens (and their EOS) are known
// exactly — the label mask for fine-tuning comes from this, not from string search.
#pragma once
#include <string>
#include <vector>

#include "core/text/tokenizer.h"

namespace ropelab {

struct ChatTurn {
  std::string user;
  std::string assistant;  // empty for the final turn of a prompt
};

struct ChatTokens {
  std::vector<int64_t> ids;
  std::vector<uint8_t> is_assistant;  // 1 where the token belongs to an assistant answer (+ EOS)
};

// Text of the prompt for a single user message (optionally with a system prompt).
std::string llama2_prompt_text(const std::string& user, const std::string& system = "");

// Tokens of a whole conversation; a final turn with an empty answer ends at "[/INST]".
ChatTokens llama2_chat_tokens(const Tokenizer& tok, const std::vector<ChatTurn>& turns,
                              const std::string& system = "");

// Tokens of one turn (segment granularity used when splitting long conversations).
ChatTokens llama2_turn_tokens(const Tokenizer& tok, const ChatTurn& turn, const std::string& system_if_first);

}  // namespace ropelab
