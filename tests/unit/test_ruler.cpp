// RULER without a model: evaluate.py's post-processing and metrics against hand-computed values,
// the task table (built-in and from a RULER checkout), tokens_to_generate resolution and its
// errors, manifest errors, the effective-length table, and the generator's invariants.
#include <gtest/gtest.h>

#include <fstream>

#include "analysis/ruler_table.h"
#include "core/data/ruler_tasks.h"
#include "core/eval/ruler/manifest.h"
#include "core/eval/ruler/scorer.h"
#include "core/eval/ruler/tasks.h"
#include "core/io/jsonl.h"
#include "core/text/tokenizer.h"
#include "test_util.h"
#include "train_test_util.h"

using namespace ropelab;
using namespace ropelab::ruler;
using ropelab::testing::input_error_of;
using ropelab::testing::TempDir;

namespace {

void write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

}  // namespace

TEST(RulerScore, PostprocessStripsReplacesControlsAndStripsAgain) {
  EXPECT_EQ(postprocess_pred("  answer \n"), "answer");
  EXPECT_EQ(postprocess_pred(std::string("a\x01"
                                         "b\x1f"
                                         "c",
                                         5)),
            "a\nb\nc");
  // \x00 and \x01 are not whitespace for strip(), but become "\n" and the second strip removes them.
  EXPECT_EQ(postprocess_pred(std::string("\x00\x01 x \t\x02", 8)), "x");
  // U+00A0, U+2003, U+3000 and U+0085 are Python whitespace; U+200B (zero width space) is not.
  EXPECT_EQ(postprocess_pred("\xC2\xA0\xE2\x80\x83 v \xE3\x80\x80\xC2\x85"), "v");
  EXPECT_EQ(postprocess_pred("\xC2\xA0\xE2\x80\x8B"), "\xE2\x80\x8B");
  EXPECT_EQ(postprocess_pred(""), "");
}

