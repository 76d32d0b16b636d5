// LongBench metrics and Python string semantics: each expected value is derived by hand from
// docs/longbench-scoring.md §7 (the derivation is in the comment), except the difflib ones, which
// come from CPython 3.11's difflib as noted.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/eval/longbench/metrics.h"
#include "core/eval/longbench/tasks.h"
#include "core/eval/longbench/text.h"
#include "core/util/error.h"

namespace lb = ropelab::longbench;
using lb::CodeSimBackend;

namespace {

// 2PR/(P+R+1e-8), rouge's F formula.
double rouge_f(double p, double r) { return 2.0 * ((p * r) / (p + r + 1e-8)); }

// "w0 w1 ... w{n-1}" starting at `first`.
std::string words(int n, int first = 0) {
  std::string s;
  for (int i = 0; i < n; ++i) s += (i ? " w" : "w") + std::to_string(first + i);
  return s;
}

}  // namespace

// --- text helpers --------------------------------------------------------------------------------

TEST(LongBenchText, LowerIsFullUnicodeWithFinalSigma) {
  EXPECT_EQ(lb::py_lower("ÀB ÉCOLE"), "àb école");
  EXPECT_EQ(lb::py_lower("ΟΔΟΣ"), "\u03bf\u03b4\u03bf\u03c2");  // final sigma ς
  EXPECT_EQ(lb::py_lower("ΣΑ"), "\u03c3\u03b1");                // non-final σ
  EXPECT_EQ(lb::py_lower("İ"), "i\u0307");                      // full mapping: two code points
  EXPECT_EQ(lb::py_lower("ＡＢ"), "ａｂ");
}

TEST(LongBenchText, SplitUsesPythonWhitespace) {
  // U+00A0, U+3000 and U+001C split; U+200B (zero width space) does not.
  EXPECT_EQ(lb::py_split("a\u00a0b\u3000c\x1c"
                         "d\u200b"
                         "e"),
            (std::vector<std::string>{"a", "b", "c", "d\u200be"}));
  EXPECT_EQ(lb::py_split("  \t\n "), std::vector<std::string>{});
  EXPECT_EQ(lb::py_split(""), std::vector<std::string>{});
  EXPECT_EQ(lb::py_collapse_whitespace(" x \u2003 y\n"), "x y");
}

TEST(LongBenchText, PunctuationRemovalKeepsUnicodePunctuation) {
  EXPECT_EQ(lb::remove_ascii_punctuation("it’s “fine”—ok! (a_b) {c}~"), "it’s “fine”—ok ab c");
}

TEST(LongBenchText, ArticlesUseUnicodeWordBoundaries) {
  // re.sub(r"\b(a|an|the)\b", " ", s) on CPython gives '  cat ate   apple  '.
  EXPECT_EQ(lb::replace_articles("the cat ate a apple an"), "  cat ate   apple  ");
  // '_' and digits are word characters, é is alphanumeric; U+0301 (combining acute) is not a
  // word character, so the 'a' before it is a whole word.
  EXPECT_EQ(lb::replace_articles("a_the théa a\u0301 an1 the"), "a_the théa  \u0301 an1  ");
  EXPECT_EQ(lb::replace_articles("The An"), "The An");  // case-sensitive (lowering comes first)
}

TEST(LongBenchText, DigitRunsIncludeAllDecimalDigits) {
  // \d matches category Nd: full-width ３２, Arabic-Indic ٤ as well as ASCII.
  EXPECT_EQ(lb::find_digit_runs("Paragraph ３２ and ٤5x7"), (std::vector<std::string>{"３２", "٤5", "7"}));
  EXPECT_EQ(lb::find_digit_runs("² ½ Ⅻ"), std::vector<std::string>{});  // No / Nl are not \d
  EXPECT_EQ(lb::find_digit_runs_after("Paragraph x, Paragraph 12, Paragraph 3", "Paragraph "),
            (std::vector<std::string>{"12", "3"}));
}

TEST(LongBenchText, FirstLineAndInvalidUtf8) {
  EXPECT_EQ(lb::first_line("\n\nfirst\nsecond"), "first");
  EXPECT_EQ(lb::first_line("\n\n"), "");
  EXPECT_EQ(lb::first_line(" \nx"), " ");  // only '\n' is stripped
  EXPECT_THROW(lb::py_split("ab\xff"), ropelab::InputError);
  EXPECT_THROW(lb::py_lower("\xc3"), ropelab::InputError);
}

// --- Python numerics ---------------------------------------------------------------------------

