// The output-file policy (core/output/output_file.h) through the commands: a training log or an
// eval file offered to the entropy reader is refused naming both kinds; every writer's CLI
// refuses the same bad run names; `forward` leaves no temporary when writing fails; the trained
// window an entropy run stores is c for a plain LLaMA config and for a Phi-3-style longrope one.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/io/h5.h"
#include "core/util/files.h"
#include "train_test_util.h"

using namespace ropelab::testing;
namespace fs = std::filesystem;
namespace h5 = ropelab::h5;

namespace {

void write_ids(const std::string& path, int n) {
  std::ofstream ids(path);
  for (int i = 0; i < n; ++i) ids << (i * 37 + 5) % 500 << " ";
}

int64_t stored_window(const std::string& file, const std::string& run) {
  return h5::H5File::open_read(file).open_group("/runs/" + run).attr_int("trained_window");
}

const std::vector<std::string> kBadRunNames = {".", "..", "a/b", "''"};  // '' = the empty name

}  // namespace

TEST(OutputPolicyCli, EntropyReportRefusesTrainingLogAndEvalFile) {
  TempDir tmp;
  const std::string model = make_micro_model_dir(tmp);
  write_sharegpt(tmp / "chat.json", 8);
  auto ft =
      run_cli("finetune --model " + model + " --data " + (tmp / "chat.json") + " --out " + (tmp / "ft") +
              " --global-batch 4 --micro-batch 2 --epochs 1 --max-length 128 --threads 1");
  ASSERT_EQ(ft.exit_code, 0) << ft.output;
  auto rep = run_cli("report entropy " + (tmp / "ft/train.h5"));
  EXPECT_EQ(rep.exit_code, 2) << rep.output;
  EXPECT_NE(rep.output.find("train.h5: a train_log file (schema v2), not an entropy file"), std::string::npos)
      << rep.output;

  {
    std::ofstream d(tmp / "docs.txt");
    for (int i = 0; i < 8; ++i)
      d << "A fortune number " << i << " says that the cat sat on the mat again.\n\n";
  }
  auto ppl = run_cli("ppl --threads 1 --model " + model + " --data " + (tmp / "docs.txt") +
                     " --lengths 32 --out " + (tmp / "eval.h5") + " --run base");
  ASSERT_EQ(ppl.exit_code, 0) << ppl.output;
  rep = run_cli("report entropy " + (tmp / "eval.h5"));
  EXPECT_EQ(rep.exit_code, 2) << rep.output;
  EXPECT_NE(rep.output.find("eval.h5: an eval file (schema v2), not an entropy file"), std::string::npos)
      << rep.output;

  // And the other way round: the entropy writer does not add a run to a training log.
  write_ids(tmp / "ids.txt", 16);
  auto ent = run_cli("entropy --threads 1 --model " + model + " --tokens-file " + (tmp / "ids.txt") +
                     " --out " + (tmp / "ft/train.h5") + " --run base");
  EXPECT_EQ(ent.exit_code, 2) << ent.output;
  EXPECT_NE(ent.output.find("a train_log file (schema v2), not an entropy file"), std::string::npos)
      << ent.output;
}

TEST(OutputPolicyCli, EveryWriterRefusesBadRunNames) {
  TempDir tmp;
  const std::string model = make_micro_model_dir(tmp);
  write_ids(tmp / "ids.txt", 16);
  write_sharegpt(tmp / "chat.json", 8);
  {
    std::ofstream d(tmp / "docs.txt");
    d << "Some words for the perplexity command.\n";
  }
  const std::vector<std::string> commands = {
      "entropy --model " + model + " --tokens-file " + (tmp / "ids.txt") + " --out " + (tmp / "e.h5"),
      "passkey --model " + model + " --lengths 32 --trials 1 --out " + (tmp / "p.h5"),
      "ppl --model " + model + " --data " + (tmp / "docs.txt") + " --lengths 32 --out " + (tmp / "p.h5"),
      "finetune --model " + model + " --data " + (tmp / "chat.json") + " --out " + (tmp / "ft") +
          " --global-batch 4 --micro-batch 2 --epochs 1 --max-length 128",
  };
  for (const auto& cmd : commands)
    for (const auto& name : kBadRunNames) {
      auto r = run_cli(cmd + " --threads 1 --run " + name);
      EXPECT_EQ(r.exit_code, 2) << cmd << " --run " << name << "\n" << r.output;
      const std::string quoted = name == "''" ? name : "'" + name + "'";  // the message quotes the name
      EXPECT_NE(r.output.find("run"), std::string::npos) << r.output;
      EXPECT_NE(r.output.find(quoted), std::string::npos) << r.output;
    }
  EXPECT_FALSE(fs::exists(tmp / "e.h5"));
  EXPECT_FALSE(fs::exists(tmp / "p.h5"));
  EXPECT_FALSE(fs::exists(tmp / "ft/train.h5"));
  // NAME@T is a valid name: the entropy command's per-length runs.
  auto ok = run_cli(commands[0] + " --threads 1 --run a@16");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
}

