// Synthetic data generators (core/data): exact draws, disjoint splits, token-fitted task
// instances with findable answers, pre-training documents within the window, ShareGPT
// conversations and the LongBench-format suite — each deterministic given its seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "core/data/conversations.h"
#include "core/data/filler.h"
#include "core/data/longbench_suite.h"
#include "core/data/passkey_text.h"
#include "core/data/pretrain_docs.h"
#include "core/data/split.h"
#include "core/data/task_fit.h"
#include "core/data/tasks.h"
#include "core/data/vocab.h"
#include "core/io/documents.h"
#include "core/text/chat_template.h"
#include "core/util/error.h"
#include "test_util.h"
#include "train_test_util.h"

using namespace ropelab;
using namespace ropelab::data;
using ropelab::testing::TempDir;

namespace {

// A word-level fit lands within one filler word (plus a block header) of the budget; one word of
// byte-level capitals can cost 10+ tokens with a small vocabulary. Measured mean gap: 1-3 tokens (trec
// 5-7.5).
constexpr int64_t kTolerance = 32;

const Tokenizer& tok() {
  static const Tokenizer t(ropelab::testing::corpus_tokenizer_path(1000));
  return t;
}

const std::vector<std::string>& corpus() {
  static auto d = read_documents(std::string(ROPELAB_DATA_DIR) + "/corpus/fortunes-min.txt");
  return d;
}

// The evaluation split: the smallest filler source the study uses.
const std::vector<std::string>& eval_docs() {
  static auto d = split_documents(corpus(), SplitConfig{{0.8, 0.1, 0.1}, 7}).eval;
  return d;
}

// Every word of the evaluation documents, lowercased: what randrepeat and randfacts draw from.
const std::set<std::string>& lowercase_eval_words() {
  static const std::set<std::string> words = [] {
    std::set<std::string> out;
    for (const auto& d : eval_docs())
      for (auto w : split_words(d)) {
        std::transform(w.begin(), w.end(), w.begin(),
                       [](unsigned char ch) { return char(std::tolower(ch)); });
        out.insert(w);
      }
    return out;
  }();
  return words;
}

TaskInstance make(TaskKind k, int64_t target, uint64_t seed, int questions = 1) {
  static FillerText filler(eval_docs(), 1);
  TaskRequest req;
  req.target_tokens = target;
  req.measure = context_tokens(tok());
  req.questions = questions;
  Rng rng(seed);
  return make_task(k, tok(), filler, req, rng);
}

int64_t ctx_tokens(const TaskInstance& t) { return int64_t(tok().encode(t.context).size()); }

}  // namespace

TEST(SyntheticRng, BoundedDrawsAreInRangeAndReproducible) {
  Rng a(5), b(5);
  std::set<uint64_t> seen;
  for (int i = 0; i < 2000; ++i) {
    auto x = a.below(7);
    EXPECT_EQ(x, b.below(7));
    EXPECT_LT(x, 7u);
    seen.insert(x);
  }
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(a.below(1), 0u);
  auto d = a.distinct(10, 10);
  EXPECT_EQ(std::set<size_t>(d.begin(), d.end()).size(), 10u);
  // mt19937_64 is specified by the standard: the first draw for seed 5 is fixed on every platform.
  EXPECT_EQ(Rng(5).below(uint64_t(1) << 63), std::mt19937_64(5)() & ((uint64_t(1) << 63) - 1));
}

// Rng::permutation against Fisher–Yates written here on the raw mt19937_64 stream: the orders the
// toolkit drew before Rng existed (document orders, batches) are unchanged — below(i) equals
// `draw % i` but for the top 2^64 mod i draws.
TEST(SyntheticRng, PermutationIsFisherYatesOnTheRawStream) {
  for (uint64_t seed : {0ull, 3ull, 12345ull}) {
    std::vector<size_t> expect(50);
    for (size_t i = 0; i < expect.size(); ++i) expect[i] = i;
    std::mt19937_64 raw(seed);
    for (size_t i = expect.size(); i > 1; --i) std::swap(expect[i - 1], expect[size_t(raw() % i)]);
    EXPECT_EQ(Rng(seed).permutation(50), expect) << seed;
  }
  std::vector<std::string> v = {"a", "b", "c", "d"};
  Rng(9).shuffle(v);
  const auto p = Rng(9).permutation(4);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(v[i], std::string(1, char('a' + p[i])));
}

