#include "core/eval/longbench/truncation.h"

#include "core/util/error.h"

namespace ropelab::longbench {

std::string middle_truncate(const Tokenizer& tok, const std::string& prompt, int64_t max_length) {
  check_input(max_length >= 2, "`max_length` (", max_length, ") must be >= 2");
  const auto ids = tok.encode(prompt, /*add_bos=*/true);
  if (int64_t(ids.size()) <= max_length) return prompt;
  const int64_t half = max_length / 2;  // Python int(max_length/2)
  const std::vector<int64_t> head(ids.begin(), ids.begin() + half), tail(ids.end() - half, ids.end());
  return tok.decode(head) + tok.decode(tail);
}

std::string longbench_llama2_wrap(const std::string& prompt) { return "[INST]" + prompt + "[/INST]"; }

std::vector<int64_t> build_prompt_ids(const Tokenizer& tok, const std::string& prompt, int64_t max_length,
                                      bool chat) {
  std::string text = middle_truncate(tok, prompt, max_length);
  if (chat) text = longbench_llama2_wrap(text);
  return tok.encode(text, /*add_bos=*/true);
}

}  // namespace ropelab::longbench
