// sdqa (single-document QA): one stretch of natural filler with 1-3 (at least `questions`)
// fact sentences about different people, each at its own uniformly drawn depth, moved back to
// the nearest document start so a fact never splits a sentence of the filler.
#include <algorithm>

#include "core/data/task_fit.h"
#include "core/data/vocab.h"

namespace ropelab::data {

namespace {
struct Fact {
  std::string sentence, question, answer;
  double depth;
};
}  // namespace

TaskInstance make_sdqa(const TaskEnv& env, Rng& rng) {
  const auto& names = person_names();
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    size_t nf = std::max<size_t>(size_t(env.req.questions), size_t(1 + rng.below(3)));
    nf = std::min(nf, names.size());
    auto who = rng.distinct(names.size(), nf);
    std::vector<Fact> facts;
    std::vector<std::string> used;
    for (size_t i = 0; i < nf; ++i) {
      const auto& a = attributes()[rng.below(attributes().size())];
      std::string v;
      do v = rng.pick(a.values);
      while (std::find(used.begin(), used.end(), v) != used.end());
      used.push_back(v);
      facts.push_back({fact_sentence(names[who[i]], a, v), fact_question(names[who[i]], a), v, rng.unit()});
    }
    auto asked = rng.distinct(nf, size_t(env.req.questions) < nf ? size_t(env.req.questions) : nf);
    const size_t start = rng.below(env.filler.start_count());
    auto build = [&](size_t n) {
      Span s = env.filler.take(start, n);
      std::vector<std::pair<size_t, std::string>> at;  // (word position, fact sentence)
      std::vector<double> depth(nf);
      for (size_t i = 0; i < nf; ++i) {
        at.push_back({s.snap_to_doc_start(size_t(facts[i].depth * double(n))), facts[i].sentence});
        depth[i] = n ? double(at.back().first) / double(n) : 0.0;
      }
      TaskInstance t;
      t.kind = TaskKind::sdqa;
      t.context = weave_sentences(s, std::move(at));
      for (size_t i : asked) t.qa.push_back({facts[i].question, facts[i].answer, depth[i]});
      return t;
    };
    auto t = fit_task(env, "sdqa", size_t(env.req.target_tokens), build);
    bool ok = true;
    for (const auto& f : facts) ok = ok && count_occurrences(t.context, f.answer) == 1;
    if (ok) return t;
  }
  fail_attempts(env, "sdqa", "an answer word also occurs in the filler");
}

}  // namespace ropelab::data
