// `ropelab finetune` end to end: output layout and log, bit-identical resume, two Gloo processes
// against one, the NaN stop, the output-directory policy and bad options (exit code 2).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <fstream>
#include <map>

#include "core/io/h5.h"
#include "core/io/safetensors.h"
#include "core/output/output_file.h"
#include "core/util/files.h"
#include "train_test_util.h"

using namespace ropelab::testing;
namespace fs = std::filesystem;

namespace {

// The finetune command line with small defaults; options named in `extra` replace the defaults.
std::string ft_args(const std::string& model, const std::string& data, const std::string& out,
                    const std::string& extra = "") {
  const std::vector<std::pair<std::string, std::string>> defaults = {
      {"--global-batch", "8"}, {"--micro-batch", "2"},  {"--epochs", "2"},
      {"--lr", "2e-3"},        {"--max-length", "128"}, {"--threads", "1"}};
  std::string args = "finetune --model " + model + " --data " + data + " --out " + out + " " + extra;
  for (const auto& [k, v] : defaults)
    if (extra.find(k + " ") == std::string::npos && extra.find(k + "=") == std::string::npos)
      args += " " + k + " " + v;
  return args;
}

double max_param_diff(const std::string& a, const std::string& b) {
  ropelab::SafetensorsFile fa(a + "/model.safetensors"), fb(b + "/model.safetensors");
  double m = 0;
  for (const auto& [name, e] : fa.entries())
    m = std::max(m, (fa.view(name) - fb.view(name)).abs().max().item<double>());
  return m;
}

std::vector<double> logged(const std::string& file, const std::string& run, const std::string& series) {
  auto f = ropelab::h5::H5File::open_read(file);
  return f.dataset("/train/" + run + "/" + series).read<double>().data;
}

// "rank R: optimizer state N bytes, fp32 gradient buffers G bytes" printed by each worker.
std::pair<int64_t, int64_t> state_bytes(const std::string& output, int rank) {
  const std::string key = "rank " + std::to_string(rank) + ": optimizer state ";
  const auto at = output.find(key);
  if (at == std::string::npos) return {-1, -1};
  const auto g = output.find("gradient buffers ", at);
  return {std::stoll(output.substr(at + key.size())), std::stoll(output.substr(g + 17))};
}

// Parameters of make_micro_model_dir's model, counted by hand: embed and lm_head 600 x 64 each;
// per layer q, o 64 x 64, k, v 32 x 64, gate, up 128 x 64, down 64 x 128, two norms 64; final norm.
constexpr int64_t kMicroParams = 2 * 600 * 64 + 2 * (2 * 4096 + 2 * 2048 + 3 * 8192 + 2 * 64) + 64;

}  // namespace

TEST(FinetuneCli, WritesAModelWithTheRopeMethodAndAStepLog) {
  TempDir tmp;
  const auto base = make_micro_model_dir(tmp);
  write_sharegpt(tmp / "chat.json", 20);
  auto r =
      run_cli(ft_args(base, tmp / "chat.json", tmp / "ext", " --samples 18 --rope yarn --rope-factor 4"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("18 samples / global batch 8 = 2 steps per epoch (2 dropped) x 2 epochs = 4 steps"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("step 4/4"), std::string::npos);
  auto cfg = ropelab::read_json_file(tmp / "ext/config.json");
  EXPECT_EQ(cfg["rope_scaling"]["rope_type"], "yarn");
  EXPECT_EQ(cfg["rope_scaling"]["factor"], 4.0);
  EXPECT_TRUE(fs::exists(tmp / "ext/tokenizer.model"));
  auto loss = logged(tmp / "ext/train.h5", "ext", "loss");
  ASSERT_EQ(loss.size(), 4u);
  EXPECT_EQ(logged(tmp / "ext/train.h5", "ext", "lr").size(), 4u);
  auto f = ropelab::h5::H5File::open_read(tmp / "ext/train.h5");
  auto g = f.open_group("/train/ext");
  EXPECT_TRUE(ropelab::output::is_complete(g));
  EXPECT_EQ(g.attr_int("total_steps"), 4);
  EXPECT_FALSE(f.attr_string("git_sha").empty());
  // The result loads and runs with the toolkit.
  auto info = run_cli("info --model " + (tmp / "ext") + " --tensors false");
  EXPECT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("yarn"), std::string::npos) << info.output;
  // A finished output is never replaced without --overwrite.
  auto again = run_cli(ft_args(base, tmp / "chat.json", tmp / "ext"));
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.output.find("already holds a finished model; pass --overwrite"), std::string::npos)
      << again.output;
}

