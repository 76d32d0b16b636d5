// fewshot (trec-style classification): "Text: <words>\nType: <label>" examples. Each text is a
// few words of filler with one keyword inserted; each instance draws its own keyword -> label
// table (two keywords per label), so the label of the query text can only be read off the
// examples that share its keyword — an in-context rule, not one memorised in pre-training. Every
// query keyword gets one example at the query's drawn depth; other examples draw keywords
// uniformly, so at long lengths a keyword recurs. all_classes is the full label set.
#include <algorithm>

#include "core/data/task_fit.h"
#include "core/data/vocab.h"

namespace ropelab::data {

TaskInstance make_fewshot(const TaskEnv& env, Rng& rng) {
  const auto& kw = fewshot_keywords();
  const auto& labels = fewshot_labels();
  const size_t nq = std::min(kw.size(), size_t(env.req.questions));
  auto perm = rng.distinct(kw.size(), kw.size());
  std::vector<size_t> label_of(kw.size());
  for (size_t j = 0; j < kw.size(); ++j) label_of[perm[j]] = j % labels.size();
  auto query_kw = rng.distinct(kw.size(), nq);
  std::vector<double> depth(nq);
  std::vector<std::string> query_text(nq);
  for (size_t k = 0; k < nq; ++k) {
    depth[k] = rng.unit();
    Span s = env.filler.take(rng.below(env.filler.start_count()), size_t(rng.between(3, 8)));
    s.words.insert(s.words.begin() + long(rng.below(s.words.size() + 1)), kw[query_kw[k]]);
    query_text[k] = join_words(s.words);
  }
  // Per example slot: words of filler, keyword, where the keyword goes (fraction of the text).
  const size_t slots = 512;
  std::vector<size_t> sizes(slots), ex_kw(slots);
  std::vector<double> ex_at(slots);
  for (size_t i = 0; i < slots; ++i) {
    sizes[i] = size_t(rng.between(3, 8));
    ex_kw[i] = rng.below(kw.size());
    ex_at[i] = rng.unit();
  }
  const size_t start = rng.below(env.filler.start_count());
  auto build = [&](size_t n) {
    Span s = env.filler.take(start, n);
    auto blocks = cut_blocks(n, sizes, 8);  // a new example only with 8 words to spare: smaller jumps
    while (blocks.size() < nq) blocks.push_back({n, n});  // keyword-only texts at tiny budgets
    const size_t E = blocks.size();
    std::vector<size_t> keyword(E);
    for (size_t e = 0; e < E; ++e) keyword[e] = ex_kw[e % slots];
    std::vector<uint8_t> forced(E, 0);
    std::vector<double> where(nq);
    for (size_t k = 0; k < nq; ++k) {
      size_t e = std::min(E - 1, size_t(depth[k] * double(E)));
      while (forced[e]) e = (e + 1) % E;  // E >= nq, so a free slot exists
      forced[e] = 1;
      keyword[e] = query_kw[k];
      where[k] = double(e) / double(E);
    }
    TaskInstance t;
    t.kind = TaskKind::fewshot;
    t.all_classes = labels;
    for (size_t e = 0; e < E; ++e) {
      auto [b, end] = blocks[e];
      std::vector<std::string> words(s.words.begin() + long(b), s.words.begin() + long(end));
      words.insert(words.begin() + long(ex_at[e % slots] * double(words.size() + 1) * 0.999), kw[keyword[e]]);
      if (e) t.context += "\n";
      t.context += "Text: " + join_words(words) + "\nType: " + labels[label_of[keyword[e]]];
    }
    for (size_t k = 0; k < nq; ++k)
      t.qa.push_back({"Text: " + query_text[k] + "\nType:", labels[label_of[query_kw[k]]], where[k]});
    return t;
  };
  return fit_task(env, "fewshot", size_t(env.req.target_tokens), build);
}

}  // namespace ropelab::data
