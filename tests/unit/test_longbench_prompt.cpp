// LongBench runner pieces without a model: Python str.format semantics, middle truncation on a
// SentencePiece model, sample parsing errors with line numbers, shards, resumable prediction files.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "core/eval/longbench/prompt.h"
#include "core/eval/longbench/samples.h"
#include "core/eval/longbench/truncation.h"
#include "core/eval/predictions/pred_file.h"
#include "core/eval/predictions/shard.h"
#include "core/io/jsonl.h"
#include "core/text/tokenizer.h"
#include "core/util/error.h"
#include "test_util.h"
#include "train_test_util.h"

using namespace ropelab;
using namespace ropelab::longbench;
using namespace ropelab::predictions;
using ropelab::testing::TempDir;

namespace {}  // namespace

TEST(LongBenchPrompt, FormatFollowsPythonStrFormat) {
  const std::map<std::string, std::string> f = {{"context", "C {input} }{"}, {"input", "Q"}};
  // Values are inserted literally; braces inside values are not re-formatted.
  EXPECT_EQ(format_prompt("Read:\n\n{context}\n\nQ: {input}", f, "t"), "Read:\n\nC {input} }{\n\nQ: Q");
  EXPECT_EQ(format_prompt("{{context}} {{{input}}} }}{{", f, "t"), "{context} {Q} }{");
  EXPECT_EQ(format_prompt("", f, "t"), "");
  EXPECT_EQ(format_prompt("no fields", f, "t"), "no fields");
  EXPECT_EQ(format_prompt("{input}{input}", f, "t"), "QQ");
  EXPECT_EQ(format_prompt("ünï {input} ✓", f, "t"), "ünï Q ✓");
}

TEST(LongBenchPrompt, FormatErrorsAreClear) {
  const std::map<std::string, std::string> f = {{"context", "C"}, {"input", "Q"}};
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              format_prompt("{question}", f, "p.json [qasper]");
            }).find("unknown field '{question}'"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              format_prompt("{question}", f, "p.json [qasper]");
            }).find("p.json [qasper]"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([&] { format_prompt("a } b", f, "t"); }).find("Single '}'"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([&] { format_prompt("a { b", f, "t"); }).find("expected '}'"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([&] { format_prompt("{}", f, "t"); }).find("positional"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([&] { format_prompt("{0}", f, "t"); }).find("positional"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([&] { format_prompt("{input!r}", f, "t"); }).find("conversion"),
            std::string::npos);
  EXPECT_NE(
      ropelab::testing::input_error_of([&] { format_prompt("{input:>5}", f, "t"); }).find("format spec"),
      std::string::npos);
}

TEST(LongBenchPrompt, PromptConfigNamesMissingFilesAndTasks) {
  TempDir tmp;
  std::ofstream(tmp / "p.json") << R"({"hotpotqa": "{context} Q: {input}"})";
  std::ofstream(tmp / "m.json") << R"({"hotpotqa": 32})";
  auto c = read_prompt_config(tmp / "p.json", tmp / "m.json");
  EXPECT_EQ(c.maxlen_for("hotpotqa"), 32);
  EXPECT_EQ(c.prompt_sha256.size(), 64u);
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              c.prompt_for("qasper");
            }).find("no prompt for dataset 'qasper'"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              read_prompt_config(tmp / "nope.json", tmp / "m.json");
            }).find("nope.json"),
            std::string::npos);
  std::ofstream(tmp / "bad.json") << R"({"hotpotqa": -1})";
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              read_prompt_config(tmp / "p.json", tmp / "bad.json");
            }).find("positive integer"),
            std::string::npos);
}

TEST(LongBenchTruncation, KeepsHeadAndTailIntact) {
  const auto& tok = ropelab::testing::shared_tokenizer();
  std::string middle;
  for (int i = 0; i < 200; ++i) middle += " filler number " + std::to_string(i) + " goes here.";
  const std::string head = "Answer the question based on the passage.",
                    tail = "Question: who wrote it? Answer:";
  const std::string prompt = head + middle + " " + tail;
  const auto ids = tok.encode(prompt, true);
  ASSERT_GT(ids.size(), 300u);
  const int64_t L = 101;
  const std::string cut = middle_truncate(tok, prompt, L);
  EXPECT_EQ(cut.rfind(head, 0), 0u) << cut;                      // head kept
  EXPECT_EQ(cut.substr(cut.size() - tail.size()), tail) << cut;  // tail kept
  EXPECT_EQ(cut.find("number 100 "), std::string::npos);         // middle gone
  // Exactly pred.py's construction: decode(ids[:50]) + decode(ids[-50:]).
  const std::vector<int64_t> a(ids.begin(), ids.begin() + L / 2), b(ids.end() - L / 2, ids.end());
  EXPECT_EQ(cut, tok.decode(a) + tok.decode(b));
  // A prompt that fits is unchanged; the chat wrap is LongBench's "[INST]...[/INST]".
  EXPECT_EQ(middle_truncate(tok, head, L), head);
  const auto wrapped = build_prompt(tok, head, L, /*chat=*/true);
  EXPECT_EQ(wrapped.ids.front(), tok.bos_id());
  EXPECT_EQ(tok.decode(wrapped.ids), "[INST]" + head + "[/INST]");
  // What truncation did: the untruncated length counts BOS but not the template.
  EXPECT_FALSE(wrapped.truncated);
  EXPECT_EQ(wrapped.prompt_tokens, int64_t(tok.encode(head, true).size()));
  const auto plain = build_prompt(tok, prompt, L, /*chat=*/false);
  EXPECT_LE(std::abs(int64_t(plain.ids.size()) - L), 5);  // the join may merge or split a token
  EXPECT_TRUE(plain.truncated);
  EXPECT_EQ(plain.prompt_tokens, int64_t(ids.size()));
  // Exactly at the budget is not truncated (pred.py cuts only when len > max_length).
  const auto exact = build_prompt(tok, prompt, int64_t(ids.size()), /*chat=*/false);
  EXPECT_FALSE(exact.truncated);
  EXPECT_EQ(exact.ids, ids);
  EXPECT_TRUE(build_prompt(tok, prompt, int64_t(ids.size()) - 1, /*chat=*/false).truncated);
}