TEST(SyntheticSplit, DisjointCompleteAndSeeded) {
  auto r = split_documents(corpus(), SplitConfig{{0.8, 0.1, 0.1}, 3});
  std::set<std::string> unique(corpus().begin(), corpus().end());
  EXPECT_EQ(r.duplicates_dropped, corpus().size() - unique.size());
  std::set<std::string> all;
  for (auto* s : {&r.pretrain, &r.finetune, &r.eval})
    for (const auto& d : *s) EXPECT_TRUE(all.insert(d).second) << "document in two sets: " << d;
  EXPECT_EQ(all, unique);
  const double n = double(unique.size());
  EXPECT_NEAR(double(r.pretrain.size()), 0.8 * n, 1.0);
  EXPECT_NEAR(double(r.eval.size()), 0.1 * n, 1.0);
  auto again = split_documents(corpus(), SplitConfig{{0.8, 0.1, 0.1}, 3});
  EXPECT_EQ(again.eval, r.eval);
  auto other = split_documents(corpus(), SplitConfig{{0.8, 0.1, 0.1}, 4});
  EXPECT_NE(other.eval, r.eval);
  EXPECT_NE(ropelab::testing::input_error_of([] {
              SplitConfig{{0.8, 0.1, 0.2}, 0}.validate();
            }).find("`fractions`"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([] {
              SplitConfig{{0.5, 0.5}, 0}.validate();
            }).find("`fractions`"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([] {
              split_documents({"a", "b"}, SplitConfig{{0.8, 0.1, 0.1}, 0});
            }).find("empty"),
            std::string::npos);
}

TEST(SyntheticTasks, ContextsAreFittedToTheTokenBudget) {
  for (auto k : {TaskKind::sdqa, TaskKind::mdqa, TaskKind::fewshot, TaskKind::retrieval, TaskKind::kv,
                 TaskKind::recite})
    for (int64_t L : {128, 300, 700, 1500})
      for (uint64_t seed : {1, 2, 3}) {
        if (k == TaskKind::kv && L == 128) continue;  // 4 needles of this test tokenizer's ~30 tokens
        auto t = make(k, L, seed);
        int64_t n = ctx_tokens(t);
        EXPECT_EQ(n, t.measured_tokens);
        EXPECT_LE(n, L) << task_name(k);
        EXPECT_GE(n, L - kTolerance) << task_name(k) << " L=" << L << " seed " << seed;
      }
  // passkey adds whole filler sentences, so it lands within one of them.
  const int64_t filler = int64_t(tok().encode(passkey_filler()).size()) + 1;
  for (int64_t L : {128, 700}) {
    auto t = make(TaskKind::passkey, L, 9);
    EXPECT_LE(ctx_tokens(t), L);
    EXPECT_GE(ctx_tokens(t), L - filler);
  }
}

TEST(SyntheticTasks, AnswersAreFindableAndFactsSpreadOverDepths) {
  double lo = 1, hi = 0;
  for (uint64_t seed = 0; seed < 12; ++seed) {
    for (auto k : {TaskKind::sdqa, TaskKind::mdqa}) {
      auto t = make(k, 400, seed);
      ASSERT_EQ(t.qa.size(), 1u);
      EXPECT_EQ(count_occurrences(t.context, t.qa[0].answer), 1u) << t.context;
      EXPECT_EQ(t.qa[0].input.rfind("What is the ", 0), 0u);
      lo = std::min(lo, t.qa[0].depth);
      hi = std::max(hi, t.qa[0].depth);
    }
    auto r = make(TaskKind::retrieval, 400, seed);
    EXPECT_EQ(count_occurrences(r.context, r.qa[0].input), 1u);
    // The sentence lies between its paragraph's header and the next one.
    auto head = r.context.find(r.qa[0].answer + ": ");
    ASSERT_NE(head, std::string::npos);
    auto at = r.context.find(r.qa[0].input);
    EXPECT_GT(at, head);
    EXPECT_EQ(r.context.substr(head, at - head).find("\n\nParagraph"), std::string::npos);

    auto f = make(TaskKind::fewshot, 400, seed);
    EXPECT_EQ(f.all_classes, fewshot_labels());
    std::string kw;
    for (const auto& w : fewshot_keywords())
      if (f.qa[0].input.find(w) != std::string::npos) kw = w;
    ASSERT_FALSE(kw.empty()) << f.qa[0].input;
    // Every example with the query's keyword carries the answer's label.
    std::regex line("Text: ([^\n]*)\nType: (\\w+)");
    int with_kw = 0;
    for (std::sregex_iterator it(f.context.begin(), f.context.end(), line), end; it != end; ++it)
      if ((*it)[1].str().find(kw) != std::string::npos) {
        ++with_kw;
        EXPECT_EQ((*it)[2].str(), f.qa[0].answer);
      }
    EXPECT_GE(with_kw, 1);

    auto p = make(TaskKind::passkey, 400, seed);
    EXPECT_EQ(count_occurrences(p.context, passkey_key_line(p.qa[0].answer)), 1u);
    EXPECT_EQ(prompt_text(p),
              passkey_prompt_text(
                  int(count_occurrences(p.context.substr(0, p.context.find("The pass key")), "The grass")),
                  int(count_occurrences(p.context.substr(p.context.find("the pass key.")), "The grass")),
                  p.qa[0].answer));
  }
  EXPECT_LT(lo, 0.3);
  EXPECT_GT(hi, 0.7);
}

// kv: four pairs at every length (the answer space is fixed), every key and value once, the asked
// value is the one its key's needle sentence gives, and the needles spread over the depths.
TEST(SyntheticTasks, KvRecallHasFourDistinctPairsAndAsksOneOfThem) {
  const std::regex needle("The magic number for ([a-z]+-[a-z]+) is ([0-9]{7})\\.");
  double lo = 1, hi = 0;
  for (int64_t L : {192, 256, 1024})
    for (uint64_t seed = 0; seed < 8; ++seed) {
      auto t = make(TaskKind::kv, L, seed);
      std::map<std::string, std::string> pairs;
      for (std::sregex_iterator it(t.context.begin(), t.context.end(), needle), end; it != end; ++it) {
        EXPECT_TRUE(pairs.emplace((*it)[1].str(), (*it)[2].str()).second) << t.context;
        EXPECT_EQ(count_occurrences(t.context, (*it)[1].str()), 1u);
        EXPECT_EQ(count_occurrences(t.context, (*it)[2].str()), 1u);
      }
      ASSERT_EQ(pairs.size(), kKvPairs) << t.context;
      ASSERT_EQ(t.qa.size(), 1u);
      const std::string prefix = "What is the magic number for ";
      ASSERT_EQ(t.qa[0].input.rfind(prefix, 0), 0u);
      const std::string key = t.qa[0].input.substr(prefix.size(), t.qa[0].input.find('?') - prefix.size());
      // The input ends with the needle's own words: the answer is what follows them in the context.
      EXPECT_EQ(t.qa[0].input, prefix + key + "? The magic number for " + key + " is");
      ASSERT_TRUE(pairs.count(key)) << t.qa[0].input;
      EXPECT_EQ(pairs[key], t.qa[0].answer);
      lo = std::min(lo, t.qa[0].depth);
      hi = std::max(hi, t.qa[0].depth);
    }
  EXPECT_LT(lo, 0.3);
  EXPECT_GT(hi, 0.7);
  // Ten questions ask the four distinct keys.
  auto many = make(TaskKind::kv, 400, 3, 10);
  ASSERT_EQ(many.qa.size(), kKvPairs);
  std::set<std::string> asked;
  for (const auto& q : many.qa) asked.insert(q.input);
  EXPECT_EQ(asked.size(), kKvPairs);
}

// recite: the cue is 6 words of the context that occur there once, the input ends with it, and the
// answer is the 6 words that follow it in the context; cues spread over the depths, and the
// questions of one instance ask distinct cues.
TEST(SyntheticTasks, ReciteAsksTheWordsThatFollowAUniqueCue) {
  const std::string prefix = "Which words follow \"";
  double lo = 1, hi = 0;
  for (int64_t L : {128, 256, 1024})
    for (uint64_t seed = 0; seed < 8; ++seed) {
      auto t = make(TaskKind::recite, L, seed);
      ASSERT_EQ(t.qa.size(), 1u);
      const auto& q = t.qa[0];
      ASSERT_EQ(q.input.rfind(prefix, 0), 0u) << q.input;
      const std::string cue = q.input.substr(prefix.size(), q.input.find("\" in the text? ") - prefix.size());
      EXPECT_EQ(q.input, prefix + cue + "\" in the text? " + cue);
      EXPECT_EQ(split_words(cue).size(), kReciteCue) << cue;
      EXPECT_EQ(split_words(q.answer).size(), kReciteAnswer) << q.answer;
      EXPECT_EQ(count_occurrences(t.context, cue), 1u) << cue;
      EXPECT_NE(t.context.find(cue + " " + q.answer), std::string::npos) << cue << " | " << q.answer;
      lo = std::min(lo, q.depth);
      hi = std::max(hi, q.depth);
    }
  EXPECT_LT(lo, 0.3);
  EXPECT_GT(hi, 0.7);
  auto many = make(TaskKind::recite, 400, 3, 5);
  ASSERT_EQ(many.qa.size(), 5u);
  std::set<std::string> asked;
  for (const auto& q : many.qa) asked.insert(q.input);
  EXPECT_EQ(asked.size(), 5u);
}

TEST(SyntheticTasks, SeveralQuestionsAboutOneContext) {
  for (auto k : {TaskKind::sdqa, TaskKind::mdqa, TaskKind::fewshot, TaskKind::retrieval, TaskKind::kv,
                 TaskKind::recite}) {
    auto t = make(k, 600, 4, 3);
    ASSERT_EQ(t.qa.size(), 3u) << task_name(k);
    EXPECT_NE(t.qa[0].input, t.qa[1].input);
    EXPECT_EQ(followup_text(t, 1).find(t.qa[1].input) != std::string::npos, true);
  }
}

TEST(SyntheticTasks, TemplatesAndErrors) {
  for (auto k : all_task_kinds()) {
    EXPECT_NE(task_template(k).find("{context}"), std::string::npos);
    EXPECT_NE(task_template(k).find("{input}"), std::string::npos);
    EXPECT_EQ(task_from_string(task_name(k), "--mix"), k);
  }
  EXPECT_EQ(format_template("a{context}b{input}c{x}", "C", "I"), "aCbIc{x}");
  EXPECT_NE(ropelab::testing::input_error_of([] {
              task_from_string("qa", "--mix");
            }).find("--mix: unknown task 'qa'"),
            std::string::npos);
  auto e = ropelab::testing::input_error_of([] { make(TaskKind::mdqa, 20, 1); });
  EXPECT_NE(e.find("`length` (20) is below the minimum"), std::string::npos) << e;
}

TEST(SyntheticTasks, SameSeedSameInstanceOtherSeedOther) {
  for (auto k : all_task_kinds()) {
    auto a = make(k, 300, 11), b = make(k, 300, 11), c = make(k, 300, 12);
    EXPECT_EQ(a.context, b.context);
    EXPECT_EQ(a.qa[0].answer, b.qa[0].answer);
    EXPECT_NE(a.context, c.context);
  }
}

TEST(SyntheticPretrain, DocumentsFitTheWindowAndFollowTheMix) {
  PretrainConfig cfg;
  cfg.window = 256;
  cfg.count = 60;
  cfg.mix = parse_mix("text=0.4,passkey=0.2,sdqa=0.1,mdqa=0.1,fewshot=0.1,retrieval=0.1", "--mix", true);
  cfg.seed = 3;
  auto docs = make_pretrain_docs(tok(), eval_docs(), cfg);
  ASSERT_EQ(docs.size(), 60u);
  std::map<std::string, int> n;
  for (const auto& d : docs) {
    ++n[d.task];
    EXPECT_EQ(int64_t(tok().encode(d.text, true, true).size()), d.tokens);
    EXPECT_LE(d.tokens, 256);
    if (d.task == "text") {
      EXPECT_GE(d.tokens, 256 - kTolerance);
    } else {
      EXPECT_GE(d.tokens, 128 - kTolerance - 30);
    }
  }
  EXPECT_EQ(n["text"], 24);
  EXPECT_EQ(n["passkey"], 12);
  EXPECT_EQ(n["retrieval"], 6);
  EXPECT_EQ(pretrain_jsonl(docs), pretrain_jsonl(make_pretrain_docs(tok(), eval_docs(), cfg)));
  cfg.seed = 4;
  EXPECT_NE(pretrain_jsonl(docs), pretrain_jsonl(make_pretrain_docs(tok(), eval_docs(), cfg)));
  EXPECT_NE(ropelab::testing::input_error_of([] {
              parse_mix("text=0.5,essay=0.5", "--mix", true);
            }).find("--mix: unknown key 'essay'"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([] {
              parse_mix("text=0.5,sdqa=0.4", "--mix", true);
            }).find("sum to 1"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([] {
              parse_mix("text=1", "--mix", false);
            }).find("unknown key 'text'"),
            std::string::npos);
}

// repeat: a run of corpus words, a blank line, then the same words again from a point inside the
// run; the copy is long (dense copy supervision) and starts at different distances back.
TEST(SyntheticPretrain, RepeatDocumentsCopyPartOfThemselves) {
  PretrainConfig cfg;
  cfg.window = 256;
  cfg.count = 40;
  cfg.mix = parse_mix("text=0.5,repeat=0.5", "--mix", true);
  cfg.seed = 5;
  const auto docs = make_pretrain_docs(tok(), eval_docs(), cfg);
  std::set<size_t> distances;
  int repeats = 0;
  for (const auto& d : docs) {
    EXPECT_EQ(int64_t(tok().encode(d.text, true, true).size()), d.tokens);
    EXPECT_LE(d.tokens, 256);
    if (d.task != "repeat") continue;
    ++repeats;
    const auto gap = d.text.find("\n\n");
    ASSERT_NE(gap, std::string::npos) << d.text;
    const std::string first = d.text.substr(0, gap), copy = d.text.substr(gap + 2);
    EXPECT_EQ(d.text.find("\n\n", gap + 1), std::string::npos);
    // The copy is words of the first run, in order.
    const auto at = first.find(copy);
    ASSERT_NE(at, std::string::npos) << copy;
    EXPECT_TRUE(at == 0 || first[at - 1] == ' ');
    EXPECT_GE(int64_t(tok().encode(copy).size()), 20) << d.text;
    distances.insert((first.size() - at) / 100);  // characters back, in 100s
  }
  EXPECT_EQ(repeats, 20);
  EXPECT_GE(distances.size(), 4u);  // the copy's source lies at several distances
  EXPECT_NE(ropelab::testing::input_error_of([] {
              parse_mix("repeat=1", "--mix", false);
            }).find("unknown key 'repeat'"),
            std::string::npos);
}

// randrepeat: one line of words drawn from the corpus's 3-8-letter words (lowercased), written again
// on every following line; at least two lines, as many as fit; a fresh sequence per document.
TEST(SyntheticPretrain, RandRepeatDocumentsRepeatAFreshRandomLine) {
  PretrainConfig cfg;
  cfg.window = 256;
  cfg.count = 30;
  cfg.mix = parse_mix("text=0.5,randrepeat=0.5", "--mix", true);
  cfg.seed = 8;
  const auto docs = make_pretrain_docs(tok(), eval_docs(), cfg);
  const auto& corpus_words = lowercase_eval_words();
  std::set<std::string> lines_seen;
  int n = 0;
  for (const auto& d : docs) {
    if (d.task != "randrepeat") continue;
    ++n;
    EXPECT_EQ(int64_t(tok().encode(d.text, true, true).size()), d.tokens);
    EXPECT_LE(d.tokens, 256);
    std::vector<std::string> lines;
    std::stringstream ss(d.text);
    for (std::string l; std::getline(ss, l, '\n');) lines.push_back(l);
    ASSERT_GE(lines.size(), 2u) << d.text;
    for (const auto& l : lines) EXPECT_EQ(l, lines[0]);
    // One more line would not fit: the window is filled.
    EXPECT_GT(int64_t(tok().encode(d.text + "\n" + lines[0], true, true).size()), 256);
    const auto words = split_words(lines[0]);
    EXPECT_GE(words.size(), 1u);
    EXPECT_LE(words.size(), 40u);
    for (const auto& w : words) {
      EXPECT_GE(w.size(), 3u);
      EXPECT_LE(w.size(), 8u);
      EXPECT_TRUE(std::all_of(w.begin(), w.end(), [](unsigned char ch) { return std::islower(ch) != 0; }))
          << w;
      EXPECT_TRUE(corpus_words.count(w)) << w << " is not a word of the documents";
    }
    lines_seen.insert(lines[0]);
  }
  EXPECT_EQ(n, 15);
  EXPECT_EQ(lines_seen.size(), 15u);  // a fresh sequence in every document
  EXPECT_NE(ropelab::testing::input_error_of([] {
              parse_mix("randrepeat=1", "--mix", false);
            }).find("unknown key 'randrepeat'"),
            std::string::npos);
}

TEST(SyntheticPretrain, RandFactsDocumentsRestateTwoWordKeysWithOneValueEach) {
  PretrainConfig cfg;
  cfg.window = 256;
  cfg.count = 40;
  cfg.mix = parse_mix("text=0.5,randfacts=0.5", "--mix", true);
  cfg.seed = 4;
  const auto docs = make_pretrain_docs(tok(), eval_docs(), cfg);
  const auto& corpus_words = lowercase_eval_words();
  // "<Frame>word word is value." statements and "What is <frame>word word? value." questions.
  const std::string frames_re =
      "(the code for |the magic number for |the number of |the pass key of |the word for |)";
  const std::regex statement("(?:" + frames_re + ")([a-z]+) ([a-z]+) is ([a-z0-9]+)\\.", std::regex::icase);
  const std::regex question("What is " + frames_re + "([a-z]+) ([a-z]+)\\? ([a-z0-9]+)\\.");
  int n = 0, shared_last_word = 0, questions = 0;
  for (const auto& d : docs) {
    if (d.task != "randfacts") continue;
    ++n;
    EXPECT_EQ(int64_t(tok().encode(d.text, true, true).size()), d.tokens);
    EXPECT_LE(d.tokens, 256);
    EXPECT_GE(d.tokens, 200) << "the window is filled";
    std::map<std::string, std::string> value_of;  // key -> value
    std::map<std::string, std::string> key_of;    // value -> key
    std::set<std::string> frames;
    std::map<std::string, std::set<std::string>> firsts_of_last;  // a key's last word -> its first words
    int mentions = 0;
    std::stringstream ss(d.text);
    for (std::string s; std::getline(ss, s, ' ');) {
      // Re-join the sentence: words up to the one ending in '.'.
      for (std::string w; s.back() != '.' && std::getline(ss, w, ' ');) s += " " + w;
      std::smatch m;
      const bool asked = std::regex_match(s, m, question);
      ASSERT_TRUE(asked || std::regex_match(s, m, statement)) << s;
      std::string frame = m[1];
      if (!frame.empty()) frame[0] = char(std::tolower(static_cast<unsigned char>(frame[0])));
      frames.insert(frame);
      const std::string key = m[2].str() + " " + m[3].str(), value = m[4];
      EXPECT_TRUE(corpus_words.count(m[2]) && corpus_words.count(m[3])) << key;
      if (asked) {
        ++questions;
        EXPECT_TRUE(value_of.count(key)) << "a question asks for a stated fact: " << s;
      }
      if (value_of.count(key)) {
        EXPECT_EQ(value_of[key], value) << "a key keeps its value: " << key;
        ++mentions;
      } else {
        EXPECT_FALSE(key_of.count(value)) << "values are distinct: " << value;
        value_of[key] = value;
        key_of[value] = key;
        firsts_of_last[m[3]].insert(m[2]);
      }
    }
    EXPECT_EQ(frames.size(), 1u) << "one frame per document, statements and questions alike";
    EXPECT_GE(value_of.size(), 3u);
    EXPECT_GE(mentions, 1) << d.text;
    for (const auto& [last, firsts] : firsts_of_last) shared_last_word += firsts.size() > 1 ? 1 : 0;
  }
  EXPECT_EQ(n, 20);
  EXPECT_GE(questions, 20) << "about half the mentions are questions";
  // Keys share words, so matching the token before the value, or the key's last word, is not enough.
  EXPECT_GE(shared_last_word, 10);
}

TEST(SyntheticPretrain, ChatShareWritesTaskDocumentsInTheLlama2Format) {
  PretrainConfig cfg;
  cfg.window = 256;
  cfg.count = 80;
  cfg.mix = parse_mix("text=0.5,passkey=0.25,sdqa=0.25", "--mix", true);
  cfg.seed = 3;
  const auto plain = make_pretrain_docs(tok(), eval_docs(), cfg);
  cfg.chat = 0.5;
  const auto mixed = make_pretrain_docs(tok(), eval_docs(), cfg);
  int chat = 0, tasks = 0, unspaced = 0;
  for (const auto& d : mixed) {
    EXPECT_EQ(int64_t(encode_turns(tok(), d.text).size()), d.tokens);
    EXPECT_LE(d.tokens, 256);
    const bool is_chat = d.text.rfind("[INST]", 0) == 0;
    if (d.task == "text") {
      EXPECT_FALSE(is_chat);
      continue;
    }
    ++tasks;
    if (!is_chat) continue;
    ++chat;
    // LLaMA-2's "[INST] prompt [/INST] answer", or LongBench's "[INST]prompt[/INST] answer" (what
    // the evaluator feeds the model, character for character): the template's first words follow
    // "[INST]" directly, the question ends right before "[/INST]", the answer follows.
    const std::string head = task_template(task_from_string(d.task, "task")).substr(0, 10);
    const bool lb = d.text.rfind("[INST]" + head, 0) == 0;
    if (!lb) {
      EXPECT_EQ(d.text.rfind("[INST] " + head, 0), 0u) << d.text;
    }
    unspaced += lb;
    const auto close = d.text.find(lb ? "[/INST] " : " [/INST] ");
    ASSERT_NE(close, std::string::npos) << d.text;
    if (lb) {
      EXPECT_NE(d.text[close - 1], ' ') << d.text;
    }
    EXPECT_GT(d.text.size(), close + 9);
  }
  EXPECT_EQ(tasks, 40);
  EXPECT_GT(chat, 10);  // about half of 40
  EXPECT_LT(chat, 30);
  EXPECT_GT(unspaced, 2) << "about half the chat documents in LongBench's wrap";
  EXPECT_LT(unspaced, chat - 2);
  for (const auto& d : plain) EXPECT_EQ(d.text.find("[INST]"), std::string::npos);
  cfg.chat = 1.5;
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              make_pretrain_docs(tok(), eval_docs(), cfg);
            }).find("`chat` (1.5)"),
            std::string::npos);
}

// `questions` = 3: each task document answers three questions about its context, in both formats
// ("\nQuestion: ... Answer: v" / " [INST] Question: ... [/INST] v"; kv: "... for K is v"); passkey
// keeps one.
TEST(SyntheticPretrain, SeveralAnswersPerTaskDocument) {
  PretrainConfig cfg;
  cfg.window = 384;  // this test tokenizer (fortunes only) spends ~30 tokens on a needle
  cfg.count = 40;
  cfg.mix = parse_mix("passkey=0.25,kv=0.5,sdqa=0.25", "--mix", true);
  cfg.chat = 0.5;
  cfg.questions = 3;
  cfg.seed = 2;
  int kv = 0, chat = 0;
  for (const auto& d : make_pretrain_docs(tok(), eval_docs(), cfg)) {
    EXPECT_EQ(int64_t(encode_turns(tok(), d.text).size()), d.tokens);
    EXPECT_LE(d.tokens, 384);
    EXPECT_EQ(d.questions, d.task == "passkey" ? 1u : 3u) << d.text;
    const char* marker = d.task == "passkey" ? "What is the pass key?"
                         : d.task == "kv"    ? "What is the magic"
                                             : "Question: ";
    const size_t asked = count_occurrences(d.text, marker);
    EXPECT_EQ(asked, d.questions) << d.text;
    if (d.task != "kv") continue;
    ++kv;
    const bool is_chat = d.text.rfind("[INST]", 0) == 0;
    chat += is_chat;
    EXPECT_EQ(count_occurrences(d.text, "[/INST] "), is_chat ? 3u : 0u) << d.text;
    // One turn per question: every answer but the last is followed by the turn boundary (EOS + BOS
    // once tokenised), so a model trained on these stops after an answer.
    EXPECT_EQ(count_occurrences(d.text, std::string(kTurnBoundary) + "[INST]"), is_chat ? 2u : 0u) << d.text;
    // Every asked key is answered by its own needle's number.
    const std::regex qa(is_chat ? "for ([a-z]+-[a-z]+) is ?\\[/INST\\] ([0-9]{7})(</s>|$)"
                                : "for ([a-z]+-[a-z]+) is ([0-9]{7})(\n|$)");
    int answered = 0;
    for (std::sregex_iterator it(d.text.begin(), d.text.end(), qa), end; it != end; ++it, ++answered)
      EXPECT_EQ(
          count_occurrences(d.text, "The magic number for " + (*it)[1].str() + " is " + (*it)[2].str() + "."),
          1u);
    EXPECT_EQ(answered, 3) << d.text;
  }
  EXPECT_EQ(kv, 20);
  EXPECT_GT(chat, 0);
  EXPECT_LT(chat, 20);
  // fewshot's answers are whole examples: in a 160-token window fewer than 3 fit, and it keeps what fits.
  cfg.window = 160;
  cfg.mix = parse_mix("fewshot=1", "--mix", true);
  size_t fewer = 0;
  for (const auto& d : make_pretrain_docs(tok(), eval_docs(), cfg)) {
    EXPECT_LE(d.tokens, 160);
    EXPECT_GE(d.questions, 1u);
    EXPECT_LE(d.questions, 3u);
    fewer += d.questions < 3;
  }
  EXPECT_GT(fewer, 0u);
  cfg.questions = 7;
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              make_pretrain_docs(tok(), eval_docs(), cfg);
            }).find("`questions` (7) must be in [1, 6]"),
            std::string::npos);
}

