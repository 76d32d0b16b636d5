// The `ropelab` binary end to end: init → info → generate, tokenizer commands, and the exit
// code / one-line message for bad input.
#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"

using ropelab::testing::refused_with;
using ropelab::testing::run_cli;
using ropelab::testing::TempDir;

TEST(Cli, InitInfoGenerateEndToEnd) {
  TempDir tmp;
  auto init = run_cli("init --config tiny-gqa --seed 3 --out " + (tmp / "m"));
  ASSERT_EQ(init.exit_code, 0) << init.output;
  auto info = run_cli("info --model " + (tmp / "m"));
  ASSERT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("8 query, 2 key/value"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("(tied lm_head)"), std::string::npos);
  std::ofstream(tmp / "ids.txt") << "1 17 42 99";
  auto gen = run_cli("generate --model " + (tmp / "m") + " --tokens-file " + (tmp / "ids.txt") +
                     " --max-new-tokens 5");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  EXPECT_NE(gen.output.find("5 new tokens"), std::string::npos) << gen.output;
  // Greedy generation is deterministic.
  auto again = run_cli("generate --model " + (tmp / "m") + " --tokens-file " + (tmp / "ids.txt") +
                       " --max-new-tokens 5");
  EXPECT_EQ(gen.output.substr(0, gen.output.find('[')), again.output.substr(0, again.output.find('[')));
}

TEST(Cli, TokenizerTrainThenTextGeneration) {
  TempDir tmp;
  auto train = run_cli("tokenizer train --input " + std::string(ROPELAB_DATA_DIR) +
                       "/corpus/fortunes-min.txt --vocab-size 500 --out " + (tmp / "tok/tokenizer.model"));
  ASSERT_EQ(train.exit_code, 0) << train.output;
  auto enc = run_cli("tokenizer encode --tokenizer " + (tmp / "tok/tokenizer.model") +
                     " --text 'Hello world' --bos");
  ASSERT_EQ(enc.exit_code, 0) << enc.output;
  auto dec = run_cli("tokenizer decode --tokenizer " + (tmp / "tok/tokenizer.model") + " --ids '" +
                     enc.output.substr(0, enc.output.find('\n')) + "'");
  EXPECT_EQ(dec.output, "Hello world\n");
  ASSERT_EQ(
      run_cli("init --config tiny --out " + (tmp / "m") + " --tokenizer " + (tmp / "tok/tokenizer.model"))
          .exit_code,
      0);
  auto gen =
      run_cli("generate --model " + (tmp / "m") + " --prompt 'Once upon a time' --max-new-tokens 4 --chat");
  EXPECT_EQ(gen.exit_code, 0) << gen.output;
}

TEST(Cli, BadInputGivesExitCode2AndOneLine) {
  TempDir tmp;
  struct Case {
    std::string args, expect;
  };
  ASSERT_EQ(run_cli("init --config tiny --out " + (tmp / "m")).exit_code, 0);
  std::ofstream(tmp / "bad.ini") << "no-such-option = 1\n";
  const std::vector<Case> cases = {
      {"info --model " + (tmp / "missing"), "model directory does not exist"},
      {"info --model " + (tmp / "m") + " --no-such-flag", "unrecognised option"},
      {"info --model " + (tmp / "m") + " --config " + (tmp / "bad.ini"), "no-such-option"},
      {"info --model " + (tmp / "m") + " --device cuda", "CUDA is not available"},
      {"info --model " + (tmp / "m") + " --dtype fp8", "unknown dtype 'fp8'"},
      {"generate --model " + (tmp / "m") + " --prompt hi", "no tokenizer.model"},
      {"init --config tiny --out " + (tmp / "m"), "--overwrite"},
      {"init --config nonsense --out " + (tmp / "x"), "not a preset"},
      {"info --model " + (tmp / "m") + " --rope yarn", "key 'factor' (1) must be > 1"},
      {"info --model " + (tmp / "m") + " --rope warp", "unknown rope_type 'warp'"},
      {"info --model " + (tmp / "m") + " --rope-json '{\"rope_type\":\"linear\",\"factor\":2,\"bogus\":1}'",
       "unknown key 'bogus'"},
      {"nosuchcommand", "unknown command"},
  };
  for (const auto& c : cases) {
    auto r = run_cli(c.args);
    EXPECT_TRUE(refused_with(r, c.expect));
  }
  // Damaged checkpoint: truncate the weights file.
  std::filesystem::resize_file(tmp / "m/model.safetensors", 1000);
  auto r = run_cli("info --model " + (tmp / "m"));
  EXPECT_TRUE(refused_with(r, "model.safetensors"));
}

TEST(Cli, VersionReportsTorchAndThreads) {
  auto r = run_cli("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("LibTorch 1."), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("threads:"), std::string::npos);
}
