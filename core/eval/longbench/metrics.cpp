#include "core/eval/longbench/metrics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "core/eval/longbench/text.h"
#include "core/util/error.h"

namespace ropelab::longbench {

// --- Python numerics ---------------------------------------------------------------------------

double py_round_int(double x) { return std::nearbyint(x); }

double py_round(double x, int ndigits) {
  if (!std::isfinite(x)) return x;
  // %.Nf formats the exact binary value rounded to N decimals (ties to even), which is what
  // CPython's round(x, N) computes before converting the decimal string back to a double.
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.*f", ndigits, x);
  return std::strtod(buf, nullptr);
}

// --- QA F1 ------------------------------------------------------------------------------------

std::string normalize_answer(std::string_view s) {
  return py_collapse_whitespace(replace_articles(remove_ascii_punctuation(py_lower(s))));
}

double token_f1(const std::vector<std::string>& pred, const std::vector<std::string>& gt) {
  std::unordered_map<std::string, long> pred_counts;
  for (const auto& t : pred) ++pred_counts[t];
  std::unordered_map<std::string, long> gt_counts;
  for (const auto& t : gt) ++gt_counts[t];
  long num_same = 0;
  for (const auto& [tok, c] : pred_counts) {
    auto it = gt_counts.find(tok);
    if (it != gt_counts.end()) num_same += std::min(c, it->second);
  }
  if (num_same == 0) return 0.0;
  const double precision = 1.0 * double(num_same) / double(pred.size());
  const double recall = 1.0 * double(num_same) / double(gt.size());
  return (2 * precision * recall) / (precision + recall);
}

double qa_f1_score(std::string_view pred, std::string_view gt) {
  return token_f1(py_split(normalize_answer(pred)), py_split(normalize_answer(gt)));
}

// --- ROUGE-L ----------------------------------------------------------------------------------

namespace {

// Rouge._get_avg_scores: split on '.', keep raw pieces that are non-empty, collapse whitespace
// (a piece of only spaces survives as "").
std::vector<std::string> rouge_sentences(std::string_view s) {
  std::vector<std::string> out;
  for (const auto& piece : split_on(s, '.'))
    if (!piece.empty()) out.push_back(py_collapse_whitespace(piece));
  return out;
}

// Words of each sentence (split on single spaces) as ids shared by hypothesis and reference.
struct Interned {
  std::unordered_map<std::string, int> ids;
  std::vector<std::vector<int>> words(const std::vector<std::string>& sentences) {
    std::vector<std::vector<int>> out;
    for (const auto& s : sentences) {
      std::vector<int> w;
      for (const auto& tok : split_on(s, ' ')) w.push_back(ids.emplace(tok, int(ids.size())).first->second);
      out.push_back(std::move(w));
    }
    return out;
  }
};

size_t distinct_words(const std::vector<std::vector<int>>& sentences) {
  std::unordered_set<int> seen;
  for (const auto& s : sentences) seen.insert(s.begin(), s.end());
  return seen.size();
}

// rouge's _recon_lcs(x, y) for reference words x and hypothesis words y: adds the words of the
// back-tracked LCS to `lcs_words`. Returns false where the recursive Python version would exceed
// `max_frames` frames (one per back-tracking step plus the final call).
bool add_lcs_words(const std::vector<int>& x, const std::vector<int>& y, int max_frames,
                   std::unordered_set<int>& lcs_words) {
  const size_t n = x.size(), m = y.size();
  // Each step lowers i or j (or both) by one until one reaches 0, so a path has at least
  // min(n, m) steps: no table is needed to know it is too long.
  if (std::min(n, m) + 1 > size_t(max_frames)) return false;
  const size_t w = m + 1;
  std::vector<uint16_t> t((n + 1) * w, 0);  // entries <= min(n, m) < max_frames
  for (size_t i = 1; i <= n; ++i)
    for (size_t j = 1; j <= m; ++j)
      t[i * w + j] = x[i - 1] == y[j - 1] ? uint16_t(t[(i - 1) * w + j - 1] + 1)
                                          : std::max(t[(i - 1) * w + j], t[i * w + j - 1]);
  size_t i = n, j = m, steps = 0;
  while (i > 0 && j > 0) {
    if (x[i - 1] == y[j - 1]) {
      lcs_words.insert(x[i - 1]);
      --i;
      --j;
    } else if (t[(i - 1) * w + j] > t[i * w + j - 1]) {
      --i;  // ties go left (j - 1)
    } else {
      --j;
    }
    ++steps;
  }
  return steps + 1 <= size_t(max_frames);
}

}  // namespace

double rouge_score(std::string_view pred, std::string_view gt, int max_frames) {
  if (max_frames < 1 || max_frames > 60000)  // the LCS table stores lengths in 16 bits
    throw std::invalid_argument("rouge_score: max_frames (" + std::to_string(max_frames) +
                                ") must be in [1, 60000]");
  const auto hyp = rouge_sentences(pred);
  const auto ref = rouge_sentences(gt);
  // rouge-1 (computed first) raises "Hypothesis is empty." / "Reference is empty."; LongBench's
  // bare except turns that into 0. rouge-1/2 have no other failure and their values are unused.
  if (hyp.empty() || ref.empty()) return 0.0;
  Interned dict;
  const auto hyp_words = dict.words(hyp);
  const auto ref_words = dict.words(ref);
  const size_t m = distinct_words(ref_words);
  const size_t n = distinct_words(hyp_words);
  // Summary-level LCS with exclusive=True: the union over all (reference, hypothesis) sentence
  // pairs of the *set* of LCS words; its final size is llcs.
  std::unordered_set<int> lcs_union;
  for (const auto& r : ref_words)
    for (const auto& c : hyp_words)
      if (!add_lcs_words(r, c, max_frames, lcs_union)) return 0.0;  // RecursionError
  const double llcs = double(lcs_union.size());
  const double r_lcs = llcs / double(m);
  const double p_lcs = llcs / double(n);
  return 2.0 * ((p_lcs * r_lcs) / (p_lcs + r_lcs + 1e-8));
}

// --- classification, retrieval, count ------------------------------------------------------------

double classification_score(std::string_view pred, std::string_view gt,
                            const std::vector<std::string>& all_classes) {
  std::vector<std::string> matches;
  for (const auto& c : all_classes)
    if (pred.find(c) != std::string_view::npos) matches.push_back(c);
  // Python's `for t in matches: ... matches.remove(t)` walks an index over the live list; after
  // a removal the element shifted into the current slot is never examined (so it survives).
  for (size_t k = 0; k < matches.size(); ++k) {
    const std::string t = matches[k];
    if (gt.find(t) != std::string_view::npos && t != gt)
      matches.erase(std::find(matches.begin(), matches.end(), t));
  }
  if (std::find(matches.begin(), matches.end(), gt) == matches.end()) return 0.0;
  return 1.0 / double(matches.size());
}

namespace {

double share_equal(const std::vector<std::string>& numbers, const std::string& target) {
  if (numbers.empty()) return 0.0;
  const auto right = std::count(numbers.begin(), numbers.end(), target);
  return double(right) / double(numbers.size());
}

std::string excerpt(std::string_view s) {
  return s.size() <= 60 ? std::string(s) : std::string(s.substr(0, 60)) + "...";
}

double retrieval_with(std::string_view pred, std::string_view gt, std::string_view prefix) {
  const auto ids = find_digit_runs_after(gt, prefix);
  if (ids.empty())
    fail_input("passage retrieval answer '", excerpt(gt), "' contains no '", prefix,
               "N' (eval.py would crash here)");
  return share_equal(find_digit_runs(pred), ids.front());
}

}  // namespace

double retrieval_score(std::string_view pred, std::string_view gt) {
  return retrieval_with(pred, gt, "Paragraph ");
}

double retrieval_zh_score(std::string_view pred, std::string_view gt) {
  return retrieval_with(pred, gt, "段落");
}

double count_score(std::string_view pred, std::string_view gt) {
  return share_equal(find_digit_runs(pred), std::string(gt));
}

// --- code similarity ------------------------------------------------------------------------

CodeSimBackend code_sim_backend_from_string(const std::string& s) {
  if (s == "difflib") return CodeSimBackend::difflib;
  if (s == "levenshtein") return CodeSimBackend::levenshtein;
  fail_input("unknown code_sim backend '", s, "'; valid: difflib, levenshtein");
}

const char* to_string(CodeSimBackend b) { return b == CodeSimBackend::difflib ? "difflib" : "levenshtein"; }

namespace {

// difflib.SequenceMatcher with isjunk=None, autojunk=True. Junk is empty, so only the "popular"
// heuristic removes elements from the index; popular elements still extend a found match.
class RatcliffObershelp {
 public:
  RatcliffObershelp(std::u32string_view a, std::u32string_view b)
      : a_(a), b_(b), len_prev_(b.size() + 1, 0), len_cur_(b.size() + 1, 0) {
    for (size_t j = 0; j < b_.size(); ++j) b2j_[b_[j]].push_back(j);
    if (b_.size() >= 200) {
      const size_t limit = b_.size() / 100 + 1;
      for (auto it = b2j_.begin(); it != b2j_.end();)
        it = it->second.size() > limit ? b2j_.erase(it) : std::next(it);
    }
  }

