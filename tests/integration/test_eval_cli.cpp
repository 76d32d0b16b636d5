// Evaluation commands end to end on a tiny random model: `longbench run` on a LongBench-format
// data set written here, then `longbench score`; resume after a simulated kill; shards and merge;
// `passkey`, `ppl` and `sweep` outputs; exit code 2 with one line for bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/io/h5.h"
#include "core/output/output_file.h"
#include "core/util/files.h"
#include "test_util.h"

using ropelab::testing::refused_with;
using ropelab::testing::run_cli;
using ropelab::testing::TempDir;
namespace fs = std::filesystem;
namespace h5 = ropelab::h5;
namespace output = ropelab::output;

namespace {

// The context of sample i (0-based) of every task in EvalFixture's data: 60 + 40 i phrases.
std::string fixture_context(int i) {
  std::string ctx;
  for (int w = 0; w < 60 + 40 * i; ++w) ctx += "word" + std::to_string(w % 17) + " and {braces} ";
  return ctx;
}

// A tokenizer, a tiny model using it, and a LongBench folder (data/ + config/) with three tasks
// covering the chat template (hotpotqa), no template + classes (trec) and the samsum rule.
struct EvalFixture {
  TempDir tmp;
  std::string model, lb;
  EvalFixture() {
    auto tr = run_cli("tokenizer train --input " + std::string(ROPELAB_DATA_DIR) +
                      "/corpus/fortunes-min.txt --vocab-size 500 --out " + (tmp / "tok/tokenizer.model"));
    EXPECT_EQ(tr.exit_code, 0) << tr.output;
    model = tmp / "m";
    auto in = run_cli("init --config tiny --seed 1 --out " + model + " --tokenizer " +
                      (tmp / "tok/tokenizer.model"));
    EXPECT_EQ(in.exit_code, 0) << in.output;
    lb = tmp / "LongBench";
    fs::create_directories(lb + "/data");
    fs::create_directories(lb + "/config");
    std::ofstream(lb + "/config/dataset2prompt.json")
        << R"({"hotpotqa": "Answer the question based on the passages.\n\n{context}\n\nQuestion: {input}\nAnswer:",)"
        << R"( "trec": "Classify the question.\n\n{context}\n{input}", "samsum": "Summarize.\n\n{context}\n\n{input}"})";
    std::ofstream(lb + "/config/dataset2maxlen.json") << R"({"hotpotqa": 6, "trec": 5, "samsum": 6})";
    for (const std::string task : {"hotpotqa", "trec", "samsum"}) {
      std::ofstream out(lb + "/data/" + task + ".jsonl");
      for (int i = 0; i < 3; ++i) {
        out << R"({"input": "What is item )" << i << R"(?", "context": ")" << fixture_context(i)
            << R"(", "answers": ["item )" << i << R"("], "length": )" << 100 + i << R"(, "all_classes": )"
            << (task == "trec" ? R"(["Number", "Location"])" : "null") << R"(, "dataset": ")" << task
            << R"(", "language": "en", "_id": "x)" << i << "\"}\n";
      }
    }
  }
  std::string run_args(const std::string& out) const {
    return "longbench run --threads 2 --model " + model + " --longbench-dir " + lb +
           " --tasks hotpotqa,trec,samsum --max-length 120 --out " + out;
  }
};

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> v;
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}

bool one_line(const std::string& s) { return std::count(s.begin(), s.end(), '\n') == 1; }

std::vector<int64_t> ids_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<int64_t> ids;
  for (int64_t id; in >> id;) ids.push_back(id);
  return ids;
}

std::string ids_text(const std::vector<int64_t>& ids) {
  std::string s;
  for (int64_t id : ids) s += std::to_string(id) + " ";
  return s;
}

}  // namespace

