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

// What LLaMA-2's template writes between two turns of a conversation. In a pre-training document
// it stands for EOS + BOS, as Hugging Face tokenizers read their special-token strings: a chat
// document of several turns then ends every answer with EOS, the token generation stops at.
inline constexpr const char* kTurnBoundary = "</s><s>";

// BOS + piece + EOS for each piece of `text` cut at kTurnBoundary (the whole text when it has
// none): how `ropelab pretrain` tokenises a document.
std::vector<int64_t> encode_turns(const Tokenizer& tok, const std::string& text);

}  // namespace ropelab
