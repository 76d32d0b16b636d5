// LongBench scorer: the official result.json of the LongLoRA fixture is reproduced for every
// dataset whose predictions it ships; file handling, LongBench-E, aggregation and the report
// tables are checked on small hand-made folders.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "analysis/longbench_table.h"
#include "core/eval/longbench/result_items.h"
#include "core/eval/longbench/scorer.h"
#include "core/util/error.h"
#include "test_util.h"

namespace lb = ropelab::longbench;
namespace fs = std::filesystem;

namespace {

const fs::path kFixture = fs::path(ROPELAB_FIXTURES_DIR "/longbench/longlora-preds");

// A scratch folder removed at the end of the test.
struct Scratch {
  fs::path path;
  explicit Scratch(const std::string& name = "preds") {
    std::random_device rd;
    path = fs::temp_directory_path() / ("ropelab-lb-" + std::to_string(rd()) + std::to_string(rd())) / name;
    fs::create_directories(path);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(path.parent_path(), ec);
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
  }
};

std::string line(const std::string& pred, const std::vector<std::string>& answers,
                 const nlohmann::json& all_classes = nullptr, const nlohmann::json& length = nullptr) {
  nlohmann::json j = {{"pred", pred}, {"answers", answers}, {"all_classes", all_classes}};
  if (!length.is_null()) j["length"] = length;
  return j.dump() + "\n";
}

double score_of(const lb::ScoreReport& r, const std::string& dataset) {
  for (const auto& d : r.datasets)
    if (d.dataset == dataset) return d.score;
  ADD_FAILURE() << dataset << " not scored";
  return NAN;
}

}  // namespace

// --- the official fixture ----------------------------------------------------------------------

TEST(LongBenchFixture, ReproducesOfficialResultJson) {
  ASSERT_TRUE(fs::exists(kFixture)) << "fixture missing (it ships in tests/fixtures): " << kFixture;
  const nlohmann::json official = nlohmann::json::parse(std::ifstream(kFixture / "result.json"));
  // The fixture README: result.json was made with the difflib backend (no python-Levenshtein).
  const lb::ScoreReport report = lb::score_prediction_dir(kFixture, {lb::CodeSimBackend::difflib, false});
  ASSERT_EQ(report.datasets.size(), 16u);  // 14 English + lcc + repobench-p; no Chinese files
  EXPECT_TRUE(report.unsupported.empty());
  for (const auto& d : report.datasets) {
    ASSERT_TRUE(official.contains(d.dataset)) << d.dataset;
    EXPECT_DOUBLE_EQ(d.score, official[d.dataset].get<double>()) << d.dataset;
    EXPECT_EQ(d.num_samples, size_t(lb::task_info(d.dataset).num_samples)) << d.dataset;
  }
  const nlohmann::json ours = lb::result_json(report);
  for (const auto& [k, v] : ours.items()) EXPECT_DOUBLE_EQ(v.get<double>(), official[k].get<double>()) << k;
  EXPECT_EQ(report.samples.size(), 3750u);
  for (const auto& s : report.samples) {
    EXPECT_GE(s.score, 0.0);
    EXPECT_LE(s.score, 1.0);
  }
}

TEST(LongBenchFixture, LevenshteinBackendChangesOnlyCode) {
  ASSERT_TRUE(fs::exists(kFixture)) << "fixture missing (it ships in tests/fixtures): " << kFixture;
  // Fixture README, python-Levenshtein 0.12.2 column.
  const lb::ScoreReport r = lb::score_prediction_dir(kFixture, {lb::CodeSimBackend::levenshtein, false});
  EXPECT_DOUBLE_EQ(score_of(r, "lcc"), 59.82);
  EXPECT_DOUBLE_EQ(score_of(r, "repobench-p"), 56.47);
  EXPECT_DOUBLE_EQ(score_of(r, "trec"), 63.5);
}