TEST(LongBenchNumerics, RoundHalfToEven) {
  EXPECT_EQ(lb::py_round_int(0.5), 0.0);
  EXPECT_EQ(lb::py_round_int(1.5), 2.0);
  EXPECT_EQ(lb::py_round_int(2.5), 2.0);
  EXPECT_EQ(lb::py_round_int(12.5), 12.0);
  // round(x, 2) works on the exact binary value: 0.125 and 3.125 are exact ties (-> even),
  // 2.675 is really 2.67499999..., 12.345 is really 12.34500000000000064.
  EXPECT_EQ(lb::py_round(0.125, 2), 0.12);
  EXPECT_EQ(lb::py_round(0.375, 2), 0.38);
  EXPECT_EQ(lb::py_round(3.125, 2), 3.12);
  EXPECT_EQ(lb::py_round(2.675, 2), 2.67);
  EXPECT_EQ(lb::py_round(12.345, 2), 12.35);
  EXPECT_EQ(lb::py_round(19.8, 2), 19.8);
}

// --- qa_f1_score ----------------------------------------------------------------------------------

TEST(LongBenchQaF1, Normalization) {
  // lower -> drop ASCII punctuation -> articles -> collapse.
  EXPECT_EQ(lb::normalize_answer("The Quick, brown fox’s"), "quick brown fox’s");
  EXPECT_EQ(lb::normalize_answer("  A  "), "");
}

TEST(LongBenchQaF1, Values) {
  // pred [cat, sat], gt [cat, sat, down]: P = 1, R = 2/3, F1 = (2 * 1 * 2/3) / (5/3) = 0.8.
  EXPECT_DOUBLE_EQ(lb::qa_f1_score("The cat sat.", "a cat sat down"),
                   (2 * 1.0 * (2.0 / 3)) / (1.0 + 2.0 / 3));
  // Multiset overlap: [cat cat cat] vs [cat] -> num_same 1, P = 1/3, R = 1 -> 0.5.
  EXPECT_DOUBLE_EQ(lb::qa_f1_score("cat cat cat", "Cat"), 0.5);
  EXPECT_EQ(lb::qa_f1_score("Paris!", "paris"), 1.0);
}

TEST(LongBenchQaF1, EdgeCases) {
  EXPECT_EQ(lb::qa_f1_score("", ""), 0.0);             // both empty: 0, not SQuAD's 1
  EXPECT_EQ(lb::qa_f1_score("the a an", "The"), 0.0);  // both normalize to nothing
  EXPECT_EQ(lb::qa_f1_score("it’s", "its"), 0.0);      // Unicode apostrophe is kept
  EXPECT_EQ(lb::qa_f1_score("it's", "its"), 1.0);      // ASCII apostrophe is removed
}

// --- rouge_score --------------------------------------------------------------------------------

TEST(LongBenchRouge, IdenticalAndCaseSensitive) {
  EXPECT_DOUBLE_EQ(lb::rouge_score("the cat sat", "the cat sat"), rouge_f(1, 1));
  // {The, cat} vs {the, cat}: one common word type, m = n = 2.
  EXPECT_DOUBLE_EQ(lb::rouge_score("The cat", "the cat"), rouge_f(0.5, 0.5));
  // Punctuation other than '.' stays part of the word: "sat," != "sat".
  EXPECT_DOUBLE_EQ(lb::rouge_score("cat sat,", "cat sat"), rouge_f(0.5, 0.5));
}

TEST(LongBenchRouge, SummaryLevelUnionOfSentenceLcs) {
  // Sentences ["cat sat", "dog"] vs ["dog", "cat sat"]: the union of per-pair LCS word sets is
  // {cat, sat, dog}, although one LCS over the whole text would have only 2 words.
  EXPECT_DOUBLE_EQ(lb::rouge_score("cat sat. dog", "dog. cat sat"), rouge_f(1, 1));
  // Sets, not counts: m = n = 1.
  EXPECT_DOUBLE_EQ(lb::rouge_score("cat cat cat", "cat"), rouge_f(1, 1));
}

TEST(LongBenchRouge, WhitespaceOnlyPieceBecomesEmptyToken) {
  // "cat. ." -> pieces ["cat", " ", ""] -> sentences ["cat", ""] -> words {cat, ""}: m = 2.
  EXPECT_DOUBLE_EQ(lb::rouge_score("cat", "cat. ."), rouge_f(1.0, 0.5));
  EXPECT_DOUBLE_EQ(lb::rouge_score("cat. ", "cat. ."), rouge_f(1, 1));
}

