// `ropelab rope show` / `rope list` end to end: a transformers 5.x config read as its method, the
// geometry view against the hand-computed values of issue 12's table, the registry listing and
// --rope-set.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_util.h"

using ropelab::testing::refused_with;
using ropelab::testing::run_cli;
using ropelab::testing::TempDir;

namespace {
std::string model_dir(TempDir& tmp, const std::string& name, const std::string& extra) {
  const std::string dir = tmp / name;
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/config.json") << R"({"vocab_size": 101, "hidden_size": 256, "intermediate_size": 512,
    "num_hidden_layers": 2, "num_attention_heads": 4, "max_position_embeddings": 256, )"
                                      << extra << "}";
  return dir;
}
}  // namespace

TEST(RopeCli, ShowReadsTransformers5RopeParameters) {
  TempDir tmp;
  auto dir = model_dir(tmp, "yarn",
                       R"("rope_parameters": {"rope_type": "yarn", "factor": 4.0, "rope_theta": 10000.0})");
  auto r = run_cli("rope show --model " + dir + " --positions 10,1000");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"rope_type\":\"yarn\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("pairs kept"), std::string::npos) << r.output;  // the schedule's own notes
  auto bad =
      model_dir(tmp, "bad", R"("rope_parameters": {"rope_type": "yarn", "factor": 4.0, "beta_faster": 3})");
  auto e = run_cli("rope show --model " + bad);
  EXPECT_TRUE(refused_with(e, "rope_parameters: unknown key 'beta_faster' for rope_type 'yarn'"));
}

TEST(RopeCli, GeometryReproducesTheIssueTable) {
  auto l = run_cli("rope show --arch llama2-7b --geometry --window 4096");
  ASSERT_EQ(l.exit_code, 0) << l.output;
  EXPECT_NE(l.output.find("46/64 (71.9%)"), std::string::npos) << l.output;
  EXPECT_NE(l.output.find("21/25/18"), std::string::npos) << l.output;
  TempDir tmp;
  // The miniature the issue proposes: head dim 64, c = 256, base 200.
  auto dir = model_dir(tmp, "mini", R"("rope_theta": 200.0)");
  auto m = run_cli("rope show --model " + dir + " --geometry --window 256");
  ASSERT_EQ(m.exit_code, 0) << m.output;
  EXPECT_NE(m.output.find("23/32 (71.9%)"), std::string::npos) << m.output;
  EXPECT_NE(m.output.find("2/21/9"), std::string::npos) << m.output;
  EXPECT_NE(m.output.find("18.4 c"), std::string::npos) << m.output;
  EXPECT_NE(m.output.find("19.1 c"), std::string::npos) << m.output;  // LLaMA-2 beside it
  // No pair of the miniature turns by less than a radian across c (LLaMA-2: 6 of 64).
  EXPECT_NE(m.output.find("0/32 (0.0%)           6/64 (9.4%)"), std::string::npos) << m.output;
  EXPECT_NE(m.output.find("(4.16 c)"), std::string::npos) << m.output;
  // The scaled beta of the mini configs (methods/yarn.ini): 10/13/9 of 32, LLaMA-2's 21/25/18 of 64
  // halved; the LLaMA-2 column stays at its literal 32/1.
  auto b8 = run_cli("rope show --model " + dir + " --geometry --window 256 --beta-fast 8");
  ASSERT_EQ(b8.exit_code, 0) << b8.output;
  EXPECT_NE(b8.output.find("10/13/9"), std::string::npos) << b8.output;
  EXPECT_NE(b8.output.find("21/25/18"), std::string::npos) << b8.output;
  auto bad = run_cli("rope show --model " + dir + " --geometry --window 256 --beta-fast 1 --beta-slow 2");
  EXPECT_TRUE(refused_with(bad, "--beta-fast (1) must exceed --beta-slow (2)"));
}

TEST(RopeCli, ListAndRopeSetComeFromTheRegistry) {
  auto l = run_cli("rope list");
  ASSERT_EQ(l.exit_code, 0) << l.output;
  for (const char* name : {"mixed_ntk", "eabf", "qwen_logn", "llama4", "dynamic_log"})
    EXPECT_NE(l.output.find(name), std::string::npos) << name;
  auto s =
      run_cli("rope show --arch tiny --rope mixed_ntk --rope-factor 4 --rope-set mixed_b=1.5 --positions 10");
  ASSERT_EQ(s.exit_code, 0) << s.output;
  EXPECT_NE(s.output.find("\"mixed_b\":1.5"), std::string::npos) << s.output;
  auto bad = run_cli("rope show --arch tiny --rope yarn --rope-factor 4 --rope-set nonsense=1");
  EXPECT_TRUE(refused_with(bad, "unknown key 'nonsense' for rope_type 'yarn'"));
  auto form = run_cli("rope show --arch tiny --rope yarn --rope-set factor");
  EXPECT_TRUE(refused_with(form, "--rope-set 'factor': expected KEY=VALUE"));
}
