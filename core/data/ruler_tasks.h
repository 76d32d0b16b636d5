// `ropelab data ruler`: RULER-format tasks for the miniature and for tests, where no official
// RULER data exist: the 13 task kinds of RULER's synthetic.yaml with the toolkit's own templates
// and vocabularies, written as RULER's prepare.py writes them (<length>/<task>/validation.jsonl
// with index, input, outputs, length, answer_prefix, others), so `ruler run` / `ruler score` read
// them like official data.
//
//   niah_single_1   noise haystack, word key, 7-digit number value
//   niah_single_2   essay haystack, word key, number       niah_single_3   essay, word key, UUID
//   niah_multikey_1 essay, 4 keys (1 asked)                 niah_multikey_2 haystack of needles, numbers
//   niah_multikey_3 haystack of needles, UUID keys and values
//   niah_multivalue essay, 4 values for the key             niah_multiquery essay, 4 keys asked
//   vt   one chain of 4 hops of variable assignments in noise (answer: the 5 variables)
//   cwe  numbered word list, 10 words 30x (fewer at short lengths), others 3x (answer: the 10)
//   fwe  coded words with Zipf(2) frequencies (answer: the 3 most frequent)
//   qa_1 the sdqa task's single-document facts, qa_2 the mdqa task's passages (core/data/tasks.h)
//
// Invariants:
// - "essay" haystacks are the given documents (FillerText), or the noise sentences when none are
//   given; "noise" is the fixed set of noise sentences, drawn with the seed.
// - Sizing with the model's tokenizer, as RULER: the prompt (BOS + input + answer_prefix) plus
//   tokens_to_generate is <= the length, and adding one more haystack unit would exceed it.
// - `length` = tokens of input + answer_prefix without BOS, plus tokens_to_generate (RULER's
//   definition). Every reference string occurs in the input; each task draws from its own seeded
//   stream (seed, length, task), so its content does not depend on which other tasks are made.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/text/tokenizer.h"

namespace ropelab::data {

struct RulerDataConfig {
  std::vector<int64_t> lengths = {4096};
  size_t num_samples = 50;
  std::vector<std::string> tasks;                     // empty = all 13 (core/data/ruler_base_tasks.h)
  std::map<std::string, int64_t> tokens_to_generate;  // per task or base task; else RULER's values
  bool chat = false;  // wrap the task text in LLaMA-2's "[INST] … [/INST]" (RULER's meta-chat template)
  uint64_t seed = 0;
  void validate() const;
};

// RULER's tokens_to_generate of the task's base task (scripts/data/synthetic/constants.py).
int64_t ruler_default_tokens(const std::string& task);

// File name (relative) -> content: "<length>/<task>/validation.jsonl" for every length and task,
// and "tokens_to_generate.json" ({task: N}, for RunConfig's tokens_to_generate).
std::map<std::string, std::string> make_ruler_data(const Tokenizer& tok, const std::vector<std::string>& docs,
                                                   const RulerDataConfig& cfg);

}  // namespace ropelab::data