TEST(LongBenchRouge, EmptyHypothesisOrReferenceScoresZero) {
  EXPECT_EQ(lb::rouge_score("", "the cat"), 0.0);     // "Hypothesis is empty."
  EXPECT_EQ(lb::rouge_score("...", "the cat"), 0.0);  // only empty pieces
  EXPECT_EQ(lb::rouge_score("the cat", ""), 0.0);     // "Reference is empty."
  EXPECT_EQ(lb::rouge_score("dog", "cat"), 0.0);      // no overlap
}

TEST(LongBenchRouge, RecursionLimitOnIdenticalSentences) {
  // A diagonal path of k words needs k + 1 frames: 990 words pass, 991 give 0.
  EXPECT_DOUBLE_EQ(lb::rouge_score(words(990), words(990)), rouge_f(1, 1));
  EXPECT_EQ(lb::rouge_score(words(991), words(991)), 0.0);
}

TEST(LongBenchRouge, RecursionLimitDependsOnPathNotSize) {
  // Reference "w0 w1" vs a hypothesis w0..w{n-1}: the path walks left n - 2 steps, then two
  // diagonal steps: n steps. n = 990 passes (llcs 2, m = 2, n = 990), n = 991 fails.
  EXPECT_DOUBLE_EQ(lb::rouge_score(words(990), "w0 w1"), rouge_f(2.0 / 990, 1.0));
  EXPECT_EQ(lb::rouge_score(words(991), "w0 w1"), 0.0);
  // A 2-word hypothesis against a 1000-word reference sentence: a match at the end of the
  // reference is 2 diagonal steps; at the start the path climbs 998 rows first.
  EXPECT_DOUBLE_EQ(lb::rouge_score("w998 w999", words(1000)), rouge_f(1.0, 2.0 / 1000));
  EXPECT_EQ(lb::rouge_score("w0 w1", words(1000)), 0.0);
  // The limit is per sentence pair: split by '.', the same words are fine.
  EXPECT_DOUBLE_EQ(lb::rouge_score(words(600) + ". " + words(600, 600), words(600) + ". " + words(600, 600)),
                   rouge_f(1, 1));
}

// --- classification_score -------------------------------------------------------------------------

TEST(LongBenchClassification, Basic) {
  const std::vector<std::string> classes = {"Location", "Person", "Number"};
  EXPECT_EQ(lb::classification_score("Location", "Location", classes), 1.0);
  EXPECT_EQ(lb::classification_score("Person or Location", "Location", classes), 0.5);
  EXPECT_EQ(lb::classification_score("location", "Location", classes), 0.0);  // case-sensitive
  EXPECT_EQ(lb::classification_score("Number", "Location", classes), 0.0);
}

TEST(LongBenchClassification, ListMutationQuirkKeepsSkippedElement) {
  // matches = [A, AB, ABC]. k=0: "A" is in gt "ABC" and != gt -> removed, the list becomes
  // [AB, ABC] and "AB" slides into slot 0, which is never examined; k=1: "ABC" == gt stays.
  // Result [AB, ABC] -> 1/2 (a correct filter would give 1).
  EXPECT_EQ(lb::classification_score("ABC", "ABC", {"A", "AB", "ABC"}), 0.5);
  // Order [AB, A, ABC]: k=0 removes AB -> [A, ABC]; A is skipped -> 1/2 again.
  EXPECT_EQ(lb::classification_score("ABC", "ABC", {"AB", "A", "ABC"}), 0.5);
  // [A, X, AB, ABC] with pred "X ABC": k=0 removes A -> [X, AB, ABC]; k=1: AB removed ->
  // [X, ABC]; done -> 1/2.
  EXPECT_EQ(lb::classification_score("X ABC", "ABC", {"A", "X", "AB", "ABC"}), 0.5);
}

// --- retrieval and count ----------------------------------------------------------------------------

TEST(LongBenchRetrieval, English) {
  EXPECT_EQ(lb::retrieval_score("Paragraph 3", "Paragraph 3"), 1.0);
  EXPECT_EQ(lb::retrieval_score("Paragraph 3 and 13", "Paragraph 3"), 0.5);
  EXPECT_EQ(lb::retrieval_score("I don't know", "Paragraph 3"), 0.0);
  // \d matches full-width digits, but the comparison is on digit strings: "３" != "3".
  EXPECT_EQ(lb::retrieval_score("Paragraph ３", "Paragraph 3"), 0.0);
  EXPECT_EQ(lb::retrieval_score("Paragraph ３", "Paragraph ３"), 1.0);
  EXPECT_THROW(lb::retrieval_score("Paragraph 3", "the third one"), ropelab::InputError);
}

