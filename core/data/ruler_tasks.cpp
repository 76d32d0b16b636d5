#include "core/data/ruler_tasks.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/data/ruler_base_tasks.h"
#include "core/data/task_fit.h"
#include "core/data/vocab.h"
#include "core/util/error.h"
#include "core/util/strings.h"

namespace ropelab::data {

namespace {

// --- vocabularies (ours) ----------------------------------------------------------------------

const std::vector<std::string>& noise_sentences() {
  static const std::vector<std::string> v = {
      "The lake is calm today.",          "A bird sings in the tall tree.",
      "The road goes on and on.",         "Clouds drift slowly over the hills.",
      "The old clock ticks on the wall.", "Rain falls softly on the roof.",
      "A cat sleeps by the warm stove.",  "The field is quiet in the evening."};
  return v;
}

constexpr const char* kConsonants = "bdfgklmnprstvz";
constexpr const char* kVowels = "aeiou";

// A pronounceable non-word for index i (distinct indices -> distinct words): 3 syllables.
std::string pseudo_word(uint64_t i) {
  std::string w;
  for (int s = 0; s < 3; ++s) {
    const uint64_t syl = i % 70;
    i /= 70;
    w += kConsonants[syl / 5];
    w += kVowels[syl % 5];
  }
  return w;
}
constexpr uint64_t kPseudoWords = 70ull * 70 * 70;

std::string uuid(Rng& rng) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) s += '-';
    s += hex[rng.below(16)];
  }
  return s;
}

std::string number7(Rng& rng) { return std::to_string(rng.between(1000000, 9999999)); }

// "a", "a and b", "a, b, c and d"
std::string and_list(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i == 0 ? "" : i + 1 == v.size() ? " and " : ", ") + v[i];
  return s;
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

bool ends_sentence(const std::string& w) {
  return !w.empty() && (w.back() == '.' || w.back() == '!' || w.back() == '?' || w.back() == '"');
}

// Places each (depth, text) needle among `units` (depth in [0, 1] -> before unit floor(depth*n));
// needles at one position keep their order. Joined with single spaces. `words`: the units are
// words of prose, and a needle moves back to the start of its sentence so it never splits one.
std::string weave(const std::vector<std::string>& units, size_t n,
                  std::vector<std::pair<double, std::string>> needles, bool words = false) {
  std::vector<std::pair<size_t, size_t>> at;  // (position, needle), stable for equal positions
  for (size_t i = 0; i < needles.size(); ++i) {
    size_t p = std::min(n, size_t(needles[i].first * double(n)));
    while (words && p > 0 && !ends_sentence(units[p - 1])) --p;
    at.push_back({p, i});
  }
  std::stable_sort(at.begin(), at.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::string out;
  size_t next = 0;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : " ") + s; };
  for (size_t u = 0; u <= n; ++u) {
    while (next < at.size() && at[next].first == u) add(needles[at[next++].second].second);
    if (u < n) add(units[u]);
  }
  return out;
}

// --- one task ------------------------------------------------------------------------------------

struct Made {
  std::string text, answer_prefix;  // the task text (before the model template)
  std::vector<std::string> outputs;
};

struct Ctx {
  const Tokenizer& tok;
  const FillerText& filler;
  int64_t length, ttg;
  bool chat;
  std::string wrap(const std::string& text) const { return chat ? "[INST] " + text + " [/INST]" : text; }
  int64_t prompt_tokens(const Made& m) const {
    return int64_t(tok.encode(wrap(m.text) + m.answer_prefix, true).size());
  }
};

// fit_task sizes TaskInstances: carry a Made through one (context = text, qa = prefix + outputs).
TaskInstance pack(const Made& m) {
  TaskInstance t;
  t.context = m.text;
  t.qa.push_back({m.answer_prefix, "", 0});
  for (const auto& o : m.outputs) t.qa.push_back({"", o, 0});
  return t;
}
Made unpack(const TaskInstance& t) {
  Made m{t.context, t.qa.at(0).input, {}};
  for (size_t i = 1; i < t.qa.size(); ++i) m.outputs.push_back(t.qa[i].answer);
  return m;
}

Made fit(const Ctx& c, const std::string& task, size_t max_n, const std::function<Made(size_t)>& build) {
  TaskRequest req;
  req.target_tokens = c.length - c.ttg;
  req.measure = [&](const TaskInstance& t) { return c.prompt_tokens(unpack(t)); };
  req.length_option = "`lengths` " + std::to_string(c.length) + " (" + task + ", tokens_to_generate " +
                      std::to_string(c.ttg) + ")";
  const TaskEnv env{c.tok, c.filler, req};
  return unpack(fit_task(env, task, max_n, [&](size_t n) { return pack(build(n)); }));
}

