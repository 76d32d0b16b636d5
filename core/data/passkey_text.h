// The standard passkey-retrieval prompt (Mohtashami & Jaggi 2023; the form LongLoRA, YaRN and
// LongRoPE evaluate with): an instruction, N repetitions of a filler paragraph, the key line at a
// chosen depth, more filler, and the question. Text only — token budgets are the caller's job
// (core/eval/passkey.h builds prompts of an exact token length). Pre-training data for the
// miniature study (core/data/task_passkey.cpp) uses the same text and the same placement rule,
// so the tiny model is tested on the format it learned.
#pragma once
#include <cstdint>
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

// Where the key line goes among n filler paragraphs: after round(depth · n) of them (depth in
// [0, 1]; 0: first, 1: last).
struct PasskeyPlacement {
  int64_t before, after;
};
PasskeyPlacement place_passkey(int64_t n, double depth);

// filler×before + key line + filler×after, joined by single spaces (the haystack).
std::string passkey_haystack(int64_t filler_before, int64_t filler_after, const std::string& key);

// intro + haystack + question, joined by single spaces.
std::string passkey_prompt_text(int64_t filler_before, int64_t filler_after, const std::string& key);

}  // namespace ropelab