TEST(SyntheticConversations, ShareGptWithAlternatingRolesWithinTheLength) {
  ConversationConfig cfg;
  cfg.length = 1024;
  cfg.count = 8;
  cfg.mix = parse_mix("passkey=0.2,sdqa=0.2,mdqa=0.2,fewshot=0.2,retrieval=0.2", "--mix", false);
  cfg.system = "You answer briefly.";
  cfg.seed = 5;
  ConversationStats stats;
  auto j = make_conversations(tok(), eval_docs(), cfg, &stats);
  auto parsed = nlohmann::json::parse(j.dump());
  ASSERT_TRUE(parsed.is_array());
  ASSERT_EQ(parsed.size(), 8u);
  std::set<std::string> ids;
  for (size_t i = 0; i < parsed.size(); ++i) {
    const auto& rec = parsed[i];
    EXPECT_TRUE(ids.insert(rec.at("id").get<std::string>()).second);
    const auto& conv = rec.at("conversations");
    ASSERT_GE(conv.size(), 3u);
    EXPECT_EQ(conv[0].at("from"), "system");
    std::vector<ChatTurn> turns;
    for (size_t k = 1; k < conv.size(); k += 2) {
      EXPECT_EQ(conv[k].at("from"), "human");
      ASSERT_LT(k + 1, conv.size());
      EXPECT_EQ(conv[k + 1].at("from"), "gpt");
      EXPECT_FALSE(conv[k + 1].at("value").get<std::string>().empty());
      turns.push_back({conv[k].at("value"), conv[k + 1].at("value")});
    }
    const bool passkey = rec.at("id").get<std::string>().rfind("passkey", 0) == 0;
    EXPECT_TRUE(passkey ? turns.size() == 1 : turns.size() >= 2 && turns.size() <= 4);
    int64_t n = int64_t(llama2_chat_tokens(tok(), turns, cfg.system).ids.size());
    EXPECT_EQ(n, stats.tokens[i]);
    EXPECT_LE(n, 1024);
    EXPECT_GE(n, 1024 - (passkey ? 40 : kTolerance));
    if (turns.size() > 1) {
      EXPECT_GT(turns[0].user.size(), 8 * turns.back().user.size());  // the context is in turn one
    }
  }
  EXPECT_EQ(j.dump(), make_conversations(tok(), eval_docs(), cfg).dump());
  EXPECT_NE(ropelab::testing::input_error_of([] { parse_turns("2-x"); }).find("`turns`"), std::string::npos);
  cfg.max_turns = 1;
  EXPECT_NE(ropelab::testing::input_error_of([&] { cfg.validate(); }).find("`turns`"), std::string::npos);
}