TEST(RulerScore, MetricsUsePythonLowerAndRoundHalfEven) {
  const auto all = Metric::string_match_all, part = Metric::string_match_part;
  EXPECT_DOUBLE_EQ(sample_match(all, "aaaaa, BBBBB", {"AAAAA", "BBBBB", "CCCCC"}), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(sample_match(part, "lyon.", {"Paris", "Lyon"}), 1.0);
  EXPECT_DOUBLE_EQ(sample_match(part, "Nice", {"Paris", "Lyon"}), 0.0);
  // 'İ'.lower() == 'i̇' (i + U+0307): "istanbul" is not a substring of it, "İstanbul" is.
  EXPECT_EQ(sample_match(all, "\xC4\xB0STANBUL", {"istanbul"}), 0.0);
  EXPECT_EQ(sample_match(all, "\xC4\xB0STANBUL", {"\xC4\xB0stanbul"}), 1.0);
  // ß lowers to itself (not "ss"); ẞ (U+1E9E) lowers to ß.
  EXPECT_EQ(sample_match(all, "STRASSE",
                         {"stra\xC3\x9F"
                          "e"}),
            0.0);
  EXPECT_EQ(sample_match(all,
                         "STRA\xE1\xBA\x9E"
                         "E",
                         {"stra\xC3\x9F"
                          "e"}),
            1.0);
  // Final sigma: "ΟΔΟΣ".lower() ends in ς, so a reference spelled with σ does not match.
  EXPECT_EQ(sample_match(all, "\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3 ok", {"\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3"}),
            1.0);
  EXPECT_EQ(sample_match(all, "\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3 ok", {"\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x83"}),
            0.0);
  // Means, * 100, round(x, 2) half to even on the exact binary value.
  std::vector<std::string> preds(32, "miss");
  std::vector<std::vector<std::string>> refs(32, {"hit"});
  preds[0] = "hit";
  EXPECT_EQ(string_match(all, preds, refs), 3.12);  // 1/32 -> 3.125 -> 3.12
  preds[1] = preds[2] = "hit";
  EXPECT_EQ(string_match(all, preds, refs), 9.38);  // 3/32 -> 9.375 -> 9.38
  // (2/3 + 1/3 + 1/3) / 3 * 100 = 44.44...
  EXPECT_EQ(string_match(all, {"a b", "a", "c"}, {{"a", "b", "c"}, {"a", "b", "c"}, {"a", "b", "c"}}), 44.44);
  EXPECT_EQ(string_match(part, {}, {}), 0.0);
}

TEST(RulerScore, PythonFloatRepr) {
  EXPECT_EQ(py_float_repr(100.0), "100.0");
  EXPECT_EQ(py_float_repr(0.0), "0.0");
  EXPECT_EQ(py_float_repr(33.33), "33.33");
  EXPECT_EQ(py_float_repr(9.38), "9.38");
  EXPECT_EQ(py_float_repr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(py_float_repr(1e16), "1e+16");
  EXPECT_EQ(py_float_repr(1.5e-5), "1.5e-05");
}

TEST(RulerTasks, BuiltinTableMetricsAndErrors) {
  const TaskTable t;
  ASSERT_EQ(t.order().size(), 13u);
  EXPECT_EQ(t.order().front(), "niah_single_1");
  EXPECT_EQ(t.order().back(), "qa_2");
  EXPECT_EQ(t.base("vt"), BaseTask::variable_tracking);
  EXPECT_EQ(metric_of(t.base("qa_2")), Metric::string_match_part);
  EXPECT_EQ(metric_of(t.base("niah_multiquery")), Metric::string_match_all);
  EXPECT_EQ(metric_of(t.base("cwe")), Metric::string_match_all);
  EXPECT_NE(input_error_of([&] { t.base("niah_single_9"); }).find("niah_single_9"), std::string::npos);
  // No built-in tokens_to_generate: the error names the task and both ways to give it.
  const auto msg = input_error_of([&] { tokens_to_generate_for("qa_1", t, {}); });
  EXPECT_NE(msg.find("qa_1"), std::string::npos);
  EXPECT_NE(msg.find("`ruler_dir`"), std::string::npos);
  EXPECT_NE(msg.find("`tokens_to_generate`"), std::string::npos);
  const auto given = parse_tokens_to_generate("qa_1=7,niah=100");
  EXPECT_EQ(tokens_to_generate_for("qa_1", t, given), 7);
  EXPECT_EQ(tokens_to_generate_for("niah_multikey_2", t, given), 100);  // by base task
  EXPECT_NE(input_error_of([] { parse_tokens_to_generate("vt=0"); }).find("`tokens_to_generate`"),
            std::string::npos);
  EXPECT_NE(input_error_of([] { parse_tokens_to_generate("vt"); }).find("`tokens_to_generate`"),
            std::string::npos);
  EXPECT_NE(input_error_of([] { parse_tokens_to_generate("vt=x"); }).find("`tokens_to_generate`"),
            std::string::npos);
}

TEST(RulerTasks, ReadsARulerCheckout) {
  TempDir tmp;
  write(tmp / "RULER/scripts/synthetic.yaml",
        "# tasks\nniah_single_1:\n  task: niah\n  args:\n    type_haystack: noise\n    num_needle_k: 1\n"
        "my_qa:\n  task: qa\n  args:\n    dataset: squad\nvt:\n  task: variable_tracking\n");
  write(tmp / "RULER/scripts/data/synthetic/constants.py",
        "TASKS = {\n    'niah': {\n        'tokens_to_generate': 128,\n        'template': \"\"\"x\"\"\"\n   "
        " },\n"
        "    'variable_tracking': {\n        'tokens_to_generate': 30,\n    },\n"
        "    'qa' : {\n        'tokens_to_generate': 32, \n    },\n}\n");
  const auto t = TaskTable::from_ruler_checkout(tmp / "RULER");
  EXPECT_EQ(t.order(), (std::vector<std::string>{"niah_single_1", "my_qa", "vt"}));
  EXPECT_EQ(t.base("my_qa"), BaseTask::qa);
  EXPECT_EQ(tokens_to_generate_for("niah_single_1", t, {}), 128);
  EXPECT_EQ(tokens_to_generate_for("vt", t, {}), 30);
  EXPECT_EQ(tokens_to_generate_for("my_qa", t, {}), 32);
  EXPECT_EQ(tokens_to_generate_for("my_qa", t, {{"my_qa", 5}}), 5);
  EXPECT_FALSE(t.known("cwe"));  // the checkout's tasks replace the built-in ones
  write(tmp / "bad/scripts/synthetic.yaml", "x:\n  task: nope\n");
  EXPECT_NE(input_error_of([&] { TaskTable::from_ruler_checkout(tmp / "bad"); }).find("synthetic.yaml:2"),
            std::string::npos);
}

TEST(RulerManifest, MalformedLinesNameFileAndLine) {
  TempDir tmp;
  const std::string ok =
      R"({"index": 0, "input": "x", "outputs": ["a"], "answer_prefix": " A:", "length": 9})";
  write(tmp / "d/vt/validation.jsonl", ok + "\n" + R"({"index": 1, "input": "x", "outputs": [3]})" + "\n");
  EXPECT_NE(input_error_of([&] { read_manifest(manifest_path(tmp / "d", "vt")); }).find("validation.jsonl:2"),
            std::string::npos);
  write(tmp / "d/cwe/validation.jsonl", ok + "\n{not json\n");
  EXPECT_NE(
      input_error_of([&] { read_manifest(manifest_path(tmp / "d", "cwe")); }).find("validation.jsonl:2"),
      std::string::npos);
  write(tmp / "d/fwe/validation.jsonl", R"({"index": 0, "outputs": ["a"]})"
                                        "\n");
  EXPECT_NE(input_error_of([&] { read_manifest(manifest_path(tmp / "d", "fwe")); }).find("\"input\""),
            std::string::npos);
  EXPECT_NE(
      input_error_of([&] { read_manifest(manifest_path(tmp / "d", "qa_1")); }).find("qa_1/validation.jsonl"),
      std::string::npos);
  write(tmp / "d/qa_2/validation.jsonl", ok + "\n");
  const auto s = read_manifest(manifest_path(tmp / "d", "qa_2"));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].answer_prefix, " A:");
  EXPECT_EQ(s[0].others, nlohmann::json::object());  // call_api.py's defaults
  EXPECT_EQ(s[0].truncation, -1);
  EXPECT_EQ(s[0].length, 9);
}