  // Sum of the sizes of get_matching_blocks().
  size_t matched() {
    size_t total = 0;
    std::vector<std::array<size_t, 4>> stack = {{0, a_.size(), 0, b_.size()}};
    while (!stack.empty()) {
      const auto [alo, ahi, blo, bhi] = stack.back();
      stack.pop_back();
      const auto [i, j, k] = longest_match(alo, ahi, blo, bhi);
      if (k == 0) continue;
      total += k;
      if (alo < i && blo < j) stack.push_back({alo, i, blo, j});
      if (i + k < ahi && j + k < bhi) stack.push_back({i + k, ahi, j + k, bhi});
    }
    return total;
  }

 private:
  // find_longest_match: the longest block of indexed (non-popular) elements, the earliest in a
  // and then in b on ties, then extended on both sides by equal elements.
  std::array<size_t, 3> longest_match(size_t alo, size_t ahi, size_t blo, size_t bhi) {
    size_t besti = alo, bestj = blo, bestsize = 0;
    // len_prev_[j + 1] = length of the match ending at (i - 1, j); offset by one so j - 1 = -1
    // reads a permanent zero.
    for (size_t i = alo; i < ahi; ++i) {
      auto it = b2j_.find(a_[i]);
      if (it != b2j_.end()) {
        for (size_t j : it->second) {
          if (j < blo) continue;
          if (j >= bhi) break;
          const size_t k = len_prev_[j] + 1;
          len_cur_[j + 1] = k;
          touched_cur_.push_back(j + 1);
          if (k > bestsize) {
            besti = i + 1 - k;
            bestj = j + 1 - k;
            bestsize = k;
          }
        }
      }
      for (size_t t : touched_prev_) len_prev_[t] = 0;
      std::swap(len_prev_, len_cur_);
      std::swap(touched_prev_, touched_cur_);
      touched_cur_.clear();
    }
    for (size_t t : touched_prev_) len_prev_[t] = 0;
    touched_prev_.clear();
    while (besti > alo && bestj > blo && a_[besti - 1] == b_[bestj - 1]) {
      --besti;
      --bestj;
      ++bestsize;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a_[besti + bestsize] == b_[bestj + bestsize])
      ++bestsize;
    return {besti, bestj, bestsize};
  }