struct NiahSpec {
  std::string haystack;  // noise | essay | needle
  bool uuid_keys = false, uuid_values = false;
  size_t num_k = 1, num_v = 1, num_q = 1;
};

Made make_niah(const Ctx& c, const std::string& task, const NiahSpec& spec, Rng& rng) {
  const auto& adj = key_adjectives();
  const auto& noun = key_nouns();
  const size_t combos = adj.size() * noun.size();
  const int64_t target = c.length - c.ttg;
  size_t max_n = size_t(std::max<int64_t>(1, spec.haystack == "essay" ? target : target / 3));
  if (spec.haystack == "needle" && !spec.uuid_keys) max_n = std::min(max_n, combos - spec.num_k);
  const std::string tv = spec.uuid_values ? "UUID" : "number";
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    // Keys: the real ones first, then the distractor needles' keys (needle haystack).
    const size_t n_keys = spec.num_k + (spec.haystack == "needle" ? max_n : 0);
    std::vector<std::string> keys;
    if (spec.uuid_keys) {
      for (size_t i = 0; i < n_keys; ++i) keys.push_back(uuid(rng));
    } else {
      for (size_t k : rng.distinct(combos, n_keys))
        keys.push_back(adj[k / noun.size()] + "-" + noun[k % noun.size()]);
    }
    auto value = [&]() { return spec.uuid_values ? uuid(rng) : number7(rng); };
    auto needle = [&](const std::string& key, const std::string& v) {
      return "The magic " + tv + " for " + key + " is " + v + ".";
    };
    std::vector<std::pair<double, std::string>> needles;
    std::vector<std::vector<std::string>> values(spec.num_k);
    for (size_t k = 0; k < spec.num_k; ++k)
      for (size_t v = 0; v < spec.num_v; ++v) {
        values[k].push_back(value());
        needles.push_back({rng.unit(), needle(keys[k], values[k].back())});
      }
    std::vector<std::string> units;
    size_t start_doc = 0;
    if (spec.haystack == "noise") {
      for (size_t i = 0; i < max_n; ++i) units.push_back(rng.pick(noise_sentences()));
    } else if (spec.haystack == "needle") {
      for (size_t i = 0; i < max_n; ++i) units.push_back(needle(keys[spec.num_k + i], value()));
    } else {
      start_doc = size_t(rng.below(c.filler.start_count()));
    }
    std::vector<std::string> asked(keys.begin(), keys.begin() + long(spec.num_q));
    const std::string query = and_list(asked);
    const std::string plural = tv + "s";
    auto build = [&](size_t n) {
      Made m;
      const std::string hay = spec.haystack == "essay"
                                  ? weave(c.filler.take(start_doc, n).words, n, needles, true)
                                  : weave(units, n, needles);
      m.text = "Magic " + plural + " are hidden in this text; remember them.\n" + hay +
               "\nWhat are the magic " + plural + " for " + query + "?";
      m.answer_prefix = " The magic " + plural + " for " + query + " are";
      for (size_t q = 0; q < spec.num_q; ++q)
        for (const auto& v : values[q]) m.outputs.push_back(v);
      return m;
    };
    Made m = fit(c, task, max_n, build);
    bool ok = true;
    for (const auto& o : m.outputs) ok = ok && count_occurrences(m.text, o) == 1;
    if (ok) return m;
  }
  fail_input("data ruler ", task, ": a needle value also occurs in the haystack in ", kMaxAttempts, " draws");
}

Made make_vt(const Ctx& c, Rng& rng) {
  const size_t hops = 4;
  const int64_t target = c.length - c.ttg;
  const size_t max_n = size_t(std::max<int64_t>(1, target / 3));
  std::vector<std::string> names;
  while (names.size() < hops + 1) {
    std::string v;
    for (int i = 0; i < 5; ++i) v += char('A' + rng.below(26));
    if (std::find(names.begin(), names.end(), v) == names.end()) names.push_back(v);
  }
  const std::string value = std::to_string(rng.between(10000, 99999));
  std::vector<double> depth(hops + 1);
  for (auto& d : depth) d = rng.unit();
  std::sort(depth.begin(), depth.end());  // the chain keeps its order in the text
  std::vector<std::pair<double, std::string>> needles;
  for (size_t i = 0; i <= hops; ++i)
    needles.push_back({depth[i], "VAR " + names[i] + " = " + (i == 0 ? value : "VAR " + names[i - 1]) + "."});
  std::vector<std::string> units;
  for (size_t i = 0; i < max_n; ++i) units.push_back(rng.pick(noise_sentences()));
  return fit(c, "vt", max_n, [&](size_t n) {
    Made m;
    m.text = "Track the variable assignments in this text.\n" + weave(units, n, needles) +
             "\nQuestion: Which variables have the value " + value + "?";
    m.answer_prefix = " Answer: The variables with the value " + value + " are:";
    m.outputs = names;
    return m;
  });
}