TEST(LongBenchSamples, MalformedLinesReportTheirLineNumber) {
  TempDir tmp;
  std::ofstream(tmp / "d.jsonl") << R"({"context": "c", "input": "i", "answers": ["a"], "length": 3})"
                                 << "\n"
                                 << "\n"
                                 << R"({"context": "c", "input": "i", "answers": "a"})"
                                 << "\n";
  EXPECT_NE(ropelab::testing::input_error_of([&] { read_samples(tmp / "d.jsonl"); }).find("d.jsonl:3"),
            std::string::npos);
  std::ofstream(tmp / "e.jsonl") << R"({"context": "c", "answers": []})"
                                 << "\n{not json\n";
  EXPECT_NE(ropelab::testing::input_error_of([&] { read_samples(tmp / "e.jsonl"); }).find("e.jsonl:2"),
            std::string::npos);
  std::ofstream(tmp / "ok.jsonl")
      << R"({"context": "c", "input": "i", "answers": ["a"], "length": 3, "all_classes": null, "n": 4})";
  auto s = read_samples(tmp / "ok.jsonl");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].fields.at("context"), "c");
  EXPECT_EQ(s[0].fields.at("n"), "4");
  EXPECT_EQ(s[0].fields.at("all_classes"), "None");
  EXPECT_TRUE(s[0].all_classes.is_null());
  EXPECT_EQ(s[0].length, 3);
}

TEST(LongBenchShard, ParseOwnershipAndErrors) {
  auto s = Shard::parse("1/3");
  EXPECT_TRUE(s.owns(1));
  EXPECT_TRUE(s.owns(4));
  EXPECT_FALSE(s.owns(2));
  EXPECT_EQ(s.owned(10), 3u);  // 1, 4, 7
  EXPECT_EQ(Shard::parse("0/3").owned(10), 4u);
  EXPECT_EQ(prediction_file_name("trec", s), "trec.shard-1-of-3.part");
  EXPECT_EQ(prediction_file_name("trec", Shard::parse("0/1")), "trec.jsonl");
  for (const std::string bad : {"3/3", "-1/2", "1", "a/b", "1/0", "1/2x"})
    EXPECT_NE(ropelab::testing::input_error_of([&] { Shard::parse(bad); }).find("`shard`"), std::string::npos)
        << bad;
}

TEST(LongBenchPredFile, RepairsAPartialLastLineAndResumes) {
  TempDir tmp;
  const auto path = tmp.path / "hotpotqa.jsonl";
  std::ofstream(path) << R"({"pred": "a", "answers": ["x"]})"
                      << "\n"
                      << R"({"pred": "b", "answers": ["y"]})"
                      << "\n"
                      << R"({"pred": "c", "ans)";
  {
    PredictionAppender app(path);
    EXPECT_TRUE(app.repaired());
    EXPECT_EQ(app.done(), 2u);
    app.append({{"pred", "c2"}, {"answers", {"z"}}});
  }
  auto lines = read_prediction_lines(path);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2]["pred"], "c2");
  // Invalid UTF-8 from a generation cut inside a character becomes U+FFFD, never a broken line.
  const std::string line = prediction_line({{"pred", std::string("ok\xE2\x9C")}});
  EXPECT_TRUE(valid_utf8(line)) << line;
  EXPECT_EQ(line.rfind("{\"pred\":\"ok\xEF\xBF\xBD", 0), 0u) << line;
  // A complete line that is not a prediction is an error naming the line.
  std::ofstream(tmp / "x.jsonl") << R"({"pred": "a"})"
                                 << "\n[1]\n";
  EXPECT_NE(
      ropelab::testing::input_error_of([&] { PredictionAppender a(tmp.path / "x.jsonl"); }).find("x.jsonl:2"),
      std::string::npos);
}

TEST(LongBenchShard, MergeRestoresDatasetOrderAndRefusesIncompleteShards) {
  TempDir tmp;
  for (int i = 0; i < 2; ++i) {
    std::ofstream out(tmp.path / ("trec.shard-" + std::to_string(i) + "-of-2.part"));
    for (int k = i; k < 5; k += 2) out << "{\"pred\": \"" << k << "\"}\n";
  }
  EXPECT_EQ(merge_shards(tmp.path, "trec", 2, 5, false), 5u);
  auto lines = read_prediction_lines(tmp.path / "trec.jsonl");
  ASSERT_EQ(lines.size(), 5u);
  for (int k = 0; k < 5; ++k) EXPECT_EQ(lines[size_t(k)]["pred"], std::to_string(k));
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              merge_shards(tmp.path, "trec", 2, 5, false);
            }).find("`overwrite`"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              merge_shards(tmp.path, "trec", 2, 6, true);
            }).find("incomplete"),
            std::string::npos);
}
