// sdqa (single-document QA): one stretch of natural filler with 1-3 (at least `questions`)
// fact sentences about different people, each at its own uniformly drawn depth, moved back to
// the nearest document start so a fact never splits a sentence of the filler. With
// `distractors` d > 0 (the suite's multifieldqa_en), every asked fact gets d more facts of its
// attribute about other people: without them most items hold one fact of the asked attribute,
// and copying that attribute's value answers them with no name bound to it (docs/measurements.md,
// twelfth session). d = 0 draws exactly what it drew before (pre-training and conversations).
#include <algorithm>

#include "core/data/task_fit.h"
#include "core/data/vocab.h"
#include "core/util/error.h"

namespace ropelab::data {

namespace {
struct Fact {
  std::string sentence, question, answer;
  double depth;
  size_t attribute;  // index into attributes()
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
    auto add_fact = [&](size_t person, size_t ai) {
      const auto& a = attributes()[ai];
      const auto taken = std::count_if(a.values.begin(), a.values.end(), [&](const std::string& x) {
        return std::find(used.begin(), used.end(), x) != used.end();
      });
      check_input(size_t(taken) < a.values.size(), "`distractors`: more facts of '", a.phrase, "' than its ",
                  a.values.size(), " values");
      std::string v;
      do v = rng.pick(a.values);
      while (std::find(used.begin(), used.end(), v) != used.end());
      used.push_back(v);
      facts.push_back(
          {fact_sentence(names[person], a, v), fact_question(names[person], a), v, rng.unit(), ai});
    };
    for (size_t i = 0; i < nf; ++i) add_fact(who[i], size_t(rng.below(attributes().size())));
    auto asked = rng.distinct(nf, size_t(env.req.questions) < nf ? size_t(env.req.questions) : nf);
    if (env.req.distractors > 0) {
      // Other people for the distractor facts: the names not drawn yet, in a drawn order.
      std::vector<size_t> others;
      for (size_t k : rng.distinct(names.size(), names.size()))
        if (std::find(who.begin(), who.end(), k) == who.end()) others.push_back(k);
      const size_t need = asked.size() * size_t(env.req.distractors);
      check_input(need <= others.size(), "`distractors` (", env.req.distractors, ") x ", asked.size(),
                  " question(s) needs ", need, " more people; the name list has ", others.size(), " left");
      for (size_t n = 0; n < need; ++n)
        add_fact(others[n], facts[asked[n / size_t(env.req.distractors)]].attribute);
    }
    nf = facts.size();
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