  std::u32string_view a_, b_;
  std::unordered_map<char32_t, std::vector<size_t>> b2j_;
  std::vector<size_t> len_prev_, len_cur_, touched_prev_, touched_cur_;
};

size_t lcs_length(std::u32string_view a, std::u32string_view b) {
  std::vector<size_t> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], cur[j - 1]);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

double difflib_ratio(std::u32string_view a, std::u32string_view b) {
  const size_t length = a.size() + b.size();
  if (length == 0) return 1.0;
  const size_t matches = RatcliffObershelp(a, b).matched();
  return 2.0 * double(matches) / double(length);
}

double indel_ratio(std::u32string_view a, std::u32string_view b) {
  const size_t lensum = a.size() + b.size();
  if (lensum == 0) return 1.0;
  // InDel distance = lensum - 2 * LCS, so lensum - distance = 2 * LCS exactly.
  return double(2 * lcs_length(a, b)) / double(lensum);
}

int fuzz_ratio(std::string_view a, std::string_view b, CodeSimBackend backend) {
  if (a == b) return 100;  // check_for_equivalence runs before check_empty_string
  if (a.empty() || b.empty()) return 0;
  const std::u32string ua = decode_utf8(a), ub = decode_utf8(b);
  const double r = backend == CodeSimBackend::difflib ? difflib_ratio(ua, ub) : indel_ratio(ua, ub);
  return int(py_round_int(100 * r));
}

double code_sim_score(std::string_view pred, std::string_view gt, CodeSimBackend backend) {
  const size_t b = pred.find_first_not_of('\n');
  std::string line;
  if (b != std::string_view::npos) {
    for (const auto& l : split_on(pred.substr(b), '\n')) {
      if (l.find('`') == std::string::npos && l.find('#') == std::string::npos &&
          l.find("//") == std::string::npos) {
        line = l;
        break;
      }
    }
  }
  return fuzz_ratio(line, gt, backend) / 100.0;
}

}  // namespace ropelab::longbench
