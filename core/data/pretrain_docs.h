// `ropelab data pretrain`: pre-training documents for the tiny base model, each at most `window`
// tokens with BOS and EOS: plain corpus chunks ("text"), chunks followed by a copy of part of
// themselves ("repeat": dense match-and-copy supervision), random word sequences written again and
// again ("randrepeat": copying that memory of the corpus cannot replace), random facts stated and
// mentioned again ("randfacts": lookup by a multi-word key) and task instances rendered as
// prompt + answer, so a loss on every token teaches the tasks the evaluation later asks for.
//
// Invariants: every document fits the window (measured with the tokenizer, BOS and EOS
// counted); text chunks fill the window to within a word; task instances draw their budget
// uniformly from [min_fraction * window, window] (the whole window when an instance needs more)
// so the model sees facts at every distance up to c; per-kind counts are exact (largest remainder) and their
// order is seeded.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/mix.h"
#include "core/text/tokenizer.h"

namespace ropelab::data {

struct PretrainConfig {
  int64_t window = 256;
  size_t count = 1000;
  std::vector<MixEntry> mix;
  double min_fraction = 0.5;
  // Share of task documents written as LLaMA-2 conversations (0 = none): one turn per question,
  // each answer ending with EOS (turns joined by "</s><s>"), half of them in LongBench's wrap.
  double chat = 0;
  // Questions per task document at most, each followed by its answer (passkey has one; fewer
  // where that many do not fit the window): with a loss on every token, more answers per context
  // is more supervision of the copy the gates measure.
  int questions = 1;
  uint64_t seed = 0;
  void validate() const;
};

struct PretrainDoc {
  std::string task;  // "text", "repeat", "randrepeat", "randfacts" or a task name
  std::string text;
  int64_t tokens = 0;    // with BOS and EOS (encode_turns: each turn of a chat document its own)
  size_t questions = 0;  // answered questions (0 for text)
};

std::vector<PretrainDoc> make_pretrain_docs(const Tokenizer& tok, const std::vector<std::string>& docs,
                                            const PretrainConfig& cfg);

// One {"text", "task", "tokens"} object per line (read_documents reads the "text" field).
std::string pretrain_jsonl(const std::vector<PretrainDoc>& docs);

}  // namespace ropelab::data