TEST(RulerReport, AveragesAndEffectiveLengthByHand) {
  TempDir tmp;
  auto summary = [&](const std::string& path, const std::string& scores) {
    write(path, "0,1,2\nTasks,niah_single_1,qa_1\nScore," + scores + "\nNulls,0/2,1/2\n");
  };
  summary(tmp / "a/4096/summary.csv", "90.0,85.0");       // 87.5
  summary(tmp / "a/8192/pred/summary.csv", "80.0,90.0");  // 85.0
  summary(tmp / "a/16384/summary.csv", "99.0,99.0");      // above again, but 8192 fell below
  summary(tmp / "b/4096/summary.csv", "70.0,70.5");       // 70.25
  const auto a = analysis::read_ruler_run("A=" + (tmp / "a"));
  const auto b = analysis::read_ruler_run(tmp / "b");
  EXPECT_EQ(b.name, "b");
  EXPECT_DOUBLE_EQ(a.by_length.at(4096).average(), 87.5);
  EXPECT_EQ(analysis::effective_length(a, 85.6), std::optional<int64_t>(4096));
  EXPECT_EQ(analysis::effective_length(a, 85.0), std::optional<int64_t>(16384));
  EXPECT_EQ(analysis::effective_length(b, 85.6), std::nullopt);
  const auto md = analysis::ruler_table({a, b}, 85.6, analysis::TableFormat::md);
  EXPECT_NE(md.find("| A | 87.50 | 85.00 | 99.00 | 4096 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| b | 70.25 | – | – | < 4096 |"), std::string::npos) << md;
  const auto csv = analysis::ruler_table({a, b}, 85.6, analysis::TableFormat::csv);
  EXPECT_NE(
      csv.find(
          "run,4096,8192,16384,effective_length,threshold\nA,87.5,85.0,99.0,4096,85.6\nb,70.25,,,,85.6\n"),
      std::string::npos)
      << csv;
  summary(tmp / "c/4096/summary.csv", "1.0");
  EXPECT_NE(input_error_of([&] { analysis::read_ruler_run(tmp / "c"); }).find("summary.csv"),
            std::string::npos);
  write(tmp / "d/4096/summary.csv", "0,1\nTasks,vt\nScore,50.0\nNulls,0/1\n");
  const auto d = analysis::read_ruler_run(tmp / "d");
  EXPECT_NE(input_error_of([&] {
              analysis::ruler_table({a, d}, 85.6, analysis::TableFormat::md);
            }).find("differ"),
            std::string::npos);
}