TEST(SyntheticConversations, PastedStyleAsksInOtherWordsWithLongContinuations) {
  ConversationConfig cfg;
  cfg.length = 1024;
  cfg.count = 6;
  cfg.min_turns = cfg.max_turns = 1;
  cfg.mix = parse_mix("sdqa=0.34,mdqa=0.33,retrieval=0.33", "--mix", false);
  cfg.style = "pasted";
  cfg.continuations = 3;
  cfg.seed = 2;
  ConversationStats stats;
  auto j = make_conversations(tok(), eval_docs(), cfg, &stats);
  int64_t all = 0, assistant = 0;
  size_t continuations = 0;
  for (size_t i = 0; i < j.size(); ++i) {
    const auto& conv = j[i].at("conversations");
    std::vector<ChatTurn> turns;
    for (size_t k = 0; k + 1 < conv.size(); k += 2)
      turns.push_back({conv[k].at("value"), conv[k + 1].at("value")});
    ASSERT_GE(turns.size(), 2u);  // one question + up to 3 continuations (a cue must occur once)
    ASSERT_LE(turns.size(), 4u);
    continuations += turns.size() - 1;
    const std::string& first = turns[0].user;
    // No evaluation template: neither "Question:" nor "Answer:" framing.
    EXPECT_EQ(first.find("Question:"), std::string::npos);
    EXPECT_EQ(first.find("Answer:"), std::string::npos);
    for (size_t k = 1; k < turns.size(); ++k) {
      // "Go on from "<cue>" ...": the cue occurs once in the pasted text, the answer (40-70 words)
      // is exactly the text after it.
      const auto& u = turns[k].user;
      const std::string head = "Go on from \"", tail = "\" in my text: how does it continue?";
      ASSERT_EQ(u.rfind(head, 0), 0u) << u;
      ASSERT_GT(u.size(), head.size() + tail.size());
      ASSERT_EQ(u.substr(u.size() - tail.size()), tail) << u;
      const std::string cue = u.substr(head.size(), u.size() - head.size() - tail.size());
      EXPECT_EQ(split_words(cue).size(), 8u);
      EXPECT_EQ(count_occurrences(first, cue), 1u) << cue;
      const auto words = split_words(turns[k].assistant);
      EXPECT_GE(words.size(), 40u);
      EXPECT_LE(words.size(), 70u);
      EXPECT_NE(join_words(split_words(first)).find(cue + " " + turns[k].assistant), std::string::npos);
    }
    auto t = llama2_chat_tokens(tok(), turns, "");
    EXPECT_EQ(int64_t(t.ids.size()), stats.tokens[i]);
    EXPECT_LE(stats.tokens[i], 1024);
    all += int64_t(t.ids.size());
    for (uint8_t x : t.is_assistant) assistant += x;
  }
  EXPECT_GE(continuations, 15u);  // of 18 asked: few cues are left without a unique 8-word window
  EXPECT_EQ(stats.response_tokens, assistant);
  EXPECT_GT(double(assistant) / double(all), 0.25);  // the share the miniature's recipe needs
  cfg.mix = parse_mix("passkey=1", "--mix", false);
  EXPECT_NE(ropelab::testing::input_error_of([&] { cfg.validate(); }).find("no pasted-text form"),
            std::string::npos);
  cfg.mix = parse_mix("sdqa=1", "--mix", false);
  cfg.style = "task";
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              cfg.validate();
            }).find("`continuations` needs `style` = pasted"),
            std::string::npos);
  cfg.style = "chat";
  EXPECT_NE(ropelab::testing::input_error_of([&] { cfg.validate(); }).find("`style` 'chat'"),
            std::string::npos);
}

