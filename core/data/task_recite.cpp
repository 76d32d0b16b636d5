// recite (continuation recall): a stretch of natural filler, then "Which words follow "CUE" in the
// text? CUE", where CUE is kReciteCue words of the context at a uniformly drawn depth and the answer
// the kReciteAnswer words that follow it there. The input ends with the cue itself, so the answer is
// a copy of what follows the cue's one earlier occurrence: an induction (match-and-copy) target of
// ~10 tokens per question, against the passkey's ~4 and kv's ~5. The tiny base sees 4 M tokens,
// where LLaMA-2 saw 2 T with the repeats that grow such heads; whether this dense copy supervision
// makes the copy skill appear in every seed is measured in docs/measurements.md (fourth session).
// The answer space does not change with length (a fixed number of words at any depth); the cue
// occurs exactly once in the context, and the cues of one instance are distinct.
#include <algorithm>

#include "core/data/task_fit.h"

namespace ropelab::data {

namespace {
const std::string kAsk = "Which words follow \"";
const std::string kThen = "\" in the text? ";
}  // namespace

TaskInstance make_recite(const TaskEnv& env, Rng& rng) {
  const size_t asked_n = size_t(env.req.questions);
  constexpr size_t kSpan = kReciteCue + kReciteAnswer;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    std::vector<double> depth(asked_n);
    for (auto& d : depth) d = rng.unit();
    const size_t start = rng.below(env.filler.start_count());
    auto build = [&](size_t n) {
      Span s = env.filler.take(start, n);
      TaskInstance t;
      t.kind = TaskKind::recite;
      t.context = s.join(0, n);
      for (double d : depth) {
        // Too few words for a cue and its answer: empty strings, refused below.
        const size_t pos = n >= kSpan ? size_t(d * double(n - kSpan)) : n;
        const std::string cue = s.join(pos, std::min(n, pos + kReciteCue));
        t.qa.push_back({kAsk + cue + kThen + cue,
                        s.join(std::min(n, pos + kReciteCue), std::min(n, pos + kSpan)),
                        n ? double(pos) / n : 0.0});
      }
      return t;
    };
    auto t = fit_task(env, "recite", size_t(env.req.target_tokens), build);
    bool ok = true;
    std::vector<std::string> cues;
    for (const auto& q : t.qa) {
      // input = kAsk + cue + kThen + cue, and the cue may itself hold "? ": measure it instead.
      const std::string cue =
          q.input.substr(q.input.size() - (q.input.size() - kAsk.size() - kThen.size()) / 2);
      ok = ok && !q.answer.empty() && count_occurrences(t.context, cue) == 1 &&
           std::find(cues.begin(), cues.end(), cue) == cues.end();
      cues.push_back(cue);
    }
    if (ok) return t;
  }
  fail_attempts(env, "recite",
                "a cue also occurs elsewhere in the filler, or the context is too short for one");
}

}  // namespace ropelab::data