TEST(FinetuneCli, ResumeIsBitIdenticalToAnUninterruptedRun) {
  TempDir tmp;
  const auto base = make_micro_model_dir(tmp);
  write_sharegpt(tmp / "chat.json", 24);
  ASSERT_EQ(run_cli(ft_args(base, tmp / "chat.json", tmp / "full", " --save-every 2 --keep-checkpoints 3"))
                .exit_code,
            0);
  // "Interrupted" run: only the state after step 2 survives.
  fs::create_directories(tmp / "part/checkpoints");
  fs::copy(tmp / "full/checkpoints/step-000002", tmp / "part/checkpoints/step-000002",
           fs::copy_options::recursive);
  auto refused = run_cli(ft_args(base, tmp / "chat.json", tmp / "part"));
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.output.find("holds an unfinished run (step-000002); pass --resume"), std::string::npos)
      << refused.output;
  auto r =
      run_cli(ft_args(base, tmp / "chat.json", tmp / "part", " --save-every 2 --resume " + (tmp / "part")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("resumed at step 2"), std::string::npos) << r.output;
  EXPECT_EQ(max_param_diff(tmp / "full", tmp / "part"), 0.0);
  EXPECT_EQ(ropelab::sha256_file(tmp / "full/model.safetensors"),
            ropelab::sha256_file(tmp / "part/model.safetensors"));
  // A different setting is refused, naming it.
  fs::remove_all(tmp / "part2");
  fs::create_directories(tmp / "part2/checkpoints");
  fs::copy(tmp / "full/checkpoints/step-000002", tmp / "part2/checkpoints/step-000002",
           fs::copy_options::recursive);
  auto diff =
      run_cli(ft_args(base, tmp / "chat.json", tmp / "part2", " --seed 9 --resume " + (tmp / "part2")));
  EXPECT_TRUE(refused_with(diff, "cannot resume: 'train' differs"));
}

TEST(FinetuneCli, TwoGlooProcessesMatchOneProcess) {
  TempDir tmp;
  const auto base = make_micro_model_dir(tmp);
  write_sharegpt(tmp / "chat.json", 16);
  // Micro-batch 4 = global batch / world size: both runs add the same two micro-batch gradients
  // (a + b == b + a), so the comparison tests the data-parallel plumbing, not summation order.
  auto one = run_cli(ft_args(base, tmp / "chat.json", tmp / "one", " --micro-batch 4"));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  auto two = run_cli(ft_args(base, tmp / "chat.json", tmp / "two", " --micro-batch 4 --nproc 2"));
  ASSERT_EQ(two.exit_code, 0) << two.output;
  EXPECT_NE(two.output.find("launching 2 local workers"), std::string::npos) << two.output;
  EXPECT_NE(two.output.find("micro-batch 4 x accumulation 1 x world size 2"), std::string::npos)
      << two.output;
  EXPECT_LE(max_param_diff(tmp / "one", tmp / "two"), 1e-6);
  EXPECT_GT(max_param_diff(base, tmp / "one"),
            1e-4);  // training moved the weights: the comparison means something
  auto l1 = logged(tmp / "one/train.h5", "one", "loss"), l2 = logged(tmp / "two/train.h5", "two", "loss");
  ASSERT_EQ(l1.size(), l2.size());
  for (size_t i = 0; i < l1.size(); ++i) EXPECT_NEAR(l1[i], l2[i], 1e-5);
}