TEST(LongBenchFixture, AggregatesOfOfficialResult) {
  ASSERT_TRUE(fs::exists(kFixture)) << "fixture missing (it ships in tests/fixtures): " << kFixture;
  const auto rows = ropelab::analysis::read_longbench_result(kFixture / "result.json");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].run, "longlora-preds");
  const lb::Aggregates a = lb::aggregate_scores(rows[0].scores);
  // Paper Macro: the 12 task scores sum to 444.93.
  ASSERT_TRUE(a.paper_macro);
  EXPECT_NEAR(*a.paper_macro, 444.93 / 12, 1e-9);
  // LongBench EN: category means 28.6833, 28.1367, 27.80, 63.69, 16.68, 56.03 -> 36.8367
  // (36.84 as in the spec; the README reports 36.8).
  const double en = ((19.8 + 29.1 + 37.15) / 3 + (37.01 + 30.26 + 17.14) / 3 + (31.53 + 24.13 + 27.74) / 3 +
                     (63.5 + 85.69 + 41.88) / 3 + (3.61 + 29.75) / 2 + (57.61 + 54.45) / 2) /
                    6;
  ASSERT_TRUE(a.longbench_en.value);
  EXPECT_NEAR(*a.longbench_en.value, en, 1e-9);
  EXPECT_EQ(lb::py_round(*a.longbench_en.value, 2), 36.84);
  ASSERT_EQ(a.longbench_en.category_means.size(), 6u);
  EXPECT_NEAR(a.longbench_en.category_means[3].second, 63.69, 1e-9);  // Few-shot
  // LongBench ZH: multifieldqa_zh, dureader, vcsum, lsht, passage_retrieval_zh and Code.
  ASSERT_TRUE(a.longbench_zh.value);
  EXPECT_NEAR(*a.longbench_zh.value, (8.48 + 15.25 + 0.46 + 26.0 + 3.96 + (57.61 + 54.45) / 2) / 6, 1e-9);
}

// --- folder handling and eval.py semantics ---------------------------------------------------------

TEST(LongBenchScorer, FirstLineTrimOnlyForFewShotTasks) {
  Scratch dir;
  dir.write("triviaqa.jsonl", line("\n\nParis\nLondon", {"Paris"}));
  dir.write("qasper.jsonl", line("\n\nParis\nLondon", {"Paris"}));
  const auto r = lb::score_prediction_dir(dir.path, {});
  EXPECT_EQ(score_of(r, "triviaqa"), 100.0);
  // qasper keeps both lines: [paris, london] vs [paris]: P = 1/2, R = 1 -> F1 = 2/3 -> 66.67.
  EXPECT_EQ(score_of(r, "qasper"), 66.67);
}

TEST(LongBenchScorer, MaxOverAnswersAndRoundHalfEven) {
  Scratch dir;
  // 32 samples, one scoring 1: 100 * 1 / 32 = 3.125 exactly -> 3.12 (half to even).
  std::string text = line("5", {"3", "5"});  // max over answers: 0 for "3", 1 for "5"
  for (int i = 0; i < 31; ++i) text += line("7", {"5"});
  dir.write("passage_count.jsonl", text);
  const auto r = lb::score_prediction_dir(dir.path, {});
  EXPECT_EQ(score_of(r, "passage_count"), 3.12);
}

TEST(LongBenchScorer, AllClassesFromLastLine) {
  Scratch dir;
  dir.write("trec.jsonl", line("Location", {"Location"}, nullptr) +
                              line("Person", {"Location"}, nlohmann::json::array({"Location", "Person"})));
  // Both lines use the last line's classes: 1 + 0 over 2 -> 50.
  EXPECT_EQ(score_of(lb::score_prediction_dir(dir.path, {}), "trec"), 50.0);
  dir.write("trec.jsonl", line("Location", {"Location"}, nlohmann::json::array({"Location"})) +
                              line("Location", {"Location"}, nullptr));
  EXPECT_NE(
      ropelab::testing::input_error_of([&] { lb::score_prediction_dir(dir.path, {}); }).find("all_classes"),
      std::string::npos);
}

TEST(LongBenchScorer, PerSampleList) {
  Scratch dir;
  dir.write("passage_count.jsonl", line("3", {"3"}) + line("3 4", {"3"}));
  const auto r = lb::score_prediction_dir(dir.path, {});
  const nlohmann::json j = lb::per_sample_json(r);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[1], (nlohmann::json{{"dataset", "passage_count"}, {"index", 1}, {"score", 0.5}}));
  EXPECT_EQ(score_of(r, "passage_count"), 75.0);
}