TEST(SyntheticFiller, StartsAtParagraphsAndBreaksAtSentenceEnds) {
  // Document 1: two paragraphs; its second line follows a sentence end, its third does not.
  // Document 2: one paragraph. One shuffled order, read back by words.
  const std::vector<std::string> docs = {"Aa bb.\ncc dd\nee ff\n\ngg hh", "ii jj"};
  FillerText f(docs, 0);
  EXPECT_EQ(f.start_count(), 3u);
  EXPECT_EQ(f.word_count(), 10u);
  bool found = false;
  for (size_t s = 0; s < 3; ++s) {
    Span sp = f.take(s, 10);  // the whole stream, wrapping
    if (sp.words[0] != "Aa") continue;
    found = true;
    const std::vector<std::string> want = {"Aa", "bb.", "cc", "dd", "ee", "ff", "gg", "hh"};
    ASSERT_EQ(std::vector<std::string>(sp.words.begin(), sp.words.begin() + 8), want);
    const std::vector<uint8_t> breaks = {1, 0, 1, 0, 0, 0, 1, 0, 1, 0};
    EXPECT_EQ(sp.doc_start, breaks);
    EXPECT_EQ(f.take(s + 1, 2).words, (std::vector<std::string>{"gg", "hh"}));  // the next paragraph
  }
  EXPECT_TRUE(found);
}

