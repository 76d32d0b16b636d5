// `ropelab ruler score` on prediction folders with tricky predictions, against hand-computed
// values and an independent Python re-implementation of RULER's evaluate.py
// (tests/python/ruler_reference.py, Python's own lower/strip/round); `data ruler` -> `ruler run`
// (resume, identity check, shards + merge) -> `ruler score` -> `report ruler` end to end with a
// micro model; bad input exits with 2 and names the file or task.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_util.h"
#include "train_test_util.h"

using namespace ropelab::testing;  // the shared test helpers (tests/*_util.h)
namespace fs = std::filesystem;

namespace {

std::string ruler_slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<nlohmann::json> ruler_jsonl(const std::string& path) {
  std::ifstream in(path);
  std::vector<nlohmann::json> v;
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) v.push_back(nlohmann::json::parse(l));
  return v;
}

// One prediction line in RULER's format.
nlohmann::json ruler_line(int index, const std::string& pred, const std::vector<std::string>& outputs,
                          nlohmann::json others = nlohmann::json::object()) {
  return {{"index", index},   {"pred", pred},     {"input", "the input"}, {"outputs", outputs},
          {"others", others}, {"truncation", -1}, {"length", 100}};
}

void ruler_write_task(const std::string& dir, const std::string& task,
                      const std::vector<nlohmann::json>& lines) {
  fs::create_directories(dir);
  std::ofstream out(dir + "/" + task + ".jsonl");
  for (const auto& l : lines) out << l.dump(-1, ' ', false) << "\n";
}

// The Python reference's summary/submission for `pred` (written into a fresh folder).
std::pair<std::string, std::string> ruler_reference(const std::string& pred, const TempDir& tmp,
                                                    const std::string& summary) {
  const std::string out = tmp / ("ref-" + fs::path(pred).filename().string());
  fs::create_directories(out);
  auto r = run_command("/usr/bin/python3 " + std::string(ROPELAB_SOURCE_DIR) +
                       "/tests/python/ruler_reference.py " + pred + " " + out);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return {ruler_slurp(out + "/" + summary), ruler_slurp(out + "/submission.csv")};
}

bool ruler_one_line(const std::string& s) { return std::count(s.begin(), s.end(), '\n') == 1; }

}  // namespace

