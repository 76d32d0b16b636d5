// `ropelab plan` end to end: its predicted peak against the peak tensor memory that the counting
// allocator measures in `ropelab bench train` (the real trainer) for the tiny presets, with and
// without checkpointing; the 7B plan's state components against hand arithmetic; bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>

#include "test_util.h"

using ropelab::testing::refused_with;
using ropelab::testing::run_cli;

namespace {

// `ropelab plan` output: "peak: 1.23 GiB (1320702443 bytes) at ..." and
// "forward + backward peak: ... (N bytes)".
struct Predicted {
  double step_mib = -1, fwd_bwd_mib = -1;
};
Predicted plan_peaks(const std::string& out) {
  Predicted p;
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"(\npeak: [^\n]* \((\d+) bytes\))")))
    p.step_mib = std::stod(m[1]) / (1 << 20);
  if (std::regex_search(out, m, std::regex(R"(forward \+ backward peak: [^\n]* \((\d+) bytes\))")))
    p.fwd_bwd_mib = std::stod(m[1]) / (1 << 20);
  return p;
}

struct Measured {
  double fwd_bwd_mib, step_mib;
};
// bench train rows: T, checkpoint, tokens/s, s/step, RSS MiB, fwd+bwd MiB, its plan, step MiB, its plan.
std::map<std::pair<int64_t, std::string>, Measured> measured_peaks(const std::string& out) {
  std::map<std::pair<int64_t, std::string>, Measured> r;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    int64_t T;
    std::string ck;
    double tps, sps, rss, fb, fb_plan, step;
    if (ls >> T >> ck >> tps >> sps >> rss >> fb >> fb_plan >> step && (ck == "on" || ck == "off"))
      r[{T, ck}] = {fb, step};
  }
  return r;
}

bool has(const std::string& out, const std::string& pattern) {
  return std::regex_search(out, std::regex(pattern));
}

}  // namespace

TEST(PlanCli, PredictsMeasuredPeakOfTinyPresetsWithinTenPercent) {
  for (auto [arch, lengths] : {std::pair<std::string, std::string>{"tiny", "256,512"}, {"tiny-gqa", "512"}}) {
    SCOPED_TRACE(arch);
    auto bench = run_cli("bench train --arch " + arch + " --lengths " + lengths +
                         " --checkpointing off,on --steps 1 --threads 2");
    ASSERT_EQ(bench.exit_code, 0) << bench.output;
    auto measured = measured_peaks(bench.output);
    ASSERT_EQ(measured.size(), arch == "tiny" ? 4u : 2u) << bench.output;
    for (const auto& [key, m] : measured) {
      const auto& [T, ck] = key;
      auto plan = run_cli("plan --arch " + arch + " --dtype fp32 --max-length " + std::to_string(T) +
                          (ck == "on" ? " --checkpoint-layers" : ""));
      ASSERT_EQ(plan.exit_code, 0) << plan.output;
      const Predicted p = plan_peaks(plan.output);
      const std::string where =
          "T " + std::to_string(T) + " checkpointing " + ck + "\n" + plan.output + bench.output;
      EXPECT_NEAR(p.step_mib / m.step_mib, 1.0, 0.10) << "step peak: " << where;
      EXPECT_NEAR(p.fwd_bwd_mib / m.fwd_bwd_mib, 1.0, 0.10) << "forward + backward peak: " << where;
    }
    // Checkpointing must save memory at 512 tokens.
    const double on = measured[{512, "on"}].fwd_bwd_mib, off = measured[{512, "off"}].fwd_bwd_mib;
    EXPECT_LT(on, off);
  }
}

TEST(PlanCli, SevenBStateComponentsMatchHandArithmetic) {
  auto r = run_cli(
      "plan --arch llama2-7b --max-length 16384 --world-size 4 --zero 2 --checkpoint-layers "
      "--gpu-memory 80GB");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // LLaMA-2-7B: 32 × (4·4096² + 3·4096·11008 + 2·4096) + 2·32000·4096 + 4096 = 6,738,415,616.
  EXPECT_NE(r.output.find("6738415616 parameters"), std::string::npos) << r.output;
  // bf16 weights 2P = 13,476,831,232 B = 12.55 GiB; AdamW moments 2·4P / 4 ranks = 12.55 GiB;
  // fp32 master 4P / 4 = 6.28 GiB (6,738,415,616 B); ZeRO-2 fp32 gradients 4P / 4 = 6.28 GiB.
  EXPECT_TRUE(has(r.output, R"(weights \(16-bit\)\s+12\.55 GiB)")) << r.output;
  EXPECT_TRUE(has(r.output, R"(AdamW moments \(fp32\)\s+12\.55 GiB)")) << r.output;
  EXPECT_TRUE(has(r.output, R"(fp32 master weights\s+6\.28 GiB)")) << r.output;
  EXPECT_TRUE(has(r.output, R"(gradients, fp32 \(reduced, to AdamW\)\s+6\.28 GiB)")) << r.output;
  // 32 layer inputs of 16384 × 4096 bf16 = 4 GiB, plus the final norm's 16384 × 4096 × (4 + 2·2) B = 0.5 GiB.
  EXPECT_TRUE(has(r.output, R"(saved activations\s+4\.50 GiB)")) << r.output;
  EXPECT_NE(r.output.find("fits in 80GB"), std::string::npos) << r.output;
  // Unsharded, the same run does not fit: 2P + 4P + 8P + 2P + 4P = 20P = 125.5 GiB of state alone.
  auto z0 = run_cli(
      "plan --arch llama2-7b --max-length 16384 --world-size 4 --zero 0 --checkpoint-layers --gpu-memory "
      "80GB");
  ASSERT_EQ(z0.exit_code, 0) << z0.output;
  EXPECT_NE(z0.output.find("does NOT fit in 80GB"), std::string::npos) << z0.output;
}

TEST(PlanCli, BadInputIsOneLineExitTwo) {
  const std::pair<std::string, std::string> cases[] = {
      {"--arch tiny --zero 3", "--zero (3) must be 0, 1 or 2"},
      {"--arch tiny --gpu-memory 80XB", "--gpu-memory: unknown unit 'XB'"},
      {"--arch tiny --gpu-memory 0", "--gpu-memory must be a positive size"},
      {"--arch nope", "--arch 'nope': not a preset"},
      {"", "give exactly one of --arch"},
      {"--arch tiny --max-length 1", "--max-length (1) must be in [2, 2^24]"},
  };
  for (const auto& [args, expect] : cases) {
    auto r = run_cli("plan " + args);
    EXPECT_TRUE(refused_with(r, expect));
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << args << "\n" << r.output;
  }
}
