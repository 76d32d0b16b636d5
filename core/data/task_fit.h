// Internal to the task generators: fitting an instance to a token budget, and the retry loop.
//
// fit_task finds, by binary search, the largest size knob n in [0, max_n] whose instance
// build(n) satisfies measure <= target. Every generator's knob is "filler words" (passkey:
// filler sentences), so the measure grows with n by about one word's tokens per step and the
// search lands within a word of the budget. A measure that is not monotone in n only costs
// tightness, never the <= target guarantee.
#pragma once
#include <functional>
#include <string>

#include "core/data/tasks.h"

namespace ropelab::data {

struct TaskEnv {
  const Tokenizer& tok;
  const FillerText& filler;
  const TaskRequest& req;
};

using Builder = std::function<TaskInstance(size_t n)>;

// InputError naming req.length_option when even build(0) exceeds the target.
TaskInstance fit_task(const TaskEnv& env, const std::string& task, size_t max_n, const Builder& build);

// How many fresh draws a generator makes before giving up on a valid instance.
constexpr int kMaxAttempts = 32;
[[noreturn]] void fail_attempts(const TaskEnv& env, const std::string& task, const std::string& why);

// The passage layout of a multi-passage instance (mdqa, retrieval), drawn once per attempt so the
// passages keep their sizes while fit_task changes the total: 64 block sizes uniform in [lo, hi]
// words (for cut_blocks), then the filler document the text starts at.
// The layout of a block task (mdqa, retrieval): `count` relative block weights in [0.6, 1.4] for
// cut_fixed and the filler paragraph the context starts at.
struct Passages {
  std::vector<double> weights;
  size_t start = 0;
};
Passages draw_passages(const TaskEnv& env, Rng& rng, size_t count);

// Pre-drawn block sizes (words) cut a span into blocks; a last piece shorter than `min_last`
// joins the block before it. Returns [begin, end) word ranges; at least one (maybe empty) block.
std::vector<std::pair<size_t, size_t>> cut_blocks(size_t total_words, const std::vector<size_t>& sizes,
                                                  size_t min_last);

// A fixed number of blocks (weights.size()) whose lengths are proportional to the pre-drawn
// weights: a longer context makes the same blocks longer instead of adding blocks, so the answer
// space of a task built on them does not change with length (issue #12). Blocks may be empty.
std::vector<std::pair<size_t, size_t>> cut_fixed(size_t total_words, const std::vector<double>& weights);

// The words of `s` with each sentence inserted before the word at its position (a position may
// be s.words.size(): at the end), in position order, ties in the given order; single spaces.
std::string weave_sentences(const Span& s, std::vector<std::pair<size_t, std::string>> at);

// Passages of mdqa and paragraphs of retrieval: LongBench's hotpotqa / passage_retrieval_en keep
// their passage count whatever the length; so do ours. mdqa has fewer so that an instance with its
// facts still fits c/2 = 128 tokens of the miniature (5 headers + 4 facts: ~122 tokens).
constexpr size_t kRetrievalParagraphs = 8;
constexpr size_t kMdqaPassages = 5;
// Key-value pairs of a kv instance: fixed, like the passages, so the answer space does not change.
// Four, as RULER's niah_multikey_1: 4 needles of ~20 tokens of the miniature's tokenizer fit a
// c/2 = 128-token context with room for filler.
constexpr size_t kKvPairs = 4;
// Words of a recite cue and of its answer: a 6-word phrase of corpus text almost never recurs in a
// window (the generator checks), and 6 words are ~10 answer tokens of the miniature's tokenizer.
constexpr size_t kReciteCue = 6;
constexpr size_t kReciteAnswer = 6;

TaskInstance make_passkey(const TaskEnv& env, Rng& rng);
TaskInstance make_sdqa(const TaskEnv& env, Rng& rng);
TaskInstance make_mdqa(const TaskEnv& env, Rng& rng);
TaskInstance make_fewshot(const TaskEnv& env, Rng& rng);
TaskInstance make_retrieval(const TaskEnv& env, Rng& rng);
TaskInstance make_kv(const TaskEnv& env, Rng& rng);
TaskInstance make_recite(const TaskEnv& env, Rng& rng);

}  // namespace ropelab::data
