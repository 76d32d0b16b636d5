// `ropelab data`: the four actions end to end through the binary — outputs written, same seed ->
// byte-identical files, another seed -> different ones (split determinism: unit tests), refusal to overwrite,
// and every bad option an InputError naming the option (exit 2).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_util.h"

using ropelab::testing::refused_with;
using ropelab::testing::run_cli;
using ropelab::testing::TempDir;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

const std::string corpus = std::string(ROPELAB_DATA_DIR) + "/corpus/fortunes-min.txt";

// One tokenizer for both tests: every CLI launch costs ~1.5 s of LibTorch loading.
const std::string& tokenizer_model() {
  static TempDir dir;
  static std::string path = [] {
    std::string p = dir / "tok.model";
    auto r = run_cli("tokenizer train --input " + corpus + " --vocab-size 800 --out " + p);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return p;
  }();
  return path;
}

}  // namespace

TEST(SyntheticDataCli, SplitPretrainConversationsLongBench) {
  TempDir tmp;
  const std::string T = " --tokenizer " + tokenizer_model();

  auto split = run_cli("data split --corpus " + corpus + " --out " + (tmp / "s") + " --seed 1");
  ASSERT_EQ(split.exit_code, 0) << split.output;
  EXPECT_NE(split.output.find("pretrain "), std::string::npos) << split.output;
  auto again = run_cli("data split --corpus " + corpus + " --out " + (tmp / "s") + " --seed 1");
  EXPECT_TRUE(refused_with(again, "--overwrite"));

  const std::string pre =
      "data pretrain" + T + " --docs " + (tmp / "s/pretrain.jsonl") + " --window 256 --count 20";
  auto p1 = run_cli(pre + " --seed 1 --out " + (tmp / "p1.jsonl"));
  ASSERT_EQ(p1.exit_code, 0) << p1.output;
  ASSERT_EQ(run_cli(pre + " --seed 1 --out " + (tmp / "p2.jsonl")).exit_code, 0);
  ASSERT_EQ(run_cli(pre + " --seed 2 --out " + (tmp / "p3.jsonl")).exit_code, 0);
  EXPECT_EQ(slurp(tmp / "p1.jsonl"), slurp(tmp / "p2.jsonl"));
  EXPECT_NE(slurp(tmp / "p1.jsonl"), slurp(tmp / "p3.jsonl"));

  const std::string conv =
      "data conversations" + T + " --docs " + (tmp / "s/finetune.jsonl") + " --length 512 --count 6";
  auto c = run_cli(conv + " --seed 1 --out " + (tmp / "c.json"));
  ASSERT_EQ(c.exit_code, 0) << c.output;
  auto j = nlohmann::json::parse(slurp(tmp / "c.json"));
  ASSERT_EQ(j.size(), 6u);
  EXPECT_EQ(j[0]["conversations"][0]["from"], "human");

  // 192 tokens at least: retrieval's 8 fixed paragraphs need words to spare for a unique quoted
  // sentence with this small test tokenizer (a shorter length is refused, naming --lengths).
  auto lb = run_cli("data longbench" + T + " --docs " + (tmp / "s/eval.jsonl") +
                    " --lengths 192,256 --per-length 2 --seed 1 --out " + (tmp / "lb"));
  ASSERT_EQ(lb.exit_code, 0) << lb.output;
  for (const char* f : {"multifieldqa_en.jsonl", "hotpotqa.jsonl", "trec.jsonl", "passage_retrieval_en.jsonl",
                        "dataset2prompt.json", "dataset2maxlen.json", "README.md"})
    EXPECT_TRUE(std::filesystem::exists(tmp / (std::string("lb/") + f))) << f;
}

TEST(SyntheticDataCli, BadOptionsNameTheOptionAndExitTwo) {
  TempDir tmp;
  const std::string T = " --tokenizer " + tokenizer_model() + " --docs " + corpus;
  struct Case {
    std::string args, expect;
  };
  const std::vector<Case> cases = {
      {"data split --corpus " + corpus + " --out " + (tmp / "x") + " --fractions 0.8,0.1,0.2", "--fractions"},
      {"data pretrain" + T + " --count 5 --mix text=0.5,essay=0.5 --out " + (tmp / "p.jsonl"),
       "--mix: unknown key 'essay'"},
      {"data pretrain" + T + " --count 5 --window 40 --mix mdqa=1 --out " + (tmp / "p.jsonl"),
       "--window 40: the budget drawn for a mdqa document"},
      {"data conversations" + T + " --length 40 --count 2 --out " + (tmp / "c.json"),
       "--length (40) is below the minimum"},
      {"data conversations --tokenizer " + (tmp / "missing.model") + " --docs " + corpus + " --out " +
           (tmp / "c.json"),
       "--tokenizer"},
      {"data longbench" + T + " --lengths 256,20 --out " + (tmp / "lb"), "--lengths"},
      {"data longbench" + T + " --lengths 256 --distractors 5 --out " + (tmp / "lb"),
       "--distractors (5) must be in [0, 4]"},
      {"data shuffle", "unknown data action 'shuffle'"},
  };
  for (const auto& c : cases) {
    auto r = run_cli(c.args);
    EXPECT_TRUE(refused_with(r, c.expect));
  }
  EXPECT_FALSE(std::filesystem::exists(tmp / "lb"));
}