TEST(RulerData, GeneratorFitsTheLengthAndHidesEveryAnswer) {
  TempDir tmp;
  const Tokenizer& tok = ropelab::testing::shared_tokenizer();
  data::RulerDataConfig cfg;
  cfg.lengths = {512};
  cfg.num_samples = 2;
  cfg.tokens_to_generate = {{"niah", 16},
                            {"variable_tracking", 16},
                            {"common_words_extraction", 32},
                            {"freq_words_extraction", 16},
                            {"qa", 8}};
  cfg.seed = 3;
  const auto files = data::make_ruler_data(tok, {}, cfg);
  EXPECT_EQ(files.size(), 14u);  // 13 manifests + tokens_to_generate.json
  const auto again = data::make_ruler_data(tok, {}, cfg);
  EXPECT_EQ(files, again);  // seeded
  const auto ttg = nlohmann::json::parse(files.at("tokens_to_generate.json"));
  const TaskTable table;
  for (const auto& task : table.order()) {
    const std::string name = "512/" + task + "/validation.jsonl";
    ASSERT_TRUE(files.count(name)) << name;
    write(tmp / name, files.at(name));
    const auto samples = read_manifest(tmp / name);
    ASSERT_EQ(samples.size(), 2u) << task;
    const int64_t gen = ttg.at(task).get<int64_t>();
    for (const auto& s : samples) {
      const int64_t prompt = int64_t(tok.encode(s.input + s.answer_prefix, true).size());
      EXPECT_LE(prompt + gen, 512) << task;
      EXPECT_GE(prompt + gen, 512 - 48) << task;                     // filled to within a haystack unit or so
      EXPECT_EQ(s.length.get<int64_t>(), prompt - 1 + gen) << task;  // RULER's length: no BOS
      ASSERT_FALSE(s.outputs.empty()) << task;
      for (const auto& o : s.outputs)
        EXPECT_NE(s.input.find(o.get<std::string>()), std::string::npos) << task;
    }
  }
  // Expected answer counts of RULER's task kinds.
  auto first = [&](const std::string& task) {
    return read_manifest(tmp / ("512/" + task + "/validation.jsonl"))[0];
  };
  EXPECT_EQ(first("niah_multivalue").outputs.size(), 4u);
  EXPECT_EQ(first("niah_multiquery").outputs.size(), 4u);
  EXPECT_EQ(first("niah_multikey_1").outputs.size(), 1u);
  EXPECT_EQ(first("vt").outputs.size(), 5u);
  EXPECT_EQ(first("cwe").outputs.size(), 10u);
  EXPECT_EQ(first("fwe").outputs.size(), 3u);
  cfg.lengths = {40};
  EXPECT_NE(input_error_of([&] { data::make_ruler_data(tok, {}, cfg); }).find("`lengths` 40"),
            std::string::npos);
}