TEST(FinetuneCli, ZeroShardsMatchTheReplicatedRunAndHalveTheOptimizerState) {
  TempDir tmp;
  const auto base = make_micro_model_dir(tmp);
  write_sharegpt(tmp / "chat.json", 24);
  // Global batch 8 over 2 ranks in micro-batches of 2: accumulation 2 per rank.
  std::map<int, CommandResult> runs;
  for (int z : {0, 1, 2}) {
    const std::string out = tmp / ("z" + std::to_string(z));
    runs[z] =
        run_cli(ft_args(base, tmp / "chat.json", out, " --nproc 2 --steps 6 --zero " + std::to_string(z)));
    ASSERT_EQ(runs[z].exit_code, 0) << runs[z].output;
    EXPECT_NE(runs[z].output.find("step 6/6"), std::string::npos) << runs[z].output;
  }
  EXPECT_LE(max_param_diff(tmp / "z0", tmp / "z1"), 1e-6);
  EXPECT_LE(max_param_diff(tmp / "z0", tmp / "z2"), 1e-6);
  EXPECT_GT(max_param_diff(base, tmp / "z0"), 1e-4);  // training moved the weights
  for (int r : {0, 1}) {
    // fp32 compute: the master is the model itself; AdamW keeps two fp32 moments (8 bytes per
    // parameter), halved when each rank owns half of the flat parameter vector (P is even).
    EXPECT_EQ(state_bytes(runs[0].output, r), std::make_pair(8 * kMicroParams, 4 * kMicroParams))
        << runs[0].output;
    EXPECT_EQ(state_bytes(runs[1].output, r), std::make_pair(4 * kMicroParams, 4 * kMicroParams))
        << runs[1].output;
    EXPECT_EQ(state_bytes(runs[2].output, r), std::make_pair(4 * kMicroParams, 2 * kMicroParams))
        << runs[2].output;
  }
}

TEST(FinetuneCli, ZeroResumeIsBitIdenticalAndAnotherShardingIsRefused) {
  TempDir tmp;
  const auto base = make_micro_model_dir(tmp);
  write_sharegpt(tmp / "chat.json", 24);
  const std::string z2 = " --nproc 2 --zero 2 --save-every 2";
  ASSERT_EQ(run_cli(ft_args(base, tmp / "chat.json", tmp / "full", z2 + " --keep-checkpoints 3")).exit_code,
            0);
  const fs::path step2 = fs::path(tmp / "full") / "checkpoints/step-000002";
  for (const char* f :
       {"master-rank-00000-of-00002.safetensors", "master-rank-00001-of-00002.safetensors",
        "optimizer-rank-00000-of-00002.safetensors", "optimizer-rank-00001-of-00002.safetensors"})
    EXPECT_TRUE(fs::exists(step2 / f)) << f;
  EXPECT_FALSE(fs::exists(step2 / "master.safetensors"));
  auto interrupted = [&](const std::string& name) {
    fs::create_directories(fs::path(tmp / name) / "checkpoints");
    fs::copy(step2, fs::path(tmp / name) / "checkpoints/step-000002", fs::copy_options::recursive);
    return tmp / name;
  };
  const auto part = interrupted("part");
  auto r = run_cli(ft_args(base, tmp / "chat.json", part, z2 + " --resume " + part));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("resumed at step 2"), std::string::npos) << r.output;
  EXPECT_EQ(ropelab::sha256_file(tmp / "full/model.safetensors"),
            ropelab::sha256_file(part + "/model.safetensors"));
  // One rank, or another stage, cannot take over two ranks' shards.
  for (const std::string& other : {std::string(" --zero 2"), std::string(" --nproc 2 --zero 1")}) {
    const auto p = interrupted("other" + std::to_string(other.size()));
    auto refused = run_cli(ft_args(base, tmp / "chat.json", p, other + " --resume " + p));
    EXPECT_TRUE(refused_with(refused, "cannot resume: the state was written with --zero 2 as 2 shard(s)"));
    EXPECT_NE(refused.output.find("Re-sharding optimizer state is not supported"), std::string::npos)
        << refused.output;
  }
}