TEST(EvalCli, LongBenchRunScoreResumeShardMerge) {
  EvalFixture f;
  const std::string pred = f.tmp / "pred";
  auto r = run_cli(f.run_args(pred));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const std::string task : {"hotpotqa", "trec", "samsum"})
    EXPECT_EQ(lines_of(pred + "/" + task + ".jsonl").size(), 3u);
  const auto first = nlohmann::json::parse(lines_of(pred + "/trec.jsonl")[0]);
  EXPECT_TRUE(first["pred"].is_string());
  EXPECT_EQ(first["answers"], nlohmann::json({"item 0"}));
  EXPECT_EQ(first["all_classes"], nlohmann::json({"Number", "Location"}));
  EXPECT_EQ(first["length"], 100);
  const auto cfg = ropelab::read_json_file(pred + "/run_config.json");
  EXPECT_EQ(cfg["tasks"]["trec"]["data_sha256"], ropelab::sha256_file(f.lb + "/data/trec.jsonl"));
  EXPECT_EQ(cfg["prompt_config"]["sha256"], ropelab::sha256_file(f.lb + "/config/dataset2prompt.json"));
  EXPECT_FALSE(cfg["tasks"]["samsum"]["chat_template"].get<bool>());

  auto s = run_cli("longbench score --pred-dir " + pred);
  ASSERT_EQ(s.exit_code, 0) << s.output;
  const auto result = ropelab::read_json_file(pred + "/result.json");
  EXPECT_TRUE(result.contains("hotpotqa") && result.contains("trec") && result.contains("samsum")) << result;

  // Simulated kill: hotpotqa has one complete line and half of the second; trec is gone.
  const auto full = lines_of(pred + "/hotpotqa.jsonl"), trec = lines_of(pred + "/trec.jsonl");
  std::ofstream(pred + "/hotpotqa.jsonl", std::ios::trunc) << full[0] << "\n"
                                                           << full[1].substr(0, full[1].size() / 2);
  fs::remove(pred + "/trec.jsonl");
  auto again = run_cli(f.run_args(pred));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("removed a partial last line"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("5 predictions generated, 4 already done"), std::string::npos) << again.output;
  EXPECT_EQ(lines_of(pred + "/hotpotqa.jsonl"), full);  // no loss, no duplicate, same order
  EXPECT_EQ(lines_of(pred + "/trec.jsonl"), trec);

  // A different configuration may not be mixed into the same folder.
  auto other = run_cli(f.run_args(pred) + " --rope yarn --rope-factor 2");
  EXPECT_TRUE(refused_with(other, "rope_json"));

  // Two shards, then merge: the same files as the single run.
  const std::string pred2 = f.tmp / "pred2";
  for (const std::string sh : {"0/2", "1/2"}) {
    auto rs = run_cli(f.run_args(pred2) + " --shard " + sh);
    ASSERT_EQ(rs.exit_code, 0) << rs.output;
  }
  EXPECT_TRUE(fs::exists(pred2 + "/trec.shard-1-of-2.part"));
  EXPECT_FALSE(fs::exists(pred2 + "/trec.jsonl"));
  auto m = run_cli("longbench merge --pred-dir " + pred2 + " --shards 2");
  ASSERT_EQ(m.exit_code, 0) << m.output;
  for (const std::string task : {"hotpotqa", "trec", "samsum"})
    EXPECT_EQ(lines_of(pred2 + "/" + task + ".jsonl"), lines_of(pred + "/" + task + ".jsonl")) << task;
  EXPECT_EQ(run_cli("longbench score --pred-dir " + pred2).exit_code, 0);
}