TEST(OutputPolicyCli, ForwardRemovesItsTemporaryWhenWritingFails) {
  TempDir tmp;
  const std::string model = make_micro_model_dir(tmp);
  write_ids(tmp / "ids.txt", 64);  // logits alone: 64 x 600 float32 = 150 KiB
  fs::create_directories(tmp / "out");
  // A file-size limit of 8 KiB (SIGXFSZ ignored, so the write fails with EFBIG instead of a kill):
  // the model and ids are read, the temporary is created, and writing the logits fails.
  auto r =
      run_command("trap '' XFSZ; ulimit -f 8; " + std::string(ROPELAB_BIN) + " forward --threads 1 --model " +
                  model + " --tokens-file " + (tmp / "ids.txt") + " --out " + (tmp / "out/f.h5") + " 2>&1");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_FALSE(fs::exists(tmp / "out/f.h5")) << r.output;
  for (const auto& e : fs::directory_iterator(tmp / "out")) ADD_FAILURE() << "left behind: " << e.path();

  // Without the limit the same command writes the file, stamped as a forward file.
  auto ok = run_cli("forward --threads 1 --model " + model + " --tokens-file " + (tmp / "ids.txt") +
                    " --out " + (tmp / "out/f.h5"));
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  auto f = h5::H5File::open_read(tmp / "out/f.h5");
  EXPECT_EQ(f.attr_string("schema_kind"), "forward");
  EXPECT_TRUE(f.attr_bool("complete"));
  EXPECT_EQ(f.dataset("logits").shape(), (h5::Shape{64, 600}));
}

TEST(OutputPolicyCli, EntropyStoresTheTrainedWindow) {
  TempDir tmp;
  const std::string model = make_micro_model_dir(tmp);  // max_position_embeddings 64, no rope_scaling
  write_ids(tmp / "ids.txt", 16);
  const std::string base =
      "entropy --threads 1 --tokens-file " + (tmp / "ids.txt") + " --out " + (tmp / "e.h5");
  ASSERT_EQ(run_cli(base + " --model " + model + " --run llama").exit_code, 0);
  EXPECT_EQ(stored_window(tmp / "e.h5", "llama"), 64);

  // The same weights under a Phi-3-style longrope config: c = 4096 sits at the top level beside
  // max_position_embeddings 131072 and is absent from rope_scaling.
  const std::string phi = tmp / "phi";
  fs::create_directories(phi);
  for (const auto& e : fs::directory_iterator(model))
    if (e.path().filename() != "config.json") fs::copy(e.path(), fs::path(phi) / e.path().filename());
  nlohmann::json cfg = ropelab::read_json_file(model + "/config.json");
  for (const char* k : {"rope_scaling", "rope_parameters", "ropelab_rope"}) cfg.erase(k);
  cfg["max_position_embeddings"] = 131072;
  cfg["original_max_position_embeddings"] = 4096;
  const int64_t pairs = 64 / 4 / 2;  // head_dim / 2
  cfg["rope_scaling"] = {{"type", "longrope"},
                         {"short_factor", std::vector<double>(size_t(pairs), 1.0)},
                         {"long_factor", std::vector<double>(size_t(pairs), 4.0)}};
  std::ofstream(phi + "/config.json") << cfg.dump();
  auto r = run_cli(base + " --model " + phi + " --run phi3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(stored_window(tmp / "e.h5", "phi3"), 4096);
  auto rep = run_cli("report entropy " + (tmp / "e.h5"));
  ASSERT_EQ(rep.exit_code, 0) << rep.output;
  EXPECT_NE(rep.output.find("c = 4096"), std::string::npos) << rep.output;
  EXPECT_NE(rep.output.find("c = 64"), std::string::npos) << rep.output;
}