TEST(LongBenchRetrieval, Chinese) {
  EXPECT_EQ(lb::retrieval_zh_score("段落5", "段落5"), 1.0);
  EXPECT_EQ(lb::retrieval_zh_score("答案是段落５和段落5", "段落5"), 0.5);
  EXPECT_THROW(lb::retrieval_zh_score("5", "Paragraph 5"), ropelab::InputError);
}

TEST(LongBenchCount, Values) {
  EXPECT_EQ(lb::count_score("There are 12 passages, 12.", "12"), 1.0);
  EXPECT_EQ(lb::count_score("3 or 12", "12"), 0.5);
  EXPECT_EQ(lb::count_score("１２", "12"), 0.0);  // one number, and "１２" != "12"
  EXPECT_EQ(lb::count_score("", "12"), 0.0);
}

// --- code_sim_score ---------------------------------------------------------------------------------

TEST(LongBenchCodeSim, Decorators) {
  for (auto b : {CodeSimBackend::difflib, CodeSimBackend::levenshtein}) {
    EXPECT_EQ(lb::fuzz_ratio("", "", b), 100);  // equality is checked before emptiness
    EXPECT_EQ(lb::fuzz_ratio("", "x", b), 0);
    EXPECT_EQ(lb::fuzz_ratio("x", "", b), 0);
    EXPECT_EQ(lb::code_sim_score("", "", b), 1.0);
    EXPECT_EQ(lb::code_sim_score("# only\n// comments", "", b), 1.0);  // no line kept -> ""
    EXPECT_EQ(lb::code_sim_score("# only\n// comments", "x = 1", b), 0.0);
  }
}

TEST(LongBenchCodeSim, FirstCodeLine) {
  // Leading newlines dropped; lines with '#', '`' or "//" skipped.
  EXPECT_EQ(lb::code_sim_score("\n\n# comment\n```python\nx = 1\ny = 2", "x = 1", CodeSimBackend::difflib),
            1.0);
  EXPECT_EQ(lb::code_sim_score("a // b\nx = 1", "x = 1", CodeSimBackend::difflib), 1.0);
}

TEST(LongBenchCodeSim, RoundHalfToEven) {
  // One matching character out of 8 + 8: 100 * 2/16 = 12.5 exactly -> 12 (not 13).
  // Three out of 8 + 8: 37.5 -> 38. Both backends find the same matches here.
  for (auto b : {CodeSimBackend::difflib, CodeSimBackend::levenshtein}) {
    EXPECT_EQ(lb::fuzz_ratio("abbbbbbb", "accccccc", b), 12);
    EXPECT_EQ(lb::fuzz_ratio("abcddddd", "abceeeee", b), 38);
  }
}

TEST(LongBenchCodeSim, DifflibIsGreedyLevenshteinIsOptimal) {
  // difflib: the first longest block is "b" at a[0] (earliest i wins the tie with "a"), matched
  // to b[2]; nothing remains on either side -> M = 1, ratio 2/6 -> 33. The LCS "ab" has 2
  // -> 4/6 -> 67. (CPython 3.11: SequenceMatcher(None, "bab", "acb").ratio() == 1/3.)
  EXPECT_EQ(lb::fuzz_ratio("bab", "acb", CodeSimBackend::difflib), 33);
  EXPECT_EQ(lb::fuzz_ratio("bab", "acb", CodeSimBackend::levenshtein), 67);
  EXPECT_DOUBLE_EQ(lb::difflib_ratio(U"bab", U"acb"), 2.0 / 6);
  EXPECT_DOUBLE_EQ(lb::indel_ratio(U"bab", U"acb"), 4.0 / 6);
}

