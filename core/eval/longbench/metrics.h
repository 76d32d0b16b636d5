// LongBench's per-sample metrics (metrics.py @ THUDM/LongBench 2e00731f8d0b), reproduced to the
// bit on UTF-8 strings; docs/longbench-scoring.md §7 is the specification.
//
// Invariants:
// - Every score is the double Python would compute, with the same operation order, in [0, 1].
// - Quirks are kept, not fixed: both-empty F1 is 0; ROUGE-L is pltrdy rouge 1.0.1's
//   summary-level, set-based ("exclusive") variant, and returns 0 where Python's recursion limit
//   would raise inside the library; classification_score keeps the list-mutation quirk.
// - The Chinese metrics that need jieba (qa_f1_zh, rouge_zh) are absent on purpose (see
//   tasks.h: metric_supported). retrieval_zh needs no segmenter and is here.
// - code_sim_score has both fuzzywuzzy backends; the caller must choose one explicitly.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ropelab::longbench {

// --- Python numerics ---------------------------------------------------------------------------

// Python round(x) to an integer as a double: half to even (std::nearbyint, default FE mode).
double py_round_int(double x);
// Python round(x, ndigits) for a float: the correctly rounded decimal of the exact binary value,
// ties to even (CPython uses dtoa mode 3; glibc's printf rounds the same way).
double py_round(double x, int ndigits);

// --- QA F1 (English) --------------------------------------------------------------------------

// normalize_answer: lower, drop ASCII punctuation, articles -> " ", collapse whitespace.
std::string normalize_answer(std::string_view s);
// f1_score on token lists (multiset overlap); 0 when nothing overlaps, including both empty.
double token_f1(const std::vector<std::string>& pred, const std::vector<std::string>& gt);
// qa_f1_score
double qa_f1_score(std::string_view pred, std::string_view gt);

// --- ROUGE-L (pltrdy rouge 1.0.1) ------------------------------------------------------------

// CPython 3.11 frames available to rouge's recursive LCS back-tracking when called from
// LongBench's rouge_score (measured: a path of 990 steps passes, 991 fails; rouge_zh_score has
// one frame less).
constexpr int kRougeMaxRecursionFrames = 991;

// rouge_score: Rouge().get_scores([pred], [gt], avg=True)["rouge-l"]["f"], 0 on any exception
// (empty hypothesis or reference, recursion limit). `max_frames` is the recursion budget: a
// back-tracking path of k steps needs k + 1 frames.
double rouge_score(std::string_view pred, std::string_view gt, int max_frames = kRougeMaxRecursionFrames);

// --- classification, retrieval, count ------------------------------------------------------------

// classification_score, with Python's skip-after-remove iteration quirk.
double classification_score(std::string_view pred, std::string_view gt,
                            const std::vector<std::string>& all_classes);
// retrieval_score: share of the numbers in pred equal to gt's "Paragraph N" id. InputError when
// gt has no "Paragraph N" (eval.py crashes with IndexError there).
double retrieval_score(std::string_view pred, std::string_view gt);
// retrieval_zh_score: the same with "段落N".
double retrieval_zh_score(std::string_view pred, std::string_view gt);
// count_score: share of the numbers in pred equal to gt.
double count_score(std::string_view pred, std::string_view gt);

// --- code similarity (fuzzywuzzy 0.18.0 fuzz.ratio) --------------------------------------------

enum class CodeSimBackend {
  difflib,      // difflib.SequenceMatcher (no python-Levenshtein; the official result.json)
  levenshtein,  // python-Levenshtein's StringMatcher: InDel-distance ratio
};
CodeSimBackend code_sim_backend_from_string(const std::string& s);  // "difflib" | "levenshtein"
const char* to_string(CodeSimBackend b);

// difflib.SequenceMatcher(None, a, b).ratio() on code points: Ratcliff/Obershelp matching blocks
// with autojunk (b's "popular" elements) and CPython's tie-breaking.
double difflib_ratio(std::u32string_view a, std::u32string_view b);
// Levenshtein.ratio(a, b) = (|a|+|b| - InDel distance) / (|a|+|b|), 1 for two empty strings.
double indel_ratio(std::u32string_view a, std::u32string_view b);
// fuzz.ratio(a, b): 100 if equal (even both empty), 0 if either empty, else
// int(round(100 * ratio)) with Python's half-to-even round.
int fuzz_ratio(std::string_view a, std::string_view b, CodeSimBackend backend);
// code_sim_score: the first line of pred (after leading newlines) without '`', '#' or "//",
// then fuzz.ratio(line, gt) / 100.
double code_sim_score(std::string_view pred, std::string_view gt, CodeSimBackend backend);

}  // namespace ropelab::longbench