// A prediction line with ropelab's fields (core/eval/longbench/runner.h).
std::string item_line(const std::string& pred, bool truncated, double logprob, int64_t tokens) {
  return nlohmann::json{{"pred", pred},           {"answers", {"3"}},          {"all_classes", nullptr},
                        {"truncated", truncated}, {"answer_logprob", logprob}, {"answer_tokens", tokens},
                        {"prompt_tokens", 100},   {"_id", "id-" + pred}}
             .dump() +
         "\n";
}

TEST(LongBenchScorer, FitOverallSplitAndAnswerNll) {
  Scratch dir;
  // passage_count scores: "3" vs 3 -> 1, "3 4" -> 1/2, "7" -> 0. The last line is pred.py's (or an
  // older ropelab run's): no truncation flag, no log-likelihood.
  dir.write("passage_count.jsonl", item_line("3", false, -2.0, 4) + item_line("3 4", true, -3.0, 2) +
                                       item_line("7", false, -1.0, 1) + line("3", {"3"}));
  const auto r = lb::score_prediction_dir(dir.path, {});
  ASSERT_EQ(r.datasets.size(), 1u);
  const auto& d = r.datasets[0];
  EXPECT_EQ(d.score, 62.5);  // (1 + 0.5 + 0 + 1) / 4, the official number, unchanged
  ASSERT_TRUE(d.fit_score);
  EXPECT_EQ(*d.fit_score, 50.0);  // (1 + 0) / 2 over truncated == false
  EXPECT_EQ(d.n_fit, 2u);
  EXPECT_EQ(d.n_truncated, 1u);
  EXPECT_EQ(d.n_truncation_unknown, 1u);
  ASSERT_TRUE(d.answer_nll);
  EXPECT_DOUBLE_EQ(*d.answer_nll, 6.0 / 7.0);  // (2 + 3 + 1) nats over (4 + 2 + 1) tokens
  EXPECT_EQ(d.n_answer_logprob, 3u);
  EXPECT_EQ(d.answer_tokens_sum, 7);
  EXPECT_EQ(lb::result_json(r), (nlohmann::json{{"passage_count", 62.5}}));  // eval.py's file as before

  const nlohmann::json items = lb::result_items_json(r);
  EXPECT_EQ(items["format"], "ropelab-longbench-result-items/1");
  const auto& t = items["datasets"]["passage_count"];
  EXPECT_EQ(t["overall"], 62.5);
  EXPECT_EQ(t["fit"], 50.0);
  EXPECT_EQ(t["n"], 4);
  EXPECT_EQ(t["answer_tokens"], 7);
  ASSERT_EQ(t["items"].size(), 4u);
  EXPECT_EQ(t["items"][1], (nlohmann::json{{"index", 1},
                                           {"_id", "id-3 4"},
                                           {"score", 0.5},
                                           {"truncated", true},
                                           {"prompt_tokens", 100},
                                           {"answer_logprob", -3.0},
                                           {"answer_tokens", 2}}));
  EXPECT_EQ(t["items"][3], (nlohmann::json{{"index", 3},
                                           {"_id", nullptr},
                                           {"score", 1.0},
                                           {"truncated", nullptr},
                                           {"prompt_tokens", nullptr},
                                           {"answer_logprob", nullptr},
                                           {"answer_tokens", nullptr}}));

  // Only old lines: the official score, no fit score, no NLL (null in the JSON).
  dir.write("passage_count.jsonl", line("3", {"3"}) + line("7", {"3"}));
  const auto old = lb::score_prediction_dir(dir.path, {});
  EXPECT_EQ(old.datasets[0].score, 50.0);
  EXPECT_FALSE(old.datasets[0].fit_score);
  EXPECT_FALSE(old.datasets[0].answer_nll);
  EXPECT_EQ(old.datasets[0].n_truncation_unknown, 2u);
  EXPECT_TRUE(lb::result_items_json(old)["datasets"]["passage_count"]["fit"].is_null());

  // write_result_files: result.json byte-for-byte what it was, result_items.json beside it.
  lb::write_result_files(dir.path, r);
  std::ifstream rj(dir.path / "result.json");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(rj), {}), lb::result_json(r).dump(4));
  EXPECT_EQ(nlohmann::json::parse(std::ifstream(dir.path / "result_items.json")), items);
}

