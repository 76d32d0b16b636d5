// The standard passkey-retrieval prompt (Mohtashami & Jaggi 2023; the form LongLoRA, YaRN and
// LongRoPE evaluate with): an instruction, N repetitions of a filler paragraph, the key line at a
// chosen depth, more filler, and the question. Text only — token budgets are the caller's job
// (core/eval/passkey.h builds prompts of an exact token length). Pre-training data for the
// miniature study uses the same text, so the tiny model is tested on the format it learned.
#pragma once
#include <string>

namespace ropelab {

// "There is an important info hidden inside a lot of irrelevant text. ..."
const std::string& passkey_intro();
// "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again."
const std::string& passkey_filler();
// "The pass key is 12345. Remember it. 12345 is the pass key."
std::string passkey_key_line(const std::string& key);
// "What is the pass key? The pass key is"
const std::string& passkey_question();

// intro + filler×before + key line + filler×after + question, joined by single spaces.
std::string passkey_prompt_text(int filler_before, int filler_after, const std::string& key);

}  // namespace ropelab