Made make_cwe(const Ctx& c, Rng& rng) {
  const size_t num_cw = 10;
  const int64_t target = c.length - c.ttg;
  const size_t max_n = size_t(std::max<int64_t>(1, target / 6));
  std::vector<std::string> words;
  for (size_t k : rng.distinct(size_t(kPseudoWords), num_cw + max_n)) words.push_back(pseudo_word(k));
  const uint64_t order_seed = rng.split();
  auto builder = [&](size_t freq_cw, size_t freq_ucw) {
    return [&, freq_cw, freq_ucw](size_t n) {
      std::vector<std::string> seq;
      for (size_t i = 0; i < num_cw; ++i) seq.insert(seq.end(), freq_cw, words[i]);
      for (size_t i = 0; i < n; ++i) seq.insert(seq.end(), freq_ucw, words[num_cw + i]);
      Rng order(order_seed);
      order.shuffle(seq);
      std::string list;
      for (size_t i = 0; i < seq.size(); ++i) list += (i ? " " : "") + std::to_string(i + 1) + ". " + seq[i];
      Made m;
      m.text = "Below is a numbered list of words; some appear more often than others.\n" + list +
               "\nQuestion: What are the 10 most common words in the list?";
      m.answer_prefix = " Answer: The 10 most common words are:";
      m.outputs.assign(words.begin(), words.begin() + long(num_cw));
      return m;
    };
  };
  // RULER's 30 / 3 repetitions; fewer when even the ten common words alone do not fit.
  for (size_t freq_cw : {30, 20, 10, 6, 4, 3, 2}) {
    const size_t freq_ucw = std::min<size_t>(3, freq_cw - 1);
    if (c.prompt_tokens(builder(freq_cw, freq_ucw)(0)) <= target)
      return fit(c, "cwe", max_n, builder(freq_cw, freq_ucw));
  }
  return fit(c, "cwe", max_n, builder(2, 1));  // fails with the length message
}

Made make_fwe(const Ctx& c, Rng& rng) {
  const size_t vocab = 50;
  const int64_t target = c.length - c.ttg;
  const size_t max_n = size_t(std::max<int64_t>(8, target));
  std::vector<std::string> words;
  for (size_t k : rng.distinct(size_t(kPseudoWords), vocab)) words.push_back(pseudo_word(k));
  double wsum = 0;
  for (size_t k = 1; k <= vocab; ++k) wsum += 1.0 / double(k * k);  // Zipf, alpha = 2
  const uint64_t order_seed = rng.split();
  auto counts = [&](size_t n) {  // n * w_k rounded down; the rest to the most frequent word
    std::vector<size_t> cnt(vocab);
    size_t used = 0;
    for (size_t k = 0; k < vocab; ++k) used += cnt[k] = size_t(double(n) / double((k + 1) * (k + 1)) / wsum);
    cnt[0] += n - used;
    return cnt;
  };
  Made m = fit(c, "fwe", max_n, [&](size_t n) {
    const auto cnt = counts(n);
    std::vector<std::string> seq;
    for (size_t k = 0; k < vocab; ++k) seq.insert(seq.end(), cnt[k], words[k]);
    Rng order(order_seed);
    order.shuffle(seq);
    Made r;
    r.text = "Count how often each coded word occurs in this text.\n" + join(seq, " ") +
             "\nQuestion: What are the three most frequent coded words in the text?";
    r.answer_prefix = " Answer: The three most frequent coded words are:";
    r.outputs.assign(words.begin(), words.begin() + 3);
    return r;
  });
  // The top three must be unambiguous: the third word strictly more frequent than the fourth.
  check_input(count_occurrences(m.text, words[2]) > count_occurrences(m.text, words[3]), "`lengths` ",
              c.length, " (fwe): too short for three distinct most frequent words");
  return m;
}

Made make_qa(const Ctx& c, const std::string& task, TaskKind kind, Rng& rng) {
  auto text = [](const TaskInstance& t) {
    return "Answer the question from the documents below with the answer only.\n\n" + t.context +
           "\n\nQuestion: " + t.qa.at(0).input;
  };
  TaskRequest req;
  req.target_tokens = c.length - c.ttg;
  req.measure = [&](const TaskInstance& t) { return c.prompt_tokens({text(t), " Answer:", {}}); };
  req.length_option = "`lengths` " + std::to_string(c.length) + " (" + task + ")";
  const TaskInstance t = make_task(kind, c.tok, c.filler, req, rng);
  return {text(t), " Answer:", {t.qa.at(0).answer}};
}

