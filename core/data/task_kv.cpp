// kv (key-value recall): kKvPairs needle sentences "The magic number for amber-anchor is 4821374."
// in one stretch of natural filler, each at its own uniformly drawn depth (moved back to the
// nearest sentence break at most kSnap words back); the question asks the number of one key (several keys
// with `questions` > 1, never the same key twice) and ends with the needle's words, "What is the
// magic number for K? The magic number for K is", so the answer is a copy of what follows them. The pair
// count is fixed, so a longer context asks the same recall further away, and the other pairs are the
// distractors: the model must find its key among four that look alike and copy seven digits, the skill the
// passkey gate measures (the needle sentence and the 7-digit values are RULER's niah ones, which evaluate
// it). A pre-training document asking three of them supervises three copies instead of the passkey's one.
// Keys and values are distinct within an instance; every key and value occurs exactly once.
#include <algorithm>

#include "core/data/task_fit.h"
#include "core/data/vocab.h"

namespace ropelab::data {

namespace {
constexpr size_t kSnap = 12;
}  // namespace

TaskInstance make_kv(const TaskEnv& env, Rng& rng) {
  const auto& adj = key_adjectives();
  const auto& noun = key_nouns();
  const size_t asked_n = std::min(kKvPairs, size_t(env.req.questions));
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    std::vector<std::string> keys, values;
    for (size_t k : rng.distinct(adj.size() * noun.size(), kKvPairs))
      keys.push_back(adj[k / noun.size()] + "-" + noun[k % noun.size()]);
    while (values.size() < kKvPairs) {
      auto v = std::to_string(rng.between(1000000, 9999999));
      if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
    }
    std::vector<double> depth(kKvPairs);
    for (auto& d : depth) d = rng.unit();
    const auto asked = rng.distinct(kKvPairs, asked_n);
    const size_t start = rng.below(env.filler.start_count());
    auto build = [&](size_t n) {
      Span s = env.filler.take(start, n);
      std::vector<std::pair<size_t, std::string>> at;  // (word position, needle)
      std::vector<double> where(kKvPairs);
      for (size_t i = 0; i < kKvPairs; ++i) {
        // A sentence break at most kSnap words back, else that word: the needles keep their
        // spread over the window even in filler with few breaks (code listings, tables).
        const size_t pos = size_t(depth[i] * double(n));
        at.push_back({s.snap_to_doc_start(pos, pos > kSnap ? pos - kSnap : 0),
                      "The magic number for " + keys[i] + " is " + values[i] + "."});
        where[i] = n ? double(at.back().first) / double(n) : 0.0;
      }
      TaskInstance t;
      t.kind = TaskKind::kv;
      t.context = weave_sentences(s, std::move(at));
      for (size_t i : asked)
        t.qa.push_back(
            {"What is the magic number for " + keys[i] + "? The magic number for " + keys[i] + " is",
             values[i], where[i]});
      return t;
    };
    auto t = fit_task(env, "kv", size_t(env.req.target_tokens), build);
    bool ok = true;
    for (size_t i = 0; i < kKvPairs; ++i)
      ok = ok && count_occurrences(t.context, keys[i]) == 1 && count_occurrences(t.context, values[i]) == 1;
    if (ok) return t;
  }
  fail_attempts(env, "kv", "a key or a value also occurs in the filler");
}

}  // namespace ropelab::data