TEST(LongBenchScorer, MalformedItemFieldsNameFileAndLine) {
  Scratch dir;
  const std::string good = item_line("3", false, -1.0, 1);
  for (
      const auto& [bad, what] : std::vector<std::pair<std::string, std::string>>{
          {R"({"pred": "3", "answers": ["3"], "all_classes": null, "truncated": "yes"})", "truncated"},
          {R"({"pred": "3", "answers": ["3"], "all_classes": null, "prompt_tokens": -1})", "prompt_tokens"},
          {R"({"pred": "3", "answers": ["3"], "all_classes": null, "answer_tokens": 1.5, "answer_logprob": -1})",
           "answer_tokens"},
          {R"({"pred": "3", "answers": ["3"], "all_classes": null, "answer_tokens": 1, "answer_logprob": 0.5})",
           "answer_logprob"},
          {R"({"pred": "3", "answers": ["3"], "all_classes": null, "answer_logprob": -1})", "without"},
          {R"({"pred": "3", "answers": ["3"], "all_classes": null, "_id": 7})", "_id"}}) {
    dir.write("passage_count.jsonl", good + bad + "\n");
    const std::string msg = ropelab::testing::input_error_of([&] { lb::score_prediction_dir(dir.path, {}); });
    EXPECT_NE(msg.find("passage_count.jsonl:2"), std::string::npos) << bad << " -> " << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << bad << " -> " << msg;
  }
  // A null log-likelihood (how a non-finite value is written) counts as absent.
  dir.write(
      "passage_count.jsonl",
      good +
          R"({"pred": "3", "answers": ["3"], "all_classes": null, "answer_tokens": 2, "answer_logprob": null})" +
          "\n");
  const auto r = lb::score_prediction_dir(dir.path, {});
  EXPECT_EQ(r.datasets[0].n_answer_logprob, 1u);
  EXPECT_DOUBLE_EQ(*r.datasets[0].answer_nll, 1.0);
}

TEST(LongBenchScorer, UnsupportedChineseDatasetsAreListedNotScored) {
  Scratch dir;
  dir.write("dureader.jsonl", line("答案", {"答案"}));
  dir.write("multifieldqa_zh.jsonl", line("答案", {"答案"}));
  dir.write("passage_retrieval_zh.jsonl", line("段落3", {"段落3"}));
  const auto r = lb::score_prediction_dir(dir.path, {});
  EXPECT_EQ(r.unsupported, (std::vector<std::string>{"dureader", "multifieldqa_zh"}));
  const nlohmann::json j = lb::result_json(r);
  EXPECT_EQ(j, (nlohmann::json{{"passage_retrieval_zh", 100.0}}));
}

TEST(LongBenchScorer, LongBenchEBuckets) {
  Scratch dir;
  dir.write("passage_count.jsonl", line("1", {"1"}, nullptr, 100) + line("2", {"1"}, nullptr, 3999) +
                                       line("1", {"1"}, nullptr, 4000) + line("1", {"1"}, nullptr, 7999));
  const auto r = lb::score_prediction_dir(dir.path, {lb::CodeSimBackend::difflib, true});
  ASSERT_EQ(r.datasets.size(), 1u);
  EXPECT_EQ(r.datasets[0].buckets[0], 50.0);
  EXPECT_EQ(r.datasets[0].buckets[1], 100.0);
  EXPECT_TRUE(std::isnan(r.datasets[0].buckets[2]));  // empty bucket: numpy's mean of [] is NaN
  const nlohmann::json j = lb::result_json(r);
  EXPECT_EQ(j["passage_count"], (nlohmann::json{{"0-4k", 50.0}, {"4-8k", 100.0}, {"8k+", nullptr}}));
  // Without `length` LongBench-E cannot bucket: the line is named.
  dir.write("passage_count.jsonl", line("1", {"1"}, nullptr, 100) + line("1", {"1"}));
  const std::string msg = ropelab::testing::input_error_of([&] {
    lb::score_prediction_dir(dir.path, {lb::CodeSimBackend::difflib, true});
  });
  EXPECT_NE(msg.find("passage_count.jsonl:2"), std::string::npos) << msg;
}