// `longbench run` records per item the untruncated prompt length, whether middle truncation cut
// the prompt, and the reference answer's teacher-forced log-likelihood. The expected ids are built
// here from `tokenizer encode/decode` by pred.py's recipe (docs/longbench-scoring.md §3), and the
// log-likelihood comes from the float64 NumPy forward (tests/golden/reference_forward.py) over
// those ids: one short item and one too long, with and without the chat template, under YaRN.
TEST(EvalCli, LongBenchAnswerLogprobMatchesNumpyReference) {
  if (ropelab::testing::run_command("/usr/bin/python3 -c 'import numpy, h5py'").exit_code != 0)
    GTEST_SKIP() << "/usr/bin/python3 lacks numpy/h5py";
  EvalFixture f;
  // Larger weights than the 0.02 init make the answer's probability depend on context and RoPE.
  const std::string model = f.tmp / "m15";
  auto in = run_cli("init --config tiny --seed 3 --init-std 0.15 --out " + model + " --tokenizer " +
                    (f.tmp / "tok/tokenizer.model"));
  ASSERT_EQ(in.exit_code, 0) << in.output;
  const std::string rope = R"({"rope_type":"yarn","factor":4})";
  const auto encode = [&](const std::string& text, bool bos) {
    std::ofstream(f.tmp / "text.txt", std::ios::binary | std::ios::trunc) << text;
    auto r = ropelab::testing::run_command(std::string(ROPELAB_BIN) + " tokenizer encode --model " + model +
                                           (bos ? " --bos" : "") + " < " + (f.tmp / "text.txt"));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return ids_of(r.output);
  };
  const auto decode = [&](const std::vector<int64_t>& ids) {
    auto r = run_cli("tokenizer decode --model " + model + " --ids '" + ids_text(ids) + "'");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.output.substr(0, r.output.size() - 1);  // the command ends the text with a newline
  };
  const auto prompt_of = [](const std::string& task, int i) {
    const std::string q = "What is item " + std::to_string(i) + "?";
    return task == "hotpotqa" ? "Answer the question based on the passages.\n\n" + fixture_context(i) +
                                    "\n\nQuestion: " + q + "\nAnswer:"
                              : "Classify the question.\n\n" + fixture_context(i) + "\n" + q;
  };
  // A budget between the lengths of sample 0 and sample 1 of both tasks.
  const size_t n0 = std::max(encode(prompt_of("hotpotqa", 0), true).size(),
                             encode(prompt_of("trec", 0), true).size()),
               n1 = std::min(encode(prompt_of("hotpotqa", 1), true).size(),
                             encode(prompt_of("trec", 1), true).size());
  ASSERT_LT(n0 + 8, n1);
  const int64_t L = int64_t(n0 + n1) / 2;

  const std::string pred = f.tmp / "pred";
  auto r = run_cli("longbench run --threads 1 --model " + model + " --longbench-dir " + f.lb +
                   " --tasks hotpotqa,trec --limit 2 --max-length " + std::to_string(L) + " --rope-json '" +
                   rope + "' --out " + pred);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const std::string task : {"hotpotqa", "trec"}) {
    const auto lines = lines_of(pred + "/" + task + ".jsonl");
    ASSERT_EQ(lines.size(), 2u);
    for (int i = 0; i < 2; ++i) {
      const auto j = nlohmann::json::parse(lines[size_t(i)]);
      const std::string prompt = prompt_of(task, i);
      const auto full = encode(prompt, true);
      std::string text = prompt;
      if (int64_t(full.size()) > L)  // pred.py: decode(ids[:half]) + decode(ids[-half:])
        text = decode({full.begin(), full.begin() + L / 2}) + decode({full.end() - L / 2, full.end()});
      if (task == "hotpotqa") text = "[INST]" + text + "[/INST]";
      const auto ids = encode(text, true), answer = encode("item " + std::to_string(i), false);
      SCOPED_TRACE(task + " sample " + std::to_string(i));
      EXPECT_EQ(j["truncated"], i == 1);
      EXPECT_EQ(j["prompt_tokens"], full.size());
      EXPECT_EQ(j["input_tokens"], ids.size());
      EXPECT_EQ(j["_id"], "x" + std::to_string(i));
      ASSERT_EQ(j["answer_tokens"], answer.size());
      ASSERT_GE(answer.size(), 2u);
      std::vector<int64_t> seq = ids;
      seq.insert(seq.end(), answer.begin(), answer.end());
      std::ofstream(f.tmp / "seq.txt", std::ios::trunc) << ids_text(seq);
      auto ref = ropelab::testing::run_command("/usr/bin/python3 " + std::string(ROPELAB_SOURCE_DIR) +
                                               "/tests/golden/reference_forward.py --logprob " + model + " " +
                                               (f.tmp / "seq.txt") + " " + std::to_string(ids.size()) + " '" +
                                               rope + "'");
      ASSERT_EQ(ref.exit_code, 0) << ref.output;
      const auto parts = ids_of(ref.output.substr(ref.output.find(' ')));
      ASSERT_EQ(parts, std::vector<int64_t>{int64_t(answer.size())}) << ref.output;
      const double expected = std::stod(ref.output);
      // fp32 compute against float64: |difference| <= 6.8e-5 measured on these four items
      // (2026-12-02, x86 CPU, LibTorch 1.13), so 5e-4; the items' values differ by >= 1.5 nats.
      EXPECT_NEAR(j["answer_logprob"].get<double>(), expected, 5e-4) << ref.output;
      std::fprintf(stderr, "%s %d: answer_logprob %.9f, reference %.9f, |difference| %.2e\n", task.c_str(), i,
                   j["answer_logprob"].get<double>(), expected,
                   std::abs(j["answer_logprob"].get<double>() - expected));
    }
  }

  // A file from before these fields existed resumes: its old line is kept, the new one has them,
  // and the scorer counts the old line as of unknown truncation and without a log-likelihood.
  const auto full = lines_of(pred + "/hotpotqa.jsonl");
  auto old = nlohmann::json::parse(full[0]);
  for (const char* k :
       {"_id", "prompt_tokens", "input_tokens", "truncated", "answer_logprob", "answer_tokens"})
    old.erase(k);
  std::ofstream(pred + "/hotpotqa.jsonl", std::ios::trunc) << old.dump() << "\n";
  auto again = run_cli("longbench run --threads 1 --model " + model + " --longbench-dir " + f.lb +
                       " --tasks hotpotqa,trec --limit 2 --max-length " + std::to_string(L) +
                       " --rope-json '" + rope + "' --out " + pred);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("1 predictions generated, 3 already done"), std::string::npos) << again.output;
  EXPECT_EQ(lines_of(pred + "/hotpotqa.jsonl"), (std::vector<std::string>{old.dump(), full[1]}));
  auto sc = run_cli("longbench score --pred-dir " + pred);
  ASSERT_EQ(sc.exit_code, 0) << sc.output;
  const auto items = ropelab::read_json_file(pred + "/result_items.json")["datasets"];
  EXPECT_EQ(items["hotpotqa"]["n_truncation_unknown"], 1);
  EXPECT_EQ(items["hotpotqa"]["n_truncated"], 1);
  EXPECT_TRUE(items["hotpotqa"]["fit"].is_null());  // no line known to fit
  EXPECT_TRUE(items["hotpotqa"]["items"][0]["answer_logprob"].is_null());
  const auto line1 = nlohmann::json::parse(full[1]);
  EXPECT_DOUBLE_EQ(items["hotpotqa"]["answer_nll"].get<double>(),
                   -line1["answer_logprob"].get<double>() / line1["answer_tokens"].get<double>());
  EXPECT_EQ(items["trec"]["n_fit"], 1);
  EXPECT_EQ(items["trec"]["n_truncated"], 1);
  const auto result = ropelab::read_json_file(pred + "/result.json");
  EXPECT_EQ(items["trec"]["overall"], result["trec"]);
  EXPECT_NEAR(items["trec"]["fit"].get<double>(), 100 * items["trec"]["items"][0]["score"].get<double>(),
              0.005);  // the one item that fit, rounded to 2 decimals
}

