#include "core/data/randfacts.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "core/util/error.h"

namespace ropelab::data {

namespace {

// The sentence around key and value, one per document: its words recur in every fact, so only the
// key tells the facts apart (the kv needles' frame is one of them).
struct Frame {
  const char* before;
  const char* mid;
};
const std::vector<Frame>& frames() {
  static const std::vector<Frame> f = {{"The code for ", " is "},  {"The magic number for ", " is "},
                                       {"The number of ", " is "}, {"The pass key of ", " is "},
                                       {"The word for ", " is "},  {"", " is "}};
  return f;
}

std::string lower_first(std::string s) {
  if (!s.empty()) s[0] = char(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

PretrainDoc randfacts_doc(const Tokenizer& tok, const std::vector<std::string>& alphabet, Rng& rng,
                          int64_t window) {
  check_input(alphabet.size() >= 100,
              "`mix`: randfacts needs >= 100 distinct words of 3-8 letters in the "
              "documents, found ",
              alphabet.size());
  auto tokens = [&](const std::string& t) { return int64_t(tok.encode(t, true, true).size()); };
  const Frame& frame = rng.pick(frames());
  // Keys: distinct pairs (first, second) from two pools of `pool` words, pool^2 > n_keys, so most
  // first and second words are shared by several keys.
  const size_t n_keys = size_t(rng.between(4, 16));
  const size_t pool = size_t(std::ceil(std::sqrt(double(n_keys)))) + 1;
  const auto words = rng.distinct(alphabet.size(), 2 * pool + n_keys);
  std::vector<std::string> keys, values;
  for (size_t k : rng.distinct(pool * pool, n_keys))
    keys.push_back(alphabet[words[k / pool]] + " " + alphabet[words[pool + k % pool]]);
  // Values: numbers of one drawn digit count (2-7, as passkeys and kv values) or words not in a key.
  if (rng.unit() < 0.5) {
    const int digits = int(rng.between(2, 7));
    const int64_t lo = int64_t(std::pow(10.0, digits - 1)), hi = 10 * lo - 1;
    std::set<std::string> seen;
    while (values.size() < n_keys) {
      auto v = std::to_string(rng.between(lo, hi));
      if (seen.insert(v).second) values.push_back(v);
    }
  } else {
    for (size_t i = 0; i < n_keys; ++i) values.push_back(alphabet[words[2 * pool + i]]);
  }
  // Statements and mentions interleaved: the first three events state facts, the fourth mentions one,
  // then each event states the next fact with probability 0.5 (while any is left) or mentions a stated one
  // other than the last event's (three to choose from at least, so the order has no period to follow), and
  // the distance back to a statement spreads from one sentence to the whole window.
  std::string text;
  size_t stated = 0, last = n_keys, mentions = 0;
  for (;;) {
    size_t k;
    const bool state = stated < n_keys && (stated < 3 || (mentions > 0 && rng.unit() < 0.5));
    if (state) {
      k = stated++;
    } else {
      k = size_t(rng.below(stated));
      if (k == last) k = (k + 1 + size_t(rng.below(stated - 1))) % stated;
    }
    // A mention restates the fact or, half the time, asks for it ("What is the code for K? V."): the
    // question form is the lookup QA and RULER's niah prompts ask for, where the words before the
    // value are not the statement's.
    const bool ask = !state && rng.unit() < 0.5;
    const std::string sentence =
        ask ? "What is " + lower_first(frame.before) + keys[k] + "? " + values[k] + "."
            : frame.before + keys[k] + frame.mid + values[k] + ".";
    const std::string next = text.empty() ? sentence : text + " " + sentence;
    if (tokens(next) > window) break;
    text = next;
    last = k;
    mentions += state ? 0 : 1;
  }
  check_input(mentions >= 1, "`window` (", window, ") is too small for a randfacts document");
  return PretrainDoc{"randfacts", text, tokens(text)};
}

}  // namespace ropelab::data