TEST(LongBenchScorer, MalformedLinesNameFileAndLine) {
  Scratch dir;
  const std::string good = line("x", {"x"});
  const auto msg_for = [&](const std::string& bad_line) {
    dir.write("qasper.jsonl", good + good + bad_line);
    return ropelab::testing::input_error_of([&] { lb::score_prediction_dir(dir.path, {}); });
  };
  for (const std::string bad :
       {"{not json\n", "[1, 2]\n", "\n", "{\"pred\": 1, \"answers\": [], \"all_classes\": null}\n",
        "{\"pred\": \"x\", \"all_classes\": null}\n",
        "{\"pred\": \"x\", \"answers\": \"x\", \"all_classes\": null}\n",
        "{\"pred\": \"x\", \"answers\": [\"x\"]}\n"}) {
    const std::string msg = msg_for(bad);
    EXPECT_NE(msg.find("qasper.jsonl:3"), std::string::npos) << "line " << bad << " -> " << msg;
  }
  // CRLF line ends are fine (Python's universal newlines).
  dir.write("qasper.jsonl", "{\"pred\": \"x\", \"answers\": [\"x\"], \"all_classes\": null}\r\n");
  EXPECT_EQ(score_of(lb::score_prediction_dir(dir.path, {}), "qasper"), 100.0);
  // A passage_retrieval answer without "Paragraph N" crashes eval.py; here it is an error.
  Scratch dir2;
  dir2.write("passage_retrieval_en.jsonl",
             line("Paragraph 1", {"Paragraph 1"}) + line("Paragraph 1", {"the first"}));
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              lb::score_prediction_dir(dir2.path, {});
            }).find("passage_retrieval_en.jsonl:2"),
            std::string::npos);
}

TEST(LongBenchScorer, FolderErrors) {
  Scratch dir;
  EXPECT_NE(
      ropelab::testing::input_error_of([&] { lb::score_prediction_dir(dir.path, {}); }).find("no *.jsonl"),
      std::string::npos);
  dir.write("result.json", "{}");  // not a prediction file: ignored
  dir.write("notes.txt", "hello");
  dir.write("nq.jsonl", line("x", {"x"}));
  EXPECT_NE(ropelab::testing::input_error_of([&] { lb::score_prediction_dir(dir.path, {}); }).find("'nq'"),
            std::string::npos);
  fs::remove(dir.path / "nq.jsonl");
  dir.write("trec.jsonl", "");
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              lb::score_prediction_dir(dir.path, {});
            }).find("no predictions"),
            std::string::npos);
  dir.write("trec.jsonl", line("x", {"x"}, nlohmann::json::array({"x"})));
  dir.write("trec.v2.jsonl", line("x", {"x"}, nlohmann::json::array({"x"})));
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              lb::score_prediction_dir(dir.path, {});
            }).find("two prediction files"),
            std::string::npos);
  fs::remove(dir.path / "trec.jsonl");
  // The dataset is the file name up to its first '.', as in eval.py.
  EXPECT_EQ(lb::result_json(lb::score_prediction_dir(dir.path, {})), (nlohmann::json{{"trec", 100.0}}));
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              lb::score_prediction_dir(dir.path / "missing", {});
            }).find("not a directory"),
            std::string::npos);
}

TEST(LongBenchScorer, AggregatesNeedEveryTask) {
  std::map<std::string, double> scores;
  for (const auto& t : lb::paper12_tasks()) scores[t] = 10;
  lb::Aggregates a = lb::aggregate_scores(scores);
  ASSERT_TRUE(a.paper_macro);
  EXPECT_EQ(*a.paper_macro, 10.0);
  EXPECT_FALSE(a.longbench_en.value);  // synthetic and code missing
  EXPECT_EQ(a.longbench_en.missing,
            (std::vector<std::string>{"passage_count", "passage_retrieval_en", "lcc", "repobench-p"}));
  scores["qasper"] = NAN;
  a = lb::aggregate_scores(scores);
  EXPECT_FALSE(a.paper_macro);
  EXPECT_EQ(a.paper_missing, std::vector<std::string>{"qasper"});
}