TEST(EvalCli, PasskeyPplSweepOutputs) {
  EvalFixture f;
  const std::string h5path = f.tmp / "eval.h5";
  auto p = run_cli("passkey --threads 2 --model " + f.model +
                   " --lengths 160,300 --depths 0,0.5,1 --trials 2 --seed 3 --out " + h5path +
                   " --run base --csv " + (f.tmp / "pk.csv"));
  ASSERT_EQ(p.exit_code, 0) << p.output;
  {
    auto file = h5::H5File::open_read(h5path);
    EXPECT_TRUE(output::is_complete(file, "/eval/base/passkey"));
    auto g = file.open_group("/eval/base/passkey");
    EXPECT_EQ(g.dataset("accuracy").shape(), (h5::Shape{2, 3}));
    EXPECT_EQ(g.dataset("correct").shape(), (h5::Shape{2, 3, 2}));
    EXPECT_EQ(g.attr_int("trials"), 2);
    EXPECT_FALSE(g.attr_string("git_sha").empty());
    EXPECT_FALSE(g.attr_string("rope_json").empty());
    for (int64_t n : g.dataset("prompt_tokens").read<int64_t>().data) EXPECT_LE(n, 300);
  }
  EXPECT_EQ(lines_of(f.tmp / "pk.csv").size(), 7u);
  auto again =
      run_cli("passkey --model " + f.model + " --lengths 160 --trials 1 --out " + h5path + " --run base");
  EXPECT_TRUE(refused_with(again, "already exists"));

  {
    std::ofstream d(f.tmp / "docs.txt");
    for (int i = 0; i < 30; ++i)
      d << "A fortune number " << i << " says that the cat sat on the mat again and again.\n\n";
  }
  auto q =
      run_cli("ppl --threads 2 --model " + f.model + " --data " + (f.tmp / "docs.txt") +
              " --lengths 64,300 --stride 64 --out " + h5path + " --run base --csv " + (f.tmp / "ppl.csv"));
  ASSERT_EQ(q.exit_code, 0) << q.output;
  {
    auto file = h5::H5File::open_read(h5path);
    EXPECT_TRUE(output::is_complete(file, "/eval/base/ppl"));
    EXPECT_TRUE(output::is_complete(file, "/eval/base/passkey"));  // the other kind is untouched
    auto g = file.open_group("/eval/base/ppl");
    EXPECT_EQ(g.attr_int("trained_window"), 256);
    const auto beyond = g.dataset("ppl_beyond").read<double>().data,
               ppl = g.dataset("ppl").read<double>().data;
    EXPECT_TRUE(std::isnan(beyond[0]));  // T = 64 lies inside the window
    EXPECT_TRUE(std::isfinite(beyond[1]));
    EXPECT_GT(ppl[0], 1.0);
    EXPECT_EQ(g.dataset("nll_by_position/300").shape(), (h5::Shape{299}));
  }

  const std::string sw = f.tmp / "sweep";
  auto s = run_cli(
      "sweep --threads 2 --model " + f.model + " --longbench-dir " + f.lb +
      " --tasks hotpotqa,trec --limit 2 --windows 160,256 --reserve 16 --passkey-trials 1 --out " + sw);
  ASSERT_EQ(s.exit_code, 0) << s.output;
  EXPECT_TRUE(fs::exists(sw + "/longbench/160/result.json"));
  EXPECT_EQ(ropelab::read_json_file(sw + "/longbench/160/result_items.json")["datasets"]["trec"]["n"], 2);
  EXPECT_TRUE(fs::exists(sw + "/longbench/256/trec.jsonl"));
  EXPECT_TRUE(fs::exists(sw + "/passkey.csv"));
  const auto summary = ropelab::read_json_file(sw + "/sweep.json");
  EXPECT_TRUE(summary["longbench"].contains("256")) << summary;
  EXPECT_TRUE(summary["longbench"]["256"]["answer_nll"]["trec"].is_number()) << summary;
  EXPECT_TRUE(summary["longbench"]["256"]["fit_scores"].contains("hotpotqa")) << summary;
  auto rep = run_cli("report longbench " + sw + "/longbench/160/result.json " + sw +
                     "/longbench/256/result.json --tasks hotpotqa,trec");
  EXPECT_EQ(rep.exit_code, 0) << rep.output;
  EXPECT_NE(rep.output.find("256"), std::string::npos) << rep.output;
  auto resumed = run_cli(
      "sweep --threads 2 --model " + f.model + " --longbench-dir " + f.lb +
      " --tasks hotpotqa,trec --limit 2 --windows 160,256 --reserve 16 --passkey-trials 1 --out " + sw);
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("0 predictions generated"), std::string::npos);
}

