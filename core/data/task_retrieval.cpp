// retrieval (passage_retrieval_en-style): kRetrievalParagraphs "Paragraph k: ..." blocks of natural filler,
// longer as the context grows (the answer space stays "Paragraph 1" ... "Paragraph 8"); the input
// is 8-14 consecutive words copied from one paragraph (starting at a document start where the
// paragraph has one), the answer "Paragraph k". The copied words must occur exactly once in the
// context; the numbering makes "Paragraph k:" unique too.
#include <algorithm>

#include "core/data/task_fit.h"

namespace ropelab::data {

TaskInstance make_retrieval(const TaskEnv& env, Rng& rng) {
  const size_t nq = size_t(env.req.questions);
  std::string last;  // why the last draw was rejected, for the error
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    std::vector<double> depth(nq), offset(nq);
    std::vector<size_t> qlen(nq);
    for (size_t k = 0; k < nq; ++k) {
      depth[k] = rng.unit();
      offset[k] = rng.unit();
      qlen[k] = size_t(rng.between(8, 14));
    }
    const Passages layout = draw_passages(env, rng, kRetrievalParagraphs);
    auto build = [&](size_t n) {
      Span s = env.filler.take(layout.start, n);
      auto blocks = cut_fixed(n, layout.weights);
      const size_t P = blocks.size();
      TaskInstance t;
      t.kind = TaskKind::retrieval;
      for (size_t p = 0; p < P; ++p) {
        if (p) t.context += "\n\n";
        t.context += "Paragraph " + std::to_string(p + 1) + ": " + s.join(blocks[p].first, blocks[p].second);
      }
      for (size_t k = 0; k < nq; ++k) {
        size_t p = std::min(P - 1, size_t(depth[k] * double(P)));
        auto [b, e] = blocks[p];
        size_t from = s.snap_to_doc_start(b + size_t(offset[k] * double(e - b)), b);
        if (e - from < qlen[k]) from = e - std::min(e - b, qlen[k]);
        t.qa.push_back({s.join(from, std::min(e, from + qlen[k])), "Paragraph " + std::to_string(p + 1),
                        n ? double(from) / double(n) : 0.0});
      }
      return t;
    };
    auto t = fit_task(env, "retrieval", size_t(env.req.target_tokens), build);
    bool ok = true;
    for (const auto& q : t.qa) {
      const size_t words = split_words(q.input).size(), seen = count_occurrences(t.context, q.input);
      if (words < 4 || seen != 1) {
        ok = false;
        last = "'" + q.input + "': " + std::to_string(words) + " words, " + std::to_string(seen) +
               " occurrences";
        break;
      }
    }
    if (ok) return t;
  }
  fail_attempts(env, "retrieval", "no paragraph sentence of >= 4 words that occurs only once; last: " + last);
}

}  // namespace ropelab::data
