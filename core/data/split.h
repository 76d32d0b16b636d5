// `ropelab data split`: the corpus's documents divided into pre-training, fine-tuning and
// evaluation sets, so the model is never evaluated on text it was trained on.
//
// Invariants: exact duplicates are dropped first (kept once, first occurrence), so the three sets
// are disjoint by content, not only by index; every remaining document lands in exactly one set;
// sizes follow the fractions by largest-remainder rounding and every set is non-empty; which
// document goes where is fixed by the seed (shuffled_order, platform-independent); each set keeps
// the corpus order of its documents.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ropelab::data {

struct SplitConfig {
  std::vector<double> fractions = {0.8, 0.1, 0.1};  // pretrain, finetune, eval
  uint64_t seed = 0;
  void validate() const;  // three fractions >= 0 summing to 1 (InputError names `fractions`)
};

struct SplitResult {
  std::vector<std::string> pretrain, finetune, eval;
  size_t duplicates_dropped = 0;
};

SplitResult split_documents(const std::vector<std::string>& docs, const SplitConfig& cfg);

// JSON Lines, one {"text": ...} object per document (readable by read_documents).
std::string documents_jsonl(const std::vector<std::string>& docs);

// Largest-remainder apportionment of `total` items by `weights` (summing to 1): exact total.
std::vector<size_t> apportion(size_t total, const std::vector<double>& weights);

}  // namespace ropelab::data
