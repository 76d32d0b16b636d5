// --config files compose: a study's shared recipe and one method's `rope…` lines are two files, a key
// set by two files is refused naming both, and the command line overrides every file. The committed
// study configs (experiments/configs/{mini,paper}) are exercised as the scripts give them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/util/files.h"
#include "test_util.h"
#include "train_test_util.h"

using namespace ropelab::testing;  // the shared test helpers (tests/*_util.h)
namespace fs = std::filesystem;

namespace {

const std::string kConfigs = std::string(ROPELAB_SOURCE_DIR) + "/experiments/configs";

// The `rope: {...}` line `ropelab info` prints, parsed.
nlohmann::json info_rope(const std::string& output) {
  const auto at = output.find("rope: ");
  if (at == std::string::npos) return nullptr;
  const auto end = output.find('\n', at);
  return nlohmann::json::parse(output.substr(at + 6, end - at - 6), nullptr, false);
}

TEST(ConfigFilesCli, FilesComposeAndTheCommandLineOverridesThem) {
  TempDir tmp;
  ASSERT_EQ(run_cli("init --config tiny --out " + (tmp / "m")).exit_code, 0);
  std::ofstream(tmp / "method.ini") << "rope = yarn\n";
  std::ofstream(tmp / "factor.ini") << "rope-factor = 8\n";
  const std::string both = " --config " + (tmp / "method.ini") + " --config " + (tmp / "factor.ini");
  auto r = run_cli("info --model " + (tmp / "m") + both);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto rope = info_rope(r.output);
  EXPECT_EQ(rope["rope_type"], "yarn") << r.output;
  EXPECT_EQ(rope["factor"], 8.0) << r.output;

  r = run_cli("info --model " + (tmp / "m") + both + " --rope-factor 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(info_rope(r.output)["factor"], 2.0) << r.output;
}

TEST(ConfigFilesCli, AKeyInTwoFilesOrANestedConfigIsRefused) {
  TempDir tmp;
  ASSERT_EQ(run_cli("init --config tiny --out " + (tmp / "m")).exit_code, 0);
  std::ofstream(tmp / "a.ini") << "rope = yarn\nrope-factor = 4\n";
  std::ofstream(tmp / "b.ini") << "rope-factor = 8\n";
  auto r = run_cli("info --model " + (tmp / "m") + " --config " + (tmp / "a.ini") + " --config " +
                   (tmp / "b.ini"));
  EXPECT_TRUE(refused_with(r, "b.ini: 'rope-factor' is already set by " + (tmp / "a.ini")));

  std::ofstream(tmp / "nested.ini") << "config = " << (tmp / "a.ini") << "\n";
  r = run_cli("info --model " + (tmp / "m") + " --config " + (tmp / "nested.ini"));
  EXPECT_TRUE(refused_with(r, "nested.ini: a config file cannot name another one"));
}

// Every committed method file resolves to the RoPE record its comment describes.
TEST(ConfigFilesCli, CommittedMethodFilesResolve) {
  TempDir tmp;
  ASSERT_EQ(run_cli("init --config tiny --out " + (tmp / "m")).exit_code, 0);
  const std::map<std::string, std::pair<std::string, double>> expected = {
      // file -> (rope_type, rope_theta)
      // The mini files set ABF's base to 50 x the mini model's 200 (10,000) and EABF-without-ABF's
      // to 200 explicitly; the others keep the model's base (here the tiny preset's 10,000).
      {"mini/methods/control.ini", {"default", 10000}},
      {"mini/methods/pi.ini", {"linear", 10000}},
      {"mini/methods/ntk_by_parts.ini", {"ntk_by_parts", 10000}},
      {"mini/methods/yarn.ini", {"yarn", 10000}},
      {"mini/methods/yarn-beta32.ini", {"yarn", 10000}},
      {"mini/methods/abf.ini", {"abf", 10000}},
      {"mini/methods/eabf.ini", {"eabf", 10000}},
      {"mini/methods/eabf-all-layers.ini", {"eabf", 10000}},
      {"mini/methods/eabf-constant.ini", {"eabf", 10000}},
      {"mini/methods/eabf-no-abf.ini", {"eabf", 200}},
      {"mini/methods/eabf-no-floor.ini", {"eabf", 10000}},
      {"paper/methods/pi.ini", {"linear", 10000}},
      {"paper/methods/ntk_by_parts.ini", {"ntk_by_parts", 10000}},
      {"paper/methods/yarn.ini", {"yarn", 10000}},
      {"paper/methods/abf.ini", {"abf", 500000}},
      {"paper/methods/eabf.ini", {"eabf", 500000}}};
  size_t seen = 0;
  for (const char* family : {"mini", "paper"})
    for (const auto& e : fs::directory_iterator(kConfigs + "/" + family + "/methods")) {
      const std::string key = std::string(family) + "/methods/" + e.path().filename().string();
      ASSERT_TRUE(expected.count(key)) << "no expectation for " << key;
      auto r = run_cli("info --model " + (tmp / "m") + " --config " + e.path().string());
      ASSERT_EQ(r.exit_code, 0) << key << ": " << r.output;
      auto rope = info_rope(r.output);
      EXPECT_EQ(rope["rope_type"], expected.at(key).first) << key;
      EXPECT_EQ(rope["rope_theta"], expected.at(key).second) << key;
      // YaRN / NTK-by-parts of the miniature: beta_fast 8 (LLaMA-2's split on its geometry), the
      // ablation the literal 32.
      if (key == "mini/methods/yarn.ini" || key == "mini/methods/ntk_by_parts.ini")
        EXPECT_EQ(rope["beta_fast"], 8.0) << key;
      if (key == "mini/methods/yarn-beta32.ini") EXPECT_EQ(rope["beta_fast"], 32.0) << key;
      ++seen;
    }
  EXPECT_EQ(seen, expected.size());
}

// The miniature's recipe plus a method file drives a real fine-tune (sizes cut down on the command
// line, which overrides the files); the paper's recipes parse as finetune options (the run then
// stops at the missing data file, not at a key).
TEST(ConfigFilesCli, StudyRecipesPlusMethodFilesDriveFinetune) {
  TempDir tmp;
  const auto base = make_micro_model_dir(tmp);
  write_sharegpt(tmp / "chat.json", 8);
  auto r =
      run_cli("finetune --config " + kConfigs + "/mini/finetune.ini --config " + kConfigs +
              "/mini/methods/yarn.ini --model " + base + " --data " + (tmp / "chat.json") + " --out " +
              (tmp / "ext") + " --samples 8 --global-batch 4 --micro-batch 2 --max-length 64 --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("8 samples / global batch 4 = 2 steps per epoch"), std::string::npos) << r.output;
  auto cfg = ropelab::read_json_file(tmp / "ext/config.json");
  EXPECT_EQ(cfg["rope_scaling"]["rope_type"], "yarn");
  EXPECT_EQ(cfg["rope_scaling"]["factor"], 4.0);

  for (const char* table : {"table2", "table5"}) {
    r = run_cli("finetune --config " + kConfigs + "/paper/" + table + ".ini --config " + kConfigs +
                "/paper/methods/eabf.ini --model " + base + " --data " + (tmp / "absent.json") + " --out " +
                (tmp / table) + " --device cpu --dtype fp32 --zero 0 --threads 1");
    EXPECT_TRUE(refused_with(r, "absent.json"));
    EXPECT_EQ(r.output.find("--config"), std::string::npos) << table << ": " << r.output;
  }
}

}  // namespace
