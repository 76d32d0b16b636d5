#include "core/data/pretrain_docs.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "core/data/filler.h"
#include "core/data/randfacts.h"
#include "core/data/tasks.h"
#include "core/util/error.h"
#include "core/util/largest_fitting.h"

namespace ropelab::data {

void PretrainConfig::validate() const {
  check_input(window >= 16, "`window` (", window, ") must be >= 16 tokens");
  check_input(count >= 1, "`count` (", count, ") must be >= 1");
  check_input(!mix.empty(), "`mix`: empty mix");
  check_input(std::isfinite(min_fraction) && min_fraction > 0 && min_fraction <= 1, "`min_fraction` (",
              min_fraction, ") must be in (0, 1]");
  check_input(std::isfinite(chat) && chat >= 0 && chat <= 1, "`chat` (", chat, ") must be in [0, 1]");
  check_input(questions >= 1 && questions <= 6, "`questions` (", questions, ") must be in [1, 6]");
}

namespace {

// The longest run of filler words from document `start` whose text fits `window` with BOS/EOS.
PretrainDoc text_chunk(const Tokenizer& tok, const FillerText& filler, size_t start, int64_t window) {
  auto measure = [&](size_t n) {
    PretrainDoc d{"text", join_words(filler.take(start, n).words), 0};
    d.tokens = int64_t(tok.encode(d.text, true, true).size());
    return d;
  };
  // Every word is at least one token: window words never fit.
  return largest_fitting(0, size_t(window), measure(0), measure,
                         [&](const PretrainDoc& d) { return d.tokens <= window; });
}

// A "repeat" document: a run of filler words filling a drawn share f of the window, a blank line,
// then the same words again from a drawn word s of the run for as long as the window allows. Every
// token of the second run after its first few is a copy of the token (distance) positions back,
// distances spreading over [0.15, 0.9] windows (n1 - s with s in the run's first half): the dense
// match-and-copy target that grows induction heads in small models (Olsson et al. 2022), where the passkey
// and kv answers give ~5 copy tokens a document. LLaMA-2's 2 T tokens hold such repeats in quantity; 4 M
// tokens of tasks do not.
PretrainDoc repeat_chunk(const Tokenizer& tok, const FillerText& filler, Rng& rng, int64_t window) {
  const double f = 0.3 + 0.6 * rng.unit();
  const size_t start = rng.below(filler.start_count());
  const Span s = filler.take(start, size_t(window));
  auto tokens = [&](const std::string& t) { return int64_t(tok.encode(t, true, true).size()); };
  // The first run: the most words within f * window tokens (BOS/EOS counted).
  auto first_of = [&](size_t n) { return std::make_pair(n, s.join(0, n)); };
  const auto first = largest_fitting(0, s.words.size() + 1, first_of(0), first_of, [&](const auto& c) {
    return double(tokens(c.second)) <= f * double(window);
  });
  const size_t n1 = first.first;
  const size_t from = rng.below(n1 / 2 + 1);
  auto doc_of = [&](size_t k) {
    PretrainDoc d{"repeat", first.second + "\n\n" + s.join(from, from + k), 0};
    d.tokens = tokens(d.text);
    return d;
  };
  return largest_fitting(0, n1 - from + 1, doc_of(0), doc_of,
                         [&](const PretrainDoc& d) { return d.tokens <= window; });
}

// The distinct words of the corpus of 3-8 letters, lowercased and sorted (so the draws depend on
// the seed only): randrepeat's alphabet.
std::vector<std::string> plain_words(const std::vector<std::string>& docs) {
  std::set<std::string> words;
  for (const auto& d : docs)
    for (auto w : split_words(d)) {
      if (w.size() < 3 || w.size() > 8 ||
          !std::all_of(w.begin(), w.end(), [](unsigned char ch) { return std::isalpha(ch) != 0; }))
        continue;
      std::transform(w.begin(), w.end(), w.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
      words.insert(w);
    }
  return {words.begin(), words.end()};
}

// A "randrepeat" document: 8-40 words drawn uniformly from the corpus's words, one line, written
// again on each following line for as many lines as fit the window (at least 2; the sequence is
// shortened until 2 fit). Unlike a "repeat" of corpus text, a fresh random sequence cannot be
// predicted from memory of the corpus, only by copying from earlier in the window: with fixed
// corpus repeats (or a fixed file of random ones seen in 3 passes) the loss fell by memorisation and
// no induction heads formed, with a fresh sequence per document they did, in ~1,200 steps
// (docs/measurements.md, seventh session).
PretrainDoc randrepeat_chunk(const Tokenizer& tok, const std::vector<std::string>& alphabet, Rng& rng,
                             int64_t window) {
  auto tokens = [&](const std::string& t) { return int64_t(tok.encode(t, true, true).size()); };
  std::vector<std::string> seq;
  for (int64_t n = rng.between(8, 40); n > 0; --n) seq.push_back(rng.pick(alphabet));
  for (;; seq.pop_back()) {
    const std::string line = join_words(seq);
    auto doc_of = [&](size_t k) {
      std::string text = line;
      for (size_t i = 1; i < k; ++i) text += "\n" + line;
      return PretrainDoc{"randrepeat", text, tokens(text)};
    };
    auto fits = [&](const PretrainDoc& x) { return x.tokens <= window; };
    auto two = doc_of(2);
    if (fits(two)) return largest_fitting(2, size_t(window) + 1, two, doc_of, fits);
    check_input(seq.size() > 1, "`window` (", window, ") is too small for a randrepeat document");
  }
}

}  // namespace

std::vector<PretrainDoc> make_pretrain_docs(const Tokenizer& tok, const std::vector<std::string>& docs,
                                            const PretrainConfig& cfg) {
  cfg.validate();
  Rng rng(cfg.seed);
  FillerText filler(docs, rng.split());
  auto schedule = mix_schedule(cfg.mix, cfg.count, rng.split());
  const int64_t lo = std::max<int64_t>(1, int64_t(std::ceil(cfg.min_fraction * double(cfg.window))));
  std::vector<PretrainDoc> out;
  std::vector<std::string> alphabet;  // randrepeat's and randfacts' words, made on first use
  out.reserve(schedule.size());
  for (const auto& key : schedule) {
    if (key == "text") {
      out.push_back(text_chunk(tok, filler, rng.below(filler.start_count()), cfg.window));
      continue;
    }
    if (key == "repeat") {
      out.push_back(repeat_chunk(tok, filler, rng, cfg.window));
      continue;
    }
    if (key == "randrepeat") {
      if (alphabet.empty()) alphabet = plain_words(docs);
      check_input(alphabet.size() >= 100,
                  "`mix`: randrepeat needs >= 100 distinct words of 3-8 letters in "
                  "the documents, found ",
                  alphabet.size());
      out.push_back(randrepeat_chunk(tok, alphabet, rng, cfg.window));
      continue;
    }
    if (key == "randfacts") {
      if (alphabet.empty()) alphabet = plain_words(docs);
      out.push_back(randfacts_doc(tok, alphabet, rng, cfg.window));
      continue;
    }
    // No draw at all when chat = 0, so those files are byte-identical to before the option existed.
    const bool chat = cfg.chat > 0 && rng.unit() < cfg.chat;
    // Half the chat documents in each wrap (one more draw, only for chat documents).
    const ChatWrap wrap = chat && rng.unit() < 0.5 ? ChatWrap::longbench : ChatWrap::llama2;
    TaskRequest req;
    req.target_tokens = rng.between(lo, cfg.window);
    req.measure = chat ? chat_document_tokens(tok, wrap) : document_tokens(tok);
    req.length_option =
        "`window` " + std::to_string(cfg.window) + ": the budget drawn for a " + key + " document";
    const auto kind = task_from_string(key, "`mix`");
    const int64_t drawn = req.target_tokens;
    TaskInstance t;
    // The drawn budget, else the whole window, with `questions` answers, else one fewer: a task
    // whose answers are long (fewshot's are whole examples) keeps as many as fit. An error naming
    // `window` only when even one question does not fit it.
    for (int q = cfg.questions;; --q) {
      req.questions = q;
      try {
        req.target_tokens = drawn;
        t = make_task(kind, tok, filler, req, rng);
        break;
      } catch (const InputError&) {
      }
      try {
        req.target_tokens = cfg.window;
        t = make_task(kind, tok, filler, req, rng);
        break;
      } catch (const InputError&) {
        if (q == 1) throw;
      }
    }
    out.push_back(
        {key, chat ? chat_document_text(t, wrap) : document_text(t), t.measured_tokens, t.qa.size()});
  }
  return out;
}

std::string pretrain_jsonl(const std::vector<PretrainDoc>& docs) {
  std::string out;
  for (const auto& d : docs)
    out += nlohmann::json{{"text", d.text}, {"task", d.task}, {"tokens", d.tokens}}.dump() + "\n";
  return out;
}

}  // namespace ropelab::data
