// LongBench's prompt pipeline after formatting (docs/longbench-scoring.md §3, pred.py get_pred):
// middle truncation on the instruction+context+question text, the chat template, re-encoding.
//
// Invariants: truncation works on text, never on ids, exactly as pred.py: encode with BOS; if
// longer than max_length keep the first and last ⌊max_length/2⌋ ids (BOS counts, as it does in
// pred.py), decode each half on its own (special tokens skipped), concatenate without a separator.
// The chat template (LLaMA-2 `[INST]…[/INST]`, no system prompt, no spaces) is applied afterwards,
// only to tasks whose TaskInfo::chat_template is true. The final ids carry BOS; their count may
// differ slightly from max_length (template tokens, merges at the join), as in pred.py.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/text/tokenizer.h"

namespace ropelab::longbench {

// The prompt text after middle truncation (unchanged when it fits). max_length >= 2.
std::string middle_truncate(const Tokenizer& tok, const std::string& prompt, int64_t max_length);

// "[INST]{prompt}[/INST]" — LongBench's llama2 template (not ropelab's chat template with spaces).
std::string longbench_llama2_wrap(const std::string& prompt);

// The model's input for one sample and what truncation did to it.
struct PromptIds {
  std::vector<int64_t> ids;   // truncated, wrapped when chat, encoded with BOS: what the model reads
  int64_t prompt_tokens = 0;  // the formatted prompt with BOS before truncation and template: the
                              // length pred.py compares with max_length
  bool truncated = false;     // prompt_tokens > max_length: middle truncation cut the prompt
};

// Truncate, wrap when `chat`, encode with BOS.
PromptIds build_prompt(const Tokenizer& tok, const std::string& prompt, int64_t max_length, bool chat);

}  // namespace ropelab::longbench
