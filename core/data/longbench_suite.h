// `ropelab data longbench`: a synthetic analogue of LongBench in LongBench's own file format, so
// `ropelab longbench run/score` (and LongBench's eval.py) score it with the official metrics:
//   multifieldqa_en <- sdqa (qa_f1)          hotpotqa             <- mdqa (qa_f1)
//   trec            <- fewshot (classification; no chat template in LongBench, examples in context)
//   passage_retrieval_en <- retrieval (retrieval_score: answer "Paragraph k")
//
// Invariants: each <dataset>.jsonl has per_length instances per requested length, in the order
// of `lengths`; a context has at most L tokens (tokenizer, no BOS) and is within a word of L;
// every line carries LongBench's fields (input, context, answers, length = words of
// context + input + answers as LongBench counts them, dataset, language, all_classes, _id) plus
// target_tokens and context_tokens; dataset2prompt.json holds our own templates (each with
// {context} and {input}); each dataset draws from its own seeded stream, so its content does not
// depend on which other datasets exist.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/data/tasks.h"

namespace ropelab::data {

struct SuiteDataset {
  std::string key;  // LongBench dataset name
  TaskKind kind;
  int max_new_tokens;  // dataset2maxlen
};

const std::vector<SuiteDataset>& suite_datasets();

struct LongBenchSuiteConfig {
  std::vector<int64_t> lengths = {256, 512, 1024, 2048};
  size_t per_length = 50;
  uint64_t seed = 0;
  // multifieldqa_en: facts of the asked attribute about other people beside the asked one, so that
  // the answer needs the name (0 = the pre-distractor suite: most items then hold one such fact).
  int distractors = 2;
  void validate() const;
};

// File name -> content: the four <dataset>.jsonl, dataset2prompt.json, dataset2maxlen.json,
// README.md.
std::map<std::string, std::string> make_longbench_suite(const Tokenizer& tok,
                                                        const std::vector<std::string>& docs,
                                                        const LongBenchSuiteConfig& cfg);

}  // namespace ropelab::data