TEST(RulerCli, ScoreTrickyPredictionsLikeEvaluatePy) {
  TempDir tmp;
  const std::string pred = tmp / "pred";
  const std::string I = "\xC4\xB0", SS = "\xC3\x9F", CAP_SS = "\xE1\xBA\x9E";
  const std::string ODOS = "\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3",
                    odos_sigma = "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x83";
  // niah_single_1 (string_match_all, one reference each): 5 hits of 10, 2 nulls.
  ruler_write_task(
      pred, "niah_single_1",
      {ruler_line(0, "  The number is 1234567.\n", {"1234567"}),   // hit
       ruler_line(1, "", {"1"}),                                   // null
       ruler_line(2, std::string("\x00\x01 \t", 4), {"x"}),        // null after post-processing
       ruler_line(3, I + "STANBUL", {I + "stanbul"}),              // hit: both lower to i̇stanbul
       ruler_line(4, I + "STANBUL", {"istanbul"}),                 // miss: i + U+0307
       ruler_line(5, "STRASSE", {"stra" + SS + "e"}),              // miss: ß is not "ss"
       ruler_line(6, "STRA" + CAP_SS + "E", {"stra" + SS + "e"}),  // hit: ẞ -> ß
       ruler_line(7, ODOS + " ok", {ODOS}),                        // hit: final sigma both sides
       ruler_line(8, ODOS + " ok", {odos_sigma}),                  // miss: σ vs ς
       ruler_line(9, "\xC2\xA0\xE2\x80\x8B", {"\xE2\x80\x8B"}, {{"id", "q-9"}})});  // hit: ZWSP is not space
  // vt: partial credit per sample: 2/3, 2/3, 3/3 -> 77.78.
  ruler_write_task(pred, "vt",
                   {ruler_line(0, "aaaaa, BBBBB and more", {"AAAAA", "BBBBB", "CCCCC"}),
                    ruler_line(1,
                               "CCCCC\x1f"
                               "AAAAA",
                               {"AAAAA", "BBBBB", "CCCCC"}),
                    ruler_line(2, "\x1c AAAAA BBBBB CCCCC \xC2\x85", {"AAAAA", "BBBBB", "CCCCC"})});
  // cwe: 3 of 32 -> 9.375 -> 9.38 (half to even); fwe: 1 of 32 -> 3.125 -> 3.12.
  std::vector<nlohmann::json> cwe, fwe;
  for (int i = 0; i < 32; ++i) {
    cwe.push_back(ruler_line(i, i < 3 ? "hit" : "no, \"quoted\"\nsecond line", {"hit"}));
    fwe.push_back(ruler_line(i, i < 1 ? "HIT" : "miss", {"hit"}));
  }
  ruler_write_task(pred, "cwe", cwe);
  ruler_write_task(pred, "fwe", fwe);
  // qa_1 (string_match_part): any reference counts; 1 of 3, 1 null.
  ruler_write_task(pred, "qa_1",
                   {ruler_line(0, "Lyon.", {"Paris", "lyon"}), ruler_line(1, "Marseille", {"Paris", "Lyon"}),
                    ruler_line(2, "   ", {"Paris"})});

  auto r = run_cli("ruler score --pred-dir " + pred);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string expected =
      "0,1,2,3,4,5\n"
      "Tasks,niah_single_1,vt,cwe,fwe,qa_1\n"
      "Score,50.0,77.78,9.38,3.12,33.33\n"
      "Nulls,2/10,0/3,0/32,0/32,1/3\n";
  EXPECT_EQ(ruler_slurp(pred + "/summary.csv"), expected);
  const auto [ref_summary, ref_submission] = ruler_reference(pred, tmp, "summary.csv");
  EXPECT_EQ(ruler_slurp(pred + "/summary.csv"), ref_summary);
  EXPECT_EQ(ruler_slurp(pred + "/submission.csv"), ref_submission);
  const std::string sub = ruler_slurp(pred + "/submission.csv");
  EXPECT_NE(sub.find("niah_single_1,q-9,\xE2\x80\x8B\n"), std::string::npos);  // others.id wins over index
  EXPECT_NE(sub.find("cwe,3,\"no, \"\"quoted\"\"\nsecond line\"\n"), std::string::npos);
  const auto j = nlohmann::json::parse(ruler_slurp(pred + "/summary.json"));
  EXPECT_EQ(j["tasks"][1]["task"], "vt");
  EXPECT_EQ(j["tasks"][1]["score"], 77.78);
  EXPECT_EQ(j["tasks"][4]["metric"], "string_match_part");
  EXPECT_EQ(j["tasks"][0]["num_nulls"], 2);

  // One task: summary-<task>.csv, as evaluate.py names it.
  const std::string one = tmp / "one";
  ruler_write_task(one, "qa_1", {ruler_line(0, "Lyon.", {"Paris", "lyon"}), ruler_line(1, "", {"x"})});
  ASSERT_EQ(run_cli("ruler score --pred-dir " + one).exit_code, 0);
  EXPECT_EQ(ruler_slurp(one + "/summary-qa_1.csv"), "0,1\nTasks,qa_1\nScore,50.0\nNulls,1/2\n");
  EXPECT_EQ(ruler_slurp(one + "/summary-qa_1.csv"), ruler_reference(one, tmp, "summary-qa_1.csv").first);

  // RULER's chunk files (<task>-<k>.jsonl) are merged in name order, as evaluate.py does.
  const std::string chunks = tmp / "chunks";
  ruler_write_task(chunks, "vt-0", {ruler_line(0, "AAAAA", {"AAAAA"})});
  ruler_write_task(chunks, "vt-1", {ruler_line(1, "no", {"AAAAA"})});
  ruler_write_task(chunks, "qa_2", {ruler_line(0, "x", {"x"})});
  ASSERT_EQ(run_cli("ruler score --pred-dir " + chunks).exit_code, 0);
  EXPECT_EQ(ruler_slurp(chunks + "/summary.csv"), "0,1,2\nTasks,vt,qa_2\nScore,50.0,100.0\nNulls,0/2,0/1\n");
}