Made make_one(const Ctx& c, const std::string& task, Rng& rng) {
  if (task == "niah_single_1") return make_niah(c, task, {"noise"}, rng);
  if (task == "niah_single_2") return make_niah(c, task, {"essay"}, rng);
  if (task == "niah_single_3") return make_niah(c, task, {"essay", false, true}, rng);
  if (task == "niah_multikey_1") return make_niah(c, task, {"essay", false, false, 4}, rng);
  if (task == "niah_multikey_2") return make_niah(c, task, {"needle"}, rng);
  if (task == "niah_multikey_3") return make_niah(c, task, {"needle", true, true}, rng);
  if (task == "niah_multivalue") return make_niah(c, task, {"essay", false, false, 1, 4}, rng);
  if (task == "niah_multiquery") return make_niah(c, task, {"essay", false, false, 4, 1, 4}, rng);
  if (task == "vt") return make_vt(c, rng);
  if (task == "cwe") return make_cwe(c, rng);
  if (task == "fwe") return make_fwe(c, rng);
  if (task == "qa_1") return make_qa(c, task, TaskKind::sdqa, rng);
  return make_qa(c, task, TaskKind::mdqa, rng);
}

}  // namespace

int64_t ruler_default_tokens(const std::string& task) {
  using B = ruler::BaseTask;
  static const std::map<B, int64_t> by_base = {{B::niah, 128},
                                               {B::variable_tracking, 30},
                                               {B::common_words_extraction, 120},
                                               {B::freq_words_extraction, 50},
                                               {B::qa, 32}};
  return by_base.at(ruler::builtin_base_task(task));
}

void RulerDataConfig::validate() const {
  check_input(!lengths.empty(), "`lengths`: no length given");
  for (auto L : lengths) check_input(L >= 16, "`lengths`: ", L, " is too short (>= 16 tokens)");
  check_input(num_samples >= 1, "`num_samples` (", num_samples, ") must be >= 1");
  // The 13 built-in tasks are the ones this generator makes.
  for (const auto& t : tasks) ruler::builtin_base_task(t);
  for (const auto& [t, n] : tokens_to_generate) {
    if (!ruler::is_builtin_task(t)) ruler::base_task_from_string(t, "`tokens_to_generate`");
    for (auto L : lengths)
      check_input(n >= 1 && n < L, "`tokens_to_generate` ", t, "=", n, " must be in [1, length ", L, ")");
  }
}

std::map<std::string, std::string> make_ruler_data(const Tokenizer& tok, const std::vector<std::string>& docs,
                                                   const RulerDataConfig& cfg) {
  cfg.validate();
  const auto& tasks = cfg.tasks.empty() ? ruler::builtin_task_names() : cfg.tasks;
  const FillerText filler(docs.empty() ? noise_sentences() : docs, cfg.seed);
  std::map<std::string, std::string> files;
  nlohmann::json ttg = nlohmann::json::object();
  for (const auto& task : tasks) {
    auto it = cfg.tokens_to_generate.find(task);
    if (it == cfg.tokens_to_generate.end())
      it = cfg.tokens_to_generate.find(ruler::to_string(ruler::builtin_base_task(task)));
    ttg[task] = it != cfg.tokens_to_generate.end() ? it->second : ruler_default_tokens(task);
  }
  for (const int64_t L : cfg.lengths)
    for (const auto& task : tasks) {
      const Ctx c{tok, filler, L, ttg[task].get<int64_t>(), cfg.chat};
      Rng rng(cfg.seed * 0x9E3779B97F4A7C15ull ^ fnv1a(task) ^ (uint64_t(L) << 32));
      std::string text;
      for (size_t i = 0; i < cfg.num_samples; ++i) {
        const Made m = make_one(c, task, rng);
        const std::string input = c.wrap(m.text);
        const int64_t n_tokens = int64_t(tok.encode(input + m.answer_prefix, false).size());
        const nlohmann::json line = {{"index", i},
                                     {"input", input},
                                     {"outputs", m.outputs},
                                     {"length", n_tokens + c.ttg},
                                     {"answer_prefix", m.answer_prefix},
                                     {"others", nlohmann::json::object()}};
        text += line.dump(-1, ' ', false) + "\n";
      }
      files[std::to_string(L) + "/" + task + "/validation.jsonl"] = text;
    }
  files["tokens_to_generate.json"] = ttg.dump(2) + "\n";
  return files;
}

}  // namespace ropelab::data