TEST(SyntheticTasks, RetrievalAndMdqaKeepTheirBlockCountAtEveryLength) {
  const std::regex para("Paragraph ([0-9]+):"), pass("Passage ([0-9]+):");
  for (int64_t target : {200, 800, 1600}) {
    for (auto [kind, re, want] :
         {std::tuple{TaskKind::retrieval, para, 8u}, std::tuple{TaskKind::mdqa, pass, 5u}}) {
      auto t = make(kind, target, 11);
      size_t n = size_t(std::distance(std::sregex_iterator(t.context.begin(), t.context.end(), re),
                                      std::sregex_iterator()));
      EXPECT_EQ(n, want) << task_name(kind) << " at " << target;
    }
  }
  auto blocks = cut_fixed(100, {1, 1, 2});
  EXPECT_EQ(blocks, (std::vector<std::pair<size_t, size_t>>{{0, 25}, {25, 50}, {50, 100}}));
}

// multifieldqa_en with distractors: every item states the asked attribute for the asked person and
// for `distractors` other people, so copying the attribute's value no longer answers it.
TEST(SyntheticLongBench, MultifieldqaDistractorsShareTheAskedAttribute) {
  LongBenchSuiteConfig cfg;
  cfg.lengths = {256};
  cfg.per_length = 24;
  cfg.seed = 4;
  auto same_attribute_facts = [](const nlohmann::json& j) {
    std::smatch m;
    const std::string input = j.at("input");
    EXPECT_TRUE(std::regex_match(input, m, std::regex("What is the (.+) of (\\w+)\\?"))) << input;
    const std::string ctx = j.at("context"), asked = "The " + m[1].str() + " of " + m[2].str() + " is ";
    EXPECT_EQ(count_occurrences(ctx, asked + j.at("answers")[0].get<std::string>() + "."), 1u) << ctx;
    return count_occurrences(ctx, "The " + m[1].str() + " of ");
  };
  for (int d : {0, 2}) {
    cfg.distractors = d;
    std::istringstream in(make_longbench_suite(tok(), eval_docs(), cfg).at("multifieldqa_en.jsonl"));
    std::string line;
    size_t items = 0, single = 0;
    while (std::getline(in, line)) {
      const size_t n = same_attribute_facts(nlohmann::json::parse(line));
      ++items;
      single += n == 1;
      if (d > 0) EXPECT_GE(n, size_t(1 + d));
    }
    EXPECT_EQ(items, 24u);
    if (d == 0) EXPECT_GT(single, items / 2);  // the old suite: mostly one fact of the asked attribute
  }
  cfg.distractors = 5;
  EXPECT_NE(
      ropelab::testing::input_error_of([&] { cfg.validate(); }).find("`distractors` (5) must be in [0, 4]"),
      std::string::npos);
}

