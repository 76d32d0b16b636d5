#include "core/eval/longbench/truncation.h"

#include "core/util/error.h"

namespace ropelab::longbench {

namespace {

// pred.py's cut of a prompt encoded with BOS (`ids`) that is longer than max_length.
std::string cut_middle(const Tokenizer& tok, const std::vector<int64_t>& ids, int64_t max_length) {
  const int64_t half = max_length / 2;  // Python int(max_length/2)
  const std::vector<int64_t> head(ids.begin(), ids.begin() + half), tail(ids.end() - half, ids.end());
  return tok.decode(head) + tok.decode(tail);
}

}  // namespace

std::string middle_truncate(const Tokenizer& tok, const std::string& prompt, int64_t max_length) {
  check_input(max_length >= 2, "`max_length` (", max_length, ") must be >= 2");
  const auto ids = tok.encode(prompt, /*add_bos=*/true);
  return int64_t(ids.size()) <= max_length ? prompt : cut_middle(tok, ids, max_length);
}

std::string longbench_llama2_wrap(const std::string& prompt) { return "[INST]" + prompt + "[/INST]"; }

PromptIds build_prompt(const Tokenizer& tok, const std::string& prompt, int64_t max_length, bool chat) {
  check_input(max_length >= 2, "`max_length` (", max_length, ") must be >= 2");
  const auto full = tok.encode(prompt, /*add_bos=*/true);
  PromptIds p;
  p.prompt_tokens = int64_t(full.size());
  p.truncated = p.prompt_tokens > max_length;
  std::string text = p.truncated ? cut_middle(tok, full, max_length) : prompt;
  if (chat) text = longbench_llama2_wrap(text);
  p.ids = tok.encode(text, /*add_bos=*/true);
  return p;
}

}  // namespace ropelab::longbench
