// mdqa (multi-document QA): kMdqaPassages "Passage k:" blocks of natural filler, longer as the
// context grows (a fixed number of passages and facts at every length); 3-4 facts (at least
// `questions`) share one attribute and differ in the person, so the question can only be
// answered from the one passage naming that person. Facts go into the passage at their drawn
// depth, at a sentence break inside it.
//
// 1-hop on purpose: a 2-hop chain ("X's friend is Y. Y's city is Z.") was judged too hard for a
// few-million-parameter model pre-trained for minutes; the passages, distractor facts about other
// people and the spread over the context keep the multi-document character.
#include <algorithm>

#include "core/data/task_fit.h"
#include "core/data/vocab.h"

namespace ropelab::data {

TaskInstance make_mdqa(const TaskEnv& env, Rng& rng) {
  const auto& names = person_names();
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    const auto& attr = attributes()[rng.below(attributes().size())];
    size_t nf = std::max<size_t>(size_t(env.req.questions), size_t(3 + rng.below(2)));
    nf = std::min({nf, names.size(), attr.values.size()});
    auto who = rng.distinct(names.size(), nf);
    auto val = rng.distinct(attr.values.size(), nf);
    std::vector<double> depth(nf), offset(nf);
    for (size_t i = 0; i < nf; ++i) {
      depth[i] = rng.unit();
      offset[i] = rng.unit();
    }
    auto asked = rng.distinct(nf, std::min(nf, size_t(env.req.questions)));
    const Passages layout = draw_passages(env, rng, kMdqaPassages);
    auto build = [&](size_t n) {
      Span s = env.filler.take(layout.start, n);
      auto blocks = cut_fixed(n, layout.weights);
      const size_t P = blocks.size();
      // Insertions per passage: (word position, fact).
      std::vector<std::vector<std::pair<size_t, size_t>>> ins(P);
      std::vector<double> where(nf);
      for (size_t i = 0; i < nf; ++i) {
        size_t p = std::min(P - 1, size_t(depth[i] * double(P)));
        auto [b, e] = blocks[p];
        size_t pos = s.snap_to_doc_start(b + size_t(offset[i] * double(e - b)), b);
        ins[p].push_back({pos, i});
        where[i] = n ? double(pos) / double(n) : 0.0;
      }
      TaskInstance t;
      t.kind = TaskKind::mdqa;
      for (size_t p = 0; p < P; ++p) {
        std::sort(ins[p].begin(), ins[p].end());
        auto [b, e] = blocks[p];
        std::string body;
        size_t w = b;
        for (auto [pos, i] : ins[p]) {
          std::string before = s.join(w, pos);
          if (!before.empty()) body += (body.empty() ? "" : " ") + before;
          body += (body.empty() ? "" : " ") + fact_sentence(names[who[i]], attr, attr.values[val[i]]);
          w = pos;
        }
        std::string rest = s.join(w, e);
        if (!rest.empty()) body += (body.empty() ? "" : " ") + rest;
        if (p) t.context += "\n\n";
        t.context += "Passage " + std::to_string(p + 1) + ":\n" + body;
      }
      for (size_t i : asked)
        t.qa.push_back({fact_question(names[who[i]], attr), attr.values[val[i]], where[i]});
      return t;
    };
    auto t = fit_task(env, "mdqa", size_t(env.req.target_tokens), build);
    bool ok = true;
    for (size_t i = 0; i < nf; ++i) ok = ok && count_occurrences(t.context, attr.values[val[i]]) == 1;
    if (ok) return t;
  }
  fail_attempts(env, "mdqa", "an answer word also occurs in the filler");
}

}  // namespace ropelab::data