TEST(SyntheticLongBench, LongBenchFormatAtTheRequestedLengths) {
  LongBenchSuiteConfig cfg;
  cfg.lengths = {256, 512};
  cfg.per_length = 3;
  cfg.seed = 2;
  auto files = make_longbench_suite(tok(), eval_docs(), cfg);
  auto prompts = nlohmann::json::parse(files.at("dataset2prompt.json"));
  auto maxlen = nlohmann::json::parse(files.at("dataset2maxlen.json"));
  EXPECT_NE(files.at("README.md").find("synthetic analogue"), std::string::npos);
  for (const auto& ds : suite_datasets()) {
    const std::string tmpl = prompts.at(ds.key);
    EXPECT_NE(tmpl.find("{context}"), std::string::npos);
    EXPECT_NE(tmpl.find("{input}"), std::string::npos);
    EXPECT_GE(maxlen.at(ds.key).get<int>(), 16);
    EXPECT_LE(maxlen.at(ds.key).get<int>(), 32);
    std::istringstream in(files.at(ds.key + ".jsonl"));
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line);
      for (const char* f :
           {"input", "context", "answers", "length", "dataset", "language", "all_classes", "_id"})
        EXPECT_TRUE(j.contains(f)) << ds.key << " lacks " << f;
      EXPECT_EQ(j.at("dataset"), ds.key);
      EXPECT_EQ(j.at("language"), "en");
      const int64_t L = cfg.lengths[size_t(n / 3)];
      EXPECT_EQ(j.at("target_tokens").get<int64_t>(), L);
      int64_t ct = int64_t(tok().encode(j.at("context").get<std::string>()).size());
      EXPECT_EQ(ct, j.at("context_tokens").get<int64_t>());
      EXPECT_LE(ct, L);
      EXPECT_GE(ct, L - kTolerance);
      const std::string ans = j.at("answers")[0];
      if (ds.key == "trec") {
        EXPECT_EQ(j.at("all_classes").size(), fewshot_labels().size());
      } else {
        EXPECT_TRUE(j.at("all_classes").is_null());
      }
      if (ds.key == "passage_retrieval_en") {
        EXPECT_TRUE(std::regex_match(ans, std::regex("Paragraph \\d+")));
      }
      if (ds.key == "multifieldqa_en" || ds.key == "hotpotqa") {
        EXPECT_EQ(count_occurrences(j.at("context").get<std::string>(), ans), 1u);
      }
      std::string all =
          j.at("context").get<std::string>() + " " + j.at("input").get<std::string>() + " " + ans;
      EXPECT_EQ(j.at("length").get<size_t>(), split_words(all).size());
      ++n;
    }
    EXPECT_EQ(n, 6);
  }
  EXPECT_EQ(files, make_longbench_suite(tok(), eval_docs(), cfg));
  cfg.seed = 3;
  EXPECT_NE(files.at("hotpotqa.jsonl"), make_longbench_suite(tok(), eval_docs(), cfg).at("hotpotqa.jsonl"));
}