TEST(LongBenchCodeSim, DifflibAutojunkPopularElements) {
  // b = "x" + 199 spaces + "y" (201 >= 200): ' ' occurs more than 201/100 + 1 = 3 times, so it
  // is "popular" and not indexed. Values checked against CPython 3.11 difflib.
  const std::u32string b = U"x" + std::u32string(199, U' ') + U"y";
  // Only popular characters: no block is found at all (Levenshtein would see 2 matches).
  EXPECT_EQ(lb::difflib_ratio(U"  ", b), 0.0);
  EXPECT_DOUBLE_EQ(lb::indel_ratio(U"  ", b), 4.0 / 203);
  // A block found on "x" is then extended forward through popular spaces: M = 3.
  EXPECT_DOUBLE_EQ(lb::difflib_ratio(U"x  ", b), 6.0 / 204);
  // ... and backward: "y" matched at b[200], extended to " y": M = 2.
  EXPECT_DOUBLE_EQ(lb::difflib_ratio(U" y", b), 4.0 / 203);
  // Under 200 characters there is no autojunk.
  const std::u32string short_b = U"x" + std::u32string(197, U' ') + U"y";
  EXPECT_DOUBLE_EQ(lb::difflib_ratio(U"  ", short_b), 4.0 / 201);
}

TEST(LongBenchCodeSim, UnicodeIsComparedByCodePoint) {
  // "é" is 2 bytes but one code point: "é" vs "e" share nothing, "aé" vs "aé" are equal.
  EXPECT_EQ(lb::fuzz_ratio("aé", "ae", CodeSimBackend::difflib), 50);  // 2*1/4
  EXPECT_EQ(lb::fuzz_ratio("aé", "aé", CodeSimBackend::difflib), 100);
}

TEST(LongBenchCodeSim, BackendNames) {
  EXPECT_EQ(lb::code_sim_backend_from_string("difflib"), CodeSimBackend::difflib);
  EXPECT_EQ(lb::code_sim_backend_from_string("levenshtein"), CodeSimBackend::levenshtein);
  try {
    lb::code_sim_backend_from_string("rapidfuzz");
    FAIL() << "expected InputError";
  } catch (const ropelab::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("difflib, levenshtein"), std::string::npos);
  }
}

// --- task table -----------------------------------------------------------------------------------

TEST(LongBenchTasks, TableAndSets) {
  EXPECT_EQ(lb::all_tasks().size(), 21u);
  EXPECT_EQ(
      lb::paper12_tasks(),
      (std::vector<std::string>{"narrativeqa", "qasper", "multifieldqa_en", "hotpotqa", "2wikimqa", "musique",
                                "gov_report", "qmsum", "multi_news", "trec", "triviaqa", "samsum"}));
  EXPECT_EQ(lb::en16_tasks().size(), 16u);
  EXPECT_EQ(lb::en16_tasks().back(), "repobench-p");
  int e = 0, trim = 0, no_chat = 0;
  for (const auto& t : lb::all_tasks()) {
    e += t.longbench_e;
    trim += t.first_line_trim;
    no_chat += !t.chat_template;
  }
  EXPECT_EQ(e, 13);
  EXPECT_EQ(trim, 4);
  EXPECT_EQ(no_chat, 6);
  const auto& samsum = lb::task_info("samsum");
  EXPECT_EQ(samsum.metric, lb::MetricKind::rouge);
  EXPECT_TRUE(samsum.stop_at_newline);  // the one task pred.py stops at a newline
  EXPECT_FALSE(lb::task_info("gov_report").stop_at_newline);
  EXPECT_FALSE(lb::metric_supported(lb::task_info("dureader").metric));
  EXPECT_FALSE(lb::metric_supported(lb::task_info("multifieldqa_zh").metric));
  EXPECT_TRUE(lb::metric_supported(lb::task_info("passage_retrieval_zh").metric));
  EXPECT_TRUE(lb::metric_supported(lb::task_info("lsht").metric));
}

TEST(LongBenchTasks, ParseTaskSet) {
  EXPECT_EQ(lb::parse_task_set("paper12"), lb::paper12_tasks());
  EXPECT_EQ(lb::parse_task_set("en16"), lb::en16_tasks());
  EXPECT_EQ(lb::parse_task_set("all").size(), 21u);
  EXPECT_EQ(lb::parse_task_set("trec,qasper"), (std::vector<std::string>{"trec", "qasper"}));
  try {
    lb::parse_task_set("trec,nq");
    FAIL() << "expected InputError";
  } catch (const ropelab::InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("'nq'"), std::string::npos);
    EXPECT_NE(msg.find("paper12"), std::string::npos);
    EXPECT_NE(msg.find("repobench-p"), std::string::npos);
  }
  EXPECT_THROW(lb::parse_task_set("trec,trec"), ropelab::InputError);
  EXPECT_THROW(lb::parse_task_set(""), ropelab::InputError);
  EXPECT_THROW(lb::parse_task_set("trec,"), ropelab::InputError);
  EXPECT_THROW(lb::task_info("nq"), ropelab::InputError);
}
