#include "core/text/chat_template.h"

namespace ropelab {

namespace {

std::string strip(const std::string& s) {
  const char* ws = " \t\n\r\f\v";
  auto b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

std::string user_text(const std::string& user, const std::string& system) {
  std::string u = strip(user);
  if (!system.empty()) u = "<<SYS>>\n" + strip(system) + "\n<</SYS>>\n\n" + u;
  return "[INST] " + u + " [/INST]";
}

}  // namespace

std::string llama2_prompt_text(const std::string& user, const std::string& system) {
  return user_text(user, system);
}

ChatTokens llama2_turn_tokens(const Tokenizer& tok, const ChatTurn& turn,
                              const std::string& system_if_first) {
  ChatTokens out;
  auto prompt = tok.encode(user_text(turn.user, system_if_first), /*bos=*/true);
  out.ids = prompt;
  out.is_assistant.assign(prompt.size(), 0);
  if (!turn.assistant.empty()) {
    auto answer = tok.encode(strip(turn.assistant), false, /*eos=*/true);
    out.ids.insert(out.ids.end(), answer.begin(), answer.end());
    out.is_assistant.insert(out.is_assistant.end(), answer.size(), 1);
  }
  return out;
}

ChatTokens llama2_chat_tokens(const Tokenizer& tok, const std::vector<ChatTurn>& turns,
                              const std::string& system) {
  ChatTokens out;
  for (size_t i = 0; i < turns.size(); ++i) {
    auto t = llama2_turn_tokens(tok, turns[i], i == 0 ? system : "");
    out.ids.insert(out.ids.end(), t.ids.begin(), t.ids.end());
    out.is_assistant.insert(out.is_assistant.end(), t.is_assistant.begin(), t.is_assistant.end());
  }
  return out;
}

std::vector<int64_t> encode_turns(const Tokenizer& tok, const std::string& text) {
  const std::string boundary = kTurnBoundary;
  std::vector<int64_t> out;
  for (size_t from = 0;;) {
    const size_t at = text.find(boundary, from);
    auto ids = tok.encode(text.substr(from, at == std::string::npos ? std::string::npos : at - from),
                          /*bos=*/true, /*eos=*/true);
    out.insert(out.end(), ids.begin(), ids.end());
    if (at == std::string::npos) return out;
    from = at + boundary.size();
  }
}

}  // namespace ropelab