TEST(RulerCli, ScoreBadInputExitsWith2NamingTheFile) {
  TempDir tmp;
  const std::string a = tmp / "a";
  ruler_write_task(a, "niah_single_1", {ruler_line(0, "x", {"x"})});
  ruler_write_task(a, "niah_single_7", {ruler_line(0, "x", {"x"})});
  auto r = run_cli("ruler score --pred-dir " + a);
  EXPECT_TRUE(refused_with(r, "niah_single_7.jsonl"));
  EXPECT_TRUE(ruler_one_line(r.output)) << r.output;

  const std::string b = tmp / "b";
  ruler_write_task(b, "vt", {ruler_line(0, "x", {"x"})});
  std::ofstream(b + "/vt.jsonl", std::ios::app) << "{\"index\": 1, \"pred\": \n";
  r = run_cli("ruler score --pred-dir " + b);
  EXPECT_TRUE(refused_with(r, "vt.jsonl:2"));

  const std::string c = tmp / "c";
  ruler_write_task(c, "qa_1", {ruler_line(0, "x", {})});  // evaluate.py: max() of an empty list
  r = run_cli("ruler score --pred-dir " + c);
  EXPECT_TRUE(refused_with(r, "qa_1.jsonl:1"));

  const std::string d = tmp / "d";
  nlohmann::json no_others = ruler_line(0, "x", {"x"});
  no_others.erase("others");
  ruler_write_task(d, "cwe", {no_others});
  r = run_cli("ruler score --pred-dir " + d);
  EXPECT_TRUE(refused_with(r, "cwe.jsonl:1"));

  r = run_cli("ruler score --pred-dir " + (tmp / "missing"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(RulerCli, DataRunScoreResumeShardMergeReport) {
  TempDir tmp;
  const std::string model = ropelab::testing::make_micro_model_dir(tmp);
  const std::string data = tmp / "ruler-data";
  auto g = run_cli("data ruler --tokenizer " + ropelab::testing::shared_tokenizer_path() +
                   " --lengths 384 --num-samples 2 --seed 1 --out " + data +
                   " --tokens-to-generate niah=4,variable_tracking=4,common_words_extraction=5,"
                   "freq_words_extraction=4,qa=3");
  ASSERT_EQ(g.exit_code, 0) << g.output;
  const std::string run_args = "ruler run --threads 1 --model " + model + " --data-dir " + data +
                               "/384 --tokens-to-generate " + data + "/tokens_to_generate.json";
  const std::string pred = tmp / "eabf/384";
  auto r = run_cli(run_args + " --out " + pred);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("26 predictions generated"), std::string::npos) << r.output;
  for (const std::string task : {"niah_single_1", "niah_multiquery", "vt", "cwe", "fwe", "qa_2"}) {
    const auto manifest = ruler_jsonl(data + "/384/" + task + "/validation.jsonl");
    const auto preds = ruler_jsonl(pred + "/" + task + ".jsonl");
    ASSERT_EQ(preds.size(), 2u) << task;
    for (size_t i = 0; i < 2; ++i) {
      for (const char* key : {"index", "pred", "input", "outputs", "others", "truncation", "length"})
        EXPECT_TRUE(preds[i].contains(key)) << task << " " << key;
      EXPECT_EQ(preds[i]["index"], manifest[i]["index"]);
      EXPECT_EQ(preds[i]["input"], manifest[i]["input"]);
      EXPECT_EQ(preds[i]["outputs"], manifest[i]["outputs"]);
      EXPECT_EQ(preds[i]["length"], manifest[i]["length"]);
      EXPECT_EQ(preds[i]["truncation"], -1);
    }
  }
  const auto cfg = nlohmann::json::parse(ruler_slurp(pred + "/run_config.json"));
  EXPECT_EQ(cfg["identity"]["tokens_to_generate"]["cwe"], 5);
  EXPECT_EQ(cfg["tasks"]["qa_1"]["tokens_to_generate"], 3);
  EXPECT_TRUE(cfg["provenance"].contains("git_sha"));

  // Resume: nothing left to do; a different budget is refused.
  r = run_cli(run_args + " --out " + pred);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("0 predictions generated, 26 already done"), std::string::npos) << r.output;
  r = run_cli("ruler run --threads 1 --model " + model + " --data-dir " + data +
              "/384 --tokens-to-generate niah=4,variable_tracking=9,common_words_extraction=5,"
              "freq_words_extraction=4,qa=3 --out " +
              pred);
  EXPECT_TRUE(refused_with(r, "tokens_to_generate"));

  // Shards + merge give the unsharded predictions.
  const std::string sharded = tmp / "sharded";
  for (const std::string s : {"0/2", "1/2"})
    ASSERT_EQ(run_cli(run_args + " --out " + sharded + " --shard " + s).exit_code, 0);
  r = run_cli("ruler merge --pred-dir " + sharded + " --shards 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const std::string task : {"niah_single_1", "cwe", "qa_1"})
    EXPECT_EQ(ruler_slurp(sharded + "/" + task + ".jsonl"), ruler_slurp(pred + "/" + task + ".jsonl"))
        << task;

  // Score: 13 tasks in RULER's order, identical to the Python reference on real predictions.
  r = run_cli("ruler score --pred-dir " + pred);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string summary = ruler_slurp(pred + "/summary.csv");
  EXPECT_EQ(summary.substr(0, summary.find('\n')), "0,1,2,3,4,5,6,7,8,9,10,11,12,13");
  EXPECT_NE(summary.find("\nTasks,niah_single_1,niah_single_2,niah_single_3,niah_multikey_1,niah_multikey_2,"
                         "niah_multikey_3,niah_multivalue,niah_multiquery,vt,cwe,fwe,qa_1,qa_2\n"),
            std::string::npos)
      << summary;
  EXPECT_EQ(summary, ruler_reference(pred, tmp, "summary.csv").first);

  // Report: one run, one length; the table repeats the mean of the 13 scores.
  std::istringstream rows(summary);
  std::string header, tasks, scores;
  std::getline(rows, header);
  std::getline(rows, tasks);
  std::getline(rows, scores);
  double sum = 0;
  std::stringstream ss(scores.substr(6));
  for (std::string c; std::getline(ss, c, ',');) sum += std::stod(c);
  r = run_cli("report ruler eabf=" + (tmp / "eabf") + " --format csv --threshold 0");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string expect_row = "eabf," + nlohmann::json(sum / 13).dump() + ",384,0.0\n";
  EXPECT_NE(r.output.find(expect_row), std::string::npos) << r.output << " vs " << expect_row;
}

TEST(RulerCli, RunBadInputExitsWith2NamingTaskOrFile) {
  TempDir tmp;
  const std::string data = tmp / "d";
  fs::create_directories(data + "/vt");
  std::ofstream(data + "/vt/validation.jsonl") << R"({"index": 0, "input": "x", "outputs": ["a"]})"
                                                  "\n"
                                               << R"({"index": 1, "input": 5, "outputs": ["a"]})"
                                                  "\n";
  const std::string base =
      "ruler run --model " + (tmp / "no-model") + " --data-dir " + data + " --out " + (tmp / "p");
  auto r = run_cli(base);  // no tokens_to_generate for vt
  EXPECT_TRUE(refused_with(r, "vt"));
  EXPECT_NE(r.output.find("tokens_to_generate"), std::string::npos) << r.output;
  EXPECT_TRUE(ruler_one_line(r.output)) << r.output;
  r = run_cli(base + " --tokens-to-generate vt=4");  // malformed manifest line 2
  EXPECT_TRUE(refused_with(r, "vt/validation.jsonl:2"));
  r = run_cli(base + " --tasks vt,nope --tokens-to-generate vt=4");
  EXPECT_TRUE(refused_with(r, "nope"));
  r = run_cli(base + " --tasks qa_1 --tokens-to-generate qa=4");  // no manifest
  EXPECT_TRUE(refused_with(r, "qa_1/validation.jsonl"));
  r = run_cli(base + " --tokens-to-generate vt=0");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = run_cli("data ruler --tokenizer " + (tmp / "none.model") + " --out " + (tmp / "x") + " --tasks nope");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}
