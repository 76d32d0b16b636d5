// `ropelab entropy` and `ropelab report entropy` end to end: runs per length in one file, the
// refusal to overwrite, documents from JSONL with a tokenizer, and exit code 2 with the line
// number for a bad data file.
#include <gtest/gtest.h>

#include <fstream>

#include "analysis/entropy_report.h"
#include "core/io/h5.h"
#include "core/output/output_file.h"
#include "test_util.h"

using ropelab::testing::refused_with;
using ropelab::testing::run_cli;
using ropelab::testing::TempDir;
namespace h5 = ropelab::h5;
namespace output = ropelab::output;

TEST(EntropyCli, TokensFileRunsPerLengthReportAndRefusal) {
  TempDir tmp;
  ASSERT_EQ(run_cli("init --config tiny-gqa --seed 3 --out " + (tmp / "m")).exit_code, 0);
  {
    std::ofstream ids(tmp / "ids.txt");
    for (int i = 0; i < 64; ++i) ids << (i * 37 + 5) % 200 << " ";
  }
  const std::string base = "entropy --model " + (tmp / "m") + " --tokens-file " + (tmp / "ids.txt") +
                           " --save-logits --keep-docs --probe-positions last,3 --out " + (tmp / "e.h5");
  auto r = run_cli(base + " --lengths 32,64 --run base");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto r2 = run_cli(base + " --rope yarn --rope-factor 4 --layers 0,1 --run yarn");
  ASSERT_EQ(r2.exit_code, 0) << r2.output;
  {
    auto f = h5::H5File::open_read(tmp / "e.h5");
    EXPECT_TRUE(output::is_complete(f, "/runs/base@32"));
    EXPECT_TRUE(output::is_complete(f, "/runs/base@64"));
    EXPECT_TRUE(output::is_complete(f, "/runs/yarn"));
    auto g = f.open_group("/runs/yarn");
    EXPECT_EQ(g.attr_string("method"), "yarn");
    EXPECT_EQ(g.attr_int("seq_len"), 64);
    EXPECT_EQ(g.dataset("entropy_mean").shape()[0], 2u);
    EXPECT_EQ(g.dataset("logits").shape()[0], 64u);
    EXPECT_TRUE(g.exists("probes/63"));
    EXPECT_TRUE(g.exists("probes/3"));
    EXPECT_EQ(f.open_group("/runs/base@32").dataset("logits").shape()[0], 32u);
  }
  auto again = run_cli(base + " --run yarn");
  EXPECT_TRUE(refused_with(again, "already exists"));
  EXPECT_EQ(run_cli(base + " --run yarn --overwrite").exit_code, 0);

  auto rep = run_cli("report entropy " + (tmp / "e.h5"));
  ASSERT_EQ(rep.exit_code, 0) << rep.output;
  EXPECT_NE(rep.output.find("## base@64"), std::string::npos) << rep.output;
  EXPECT_NE(rep.output.find("slope vs ln n"), std::string::npos) << rep.output;

  if (ropelab::testing::run_command("/usr/bin/python3 -c 'import h5py, matplotlib'").exit_code == 0) {
    auto p = ropelab::testing::run_command("/usr/bin/python3 " + std::string(ROPELAB_SOURCE_DIR) +
                                           "/plots/entropy.py " + (tmp / "e.h5") + " --out " + (tmp / "fig"));
    EXPECT_EQ(p.exit_code, 0) << p.output;
    EXPECT_TRUE(std::filesystem::exists(tmp / "fig/entropy_vs_position.png")) << p.output;
    EXPECT_TRUE(std::filesystem::exists(tmp / "fig/entropy_vs_position.pdf")) << p.output;
  }
}

TEST(EntropyCli, DocumentsFromJsonlWithTokenizer) {
  TempDir tmp;
  ASSERT_EQ(run_cli("tokenizer train --input " + std::string(ROPELAB_DATA_DIR) +
                    "/corpus/fortunes-min.txt --vocab-size 500 --out " + (tmp / "tok/tokenizer.model"))
                .exit_code,
            0);
  ASSERT_EQ(
      run_cli("init --config tiny --out " + (tmp / "m") + " --tokenizer " + (tmp / "tok/tokenizer.model"))
          .exit_code,
      0);
  {
    std::ofstream d(tmp / "d.jsonl");
    d << "{\"text\": \"short\"}\n";
    for (int i = 0; i < 4; ++i)
      d << "{\"text\": \"A long document number " << i
        << " that keeps going with many words so that it has more than forty tokens in it, surely, "
           "because it repeats itself: a long document, a long document, a long document.\"}\n";
  }
  auto r = run_cli("entropy --model " + (tmp / "m") + " --data " + (tmp / "d.jsonl") +
                   " --lengths 16,40 --max-docs 3 --seed 1 --out " + (tmp / "e.h5") + " --run t");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto f = h5::H5File::open_read(tmp / "e.h5");
  auto g = f.open_group("/runs/t@40");
  EXPECT_EQ(g.attr_int("n_docs"), 3);
  EXPECT_EQ(g.dataset("count").read<int64_t>().data[39], 3);
  EXPECT_EQ(g.attr_string("data_sha256").size(), 64u);
}

TEST(EntropyCli, BadDataFileGivesLineAndExitCode2) {
  TempDir tmp;
  ASSERT_EQ(run_cli("init --config tiny --out " + (tmp / "m")).exit_code, 0);
  std::ofstream(tmp / "bad.jsonl") << "{\"text\": \"fine\"}\n{\"text\": \"fine\"}\n{\"text\" \"broken\"}\n";
  auto r = run_cli("entropy --model " + (tmp / "m") + " --data " + (tmp / "bad.jsonl") +
                   " --lengths 8 --out " + (tmp / "e.h5") + " --run x");
  EXPECT_TRUE(refused_with(r, "bad.jsonl:3"));
  EXPECT_FALSE(std::filesystem::exists(tmp / "e.h5"));
  auto r2 = run_cli("entropy --model " + (tmp / "m") + " --tokens-file " + (tmp / "bad.jsonl") + " --out " +
                    (tmp / "e.h5") + " --run x");
  EXPECT_EQ(r2.exit_code, 2) << r2.output;
}