TEST(FinetuneCli, AMissingPeerFailsWithinTheTimeoutInsteadOfHanging) {
  TempDir tmp;
  const auto base = make_micro_model_dir(tmp);
  write_sharegpt(tmp / "chat.json", 16);
  const auto t0 = std::chrono::steady_clock::now();
  auto r =
      run_command("WORLD_SIZE=2 RANK=0 MASTER_ADDR=127.0.0.1 MASTER_PORT=29731 " + std::string(ROPELAB_BIN) +
                  " " + ft_args(base, tmp / "chat.json", tmp / "out", " --dist-timeout 3"));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(r.exit_code, 0);
  EXPECT_LT(secs, 30.0);
  EXPECT_NE(r.output.find("rendezvous at MASTER_ADDR=127.0.0.1 MASTER_PORT=29731 failed for rank 0 of 2"),
            std::string::npos)
      << r.output;
}

TEST(FinetuneCli, NanLossStopsAndKeepsTheLastGoodCheckpoint) {
  TempDir tmp;
  const auto base = make_micro_model_dir(tmp);
  write_sharegpt(tmp / "chat.json", 24);
  auto r =
      run_cli(ft_args(base, tmp / "chat.json", tmp / "out", " --lr 1e30 --clip-grad-norm 0 --save-every 1"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("training stopped: step "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("stopped before applying the update. Last good checkpoint: "), std::string::npos);
  EXPECT_FALSE(fs::exists(tmp / "out/config.json"));
  EXPECT_TRUE(fs::exists(tmp / "out/checkpoints"));
}

TEST(FinetuneCli, BadInputGivesExitCode2AndAOneLineError) {
  TempDir tmp;
  const auto base = make_micro_model_dir(tmp);
  write_sharegpt(tmp / "chat.json", 8);
  std::ofstream(tmp / "notjson.txt") << "hello, world\n";
  std::ofstream(tmp / "zero.ini") << "zero = 3\n";  // the INI files take --zero too
  struct Case {
    std::string args, expect;
  };
  const std::vector<Case> cases = {
      {ft_args(base, tmp / "notjson.txt", tmp / "o1"), "notjson.txt:1:1: not ShareGPT JSON"},
      {ft_args(base, tmp / "missing.json", tmp / "o2"), "missing.json"},
      {ft_args(base, tmp / "chat.json", tmp / "o3", " --micro-batch 3"),
       "--global-batch (8) must be a multiple of --micro-batch (3)"},
      {ft_args(base, tmp / "chat.json", tmp / "o4", " --samples 50"), "--samples (50) exceeds the"},
      {ft_args(base, tmp / "chat.json", tmp / "o5", " --lr=-1"), "--lr (-1) must be a finite number > 0"},
      {ft_args(base, tmp / "chat.json", tmp / "o6", " --rope yarn --rope-factor 0.5"), "factor"},
      {ft_args(base, tmp / "chat.json", tmp / "o7", " --global-batch 16"), "fewer than one global batch"},
      {ft_args(base, tmp / "chat.json", tmp / "o8", " --overwrite --resume x"),
       "--overwrite and --resume exclude each other"},
      {ft_args(base, tmp / "chat.json", tmp / "o9", " --config " + (tmp / "zero.ini")),
       "--zero (3) must be 0, 1 or 2"},
  };
  for (const auto& c : cases) {
    auto r = run_cli(c.args);
    EXPECT_TRUE(refused_with(r, c.expect));
  }
}