// --- report tables ------------------------------------------------------------------------------

TEST(LongBenchTable, FormatsWithBothAverages) {
  Scratch run_a("model-a");
  nlohmann::json res;
  for (const auto& t : lb::en16_tasks()) res[t] = 40.0;
  res["trec"] = 52.0;  // paper Macro (40*11 + 52)/12 = 41; EN avg: Few-shot (52+40+40)/3 = 44 -> 40.6667
  run_a.write("result.json", res.dump(4));
  Scratch run_b("model_b");
  run_b.write("result.json", R"({"qasper": 12.5, "trec": 3.0})");
  std::vector<ropelab::analysis::LongBenchRow> rows =
      ropelab::analysis::read_longbench_result(run_a.path / "result.json");
  for (auto& r : ropelab::analysis::read_longbench_result(run_b.path / "result.json")) rows.push_back(r);

  using ropelab::analysis::TableFormat;
  const std::string md = ropelab::analysis::longbench_table(rows, lb::paper12_tasks(), TableFormat::md);
  EXPECT_NE(md.find("| Run | narrativeqa | qasper |"), std::string::npos) << md;
  EXPECT_NE(md.find("| model-a | 40.00 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 41.00 | 40.67 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| model_b | – | 12.50 |"), std::string::npos) << md;
  EXPECT_NE(md.find("Macro (12 EN)"), std::string::npos);
  EXPECT_NE(md.find("LongBench EN avg"), std::string::npos);

  const std::string csv = ropelab::analysis::longbench_table(rows, {"trec", "qasper"}, TableFormat::csv);
  EXPECT_EQ(csv,
            "run,trec,qasper,paper_macro12,longbench_en_avg\n"
            "model-a,52.0,40.0,41.0," +
                nlohmann::json((40.0 * 5 + 44.0) / 6).dump() +
                "\n"
                "model_b,3.0,12.5,,\n");

  const std::string tex = ropelab::analysis::longbench_table(rows, {"multifieldqa_en"}, TableFormat::latex);
  EXPECT_NE(tex.find("Run & multifieldqa\\_en & Macro (12 EN) & LongBench EN avg \\\\"), std::string::npos)
      << tex;
  EXPECT_NE(tex.find("model\\_b & -- & -- & -- \\\\"), std::string::npos) << tex;
}

TEST(LongBenchTable, LongBenchEResultWithPythonNaN) {
  Scratch run("model-e");
  run.write("result.json", "{\n    \"qasper\": {\"0-4k\": 10.0, \"4-8k\": NaN, \"8k+\": 5.5}\n}");
  const auto rows = ropelab::analysis::read_longbench_result(run.path / "result.json");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].bucket, "4-8k");
  EXPECT_TRUE(std::isnan(rows[1].scores.at("qasper")));
  const std::string md =
      ropelab::analysis::longbench_table(rows, {"qasper"}, ropelab::analysis::TableFormat::md);
  EXPECT_NE(md.find("| model-e | 4-8k | – |"), std::string::npos) << md;
  EXPECT_NE(md.find("| model-e | 8k+ | 5.50 |"), std::string::npos) << md;
}

TEST(LongBenchTable, BadInputs) {
  Scratch run("bad");
  run.write("result.json", R"({"nq": 1.0})");
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              ropelab::analysis::read_longbench_result(run.path / "result.json");
            }).find("'nq'"),
            std::string::npos);
  run.write("result.json", R"({"trec": "high"})");
  EXPECT_THROW(ropelab::analysis::read_longbench_result(run.path / "result.json"), ropelab::InputError);
  run.write("result.json", "{");
  EXPECT_THROW(ropelab::analysis::read_longbench_result(run.path / "result.json"), ropelab::InputError);
  EXPECT_THROW(ropelab::analysis::read_longbench_result(run.path / "missing.json"), ropelab::InputError);
  EXPECT_THROW(ropelab::analysis::table_format_from_string("html"), ropelab::InputError);
}