TEST(EvalCli, BadInputExitsWith2AndOneLine) {
  EvalFixture f;
  // A malformed data line is reported with its line number.
  std::ofstream(f.lb + "/data/trec.jsonl", std::ios::app) << "{\"input\": broken\n";
  auto r = run_cli(f.run_args(f.tmp / "p"));
  EXPECT_TRUE(refused_with(r, "trec.jsonl:4"));
  struct Case {
    std::string args, expect;
  };
  const std::string pk = "passkey --model " + f.model + " --out " + (f.tmp / "x.h5");
  const std::vector<Case> cases = {
      {f.run_args(f.tmp / "q") + " --shard 2/2", "--shard"},
      {f.run_args(f.tmp / "q") + " --shard x", "--shard"},
      {f.run_args(f.tmp / "q") + " --max-length 0", "--max-length"},
      {"longbench run --model " + f.model + " --longbench-dir " + f.lb + " --out " + (f.tmp / "q") +
           " --tasks nosuchtask",
       "nosuchtask"},
      {"longbench run --model " + f.model + " --longbench-dir " + (f.tmp / "tok") + " --out " + (f.tmp / "q"),
       "not found"},
      {pk + " --lengths 128 --depths 0,1.5", "--depths"},
      {pk + " --lengths 0", "--lengths"},
      {pk + " --lengths 128 --trials 0", "--trials"},
      {pk + " --lengths 128,abc", "--lengths"},
      {"ppl --model " + f.model + " --data x --lengths -4 --out " + (f.tmp / "x.h5"), "--lengths"},
      {"ppl --model " + f.model + " --data x --lengths 64 --stride -1 --out " + (f.tmp / "x.h5"), "--stride"},
      {"sweep --model " + f.model + " --longbench-dir " + f.lb + " --windows 100 --reserve 500 --out " +
           (f.tmp / "s"),
       "--reserve"},
      {"longbench merge --pred-dir " + (f.tmp / "none") + " --shards 2", "run_config.shard-0-of-2.json"},
  };
  for (const auto& c : cases) {
    auto x = run_cli(c.args);
    EXPECT_TRUE(refused_with(x, c.expect));
    EXPECT_TRUE(one_line(x.output)) << c.args << "\n" << x.output;
  }
}
