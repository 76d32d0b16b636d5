// `ropelab forward` against an independent float64 NumPy implementation of the same formulas
// (tests/golden/reference_forward.py), for every RoPE method, on MHA/GQA and F32/BF16 tiny
// checkpoints computed in fp32, and the BF16 one computed in bf16, at 4× the trained window.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "rope_method_rows.h"
#include "test_util.h"

using namespace ropelab::testing;  // the shared test helpers (tests/*_util.h)
namespace fs = std::filesystem;

namespace {

bool have_numpy_h5py() { return run_command("/usr/bin/python3 -c 'import numpy, h5py'").exit_code == 0; }

// A micro architecture written as an HF config.json (window 32, so 4× = 128 tokens).
void write_arch(const std::string& path, int kv_heads, bool tied) {
  std::ofstream(path) << R"({"vocab_size": 101, "hidden_size": 64, "intermediate_size": 96,
    "num_hidden_layers": 4, "num_attention_heads": 4, "num_key_value_heads": )"
                      << kv_heads << R"(, "max_position_embeddings": 32, "rms_norm_eps": 1e-5,
    "rope_theta": 10000.0, "tie_word_embeddings": )"
                      << (tied ? "true" : "false") << "}";
}

}  // namespace

TEST(GoldenForward, EveryMethodMatchesTheNumpyReference) {
  if (!have_numpy_h5py()) GTEST_SKIP() << "/usr/bin/python3 lacks numpy/h5py";
  TempDir tmp;
  std::mt19937 rng(5);
  {
    std::ofstream ids(tmp / "ids.txt");
    for (int i = 0; i < 128; ++i) ids << rng() % 101 << " ";
  }
  const std::vector<std::string>& methods = ropelab::testing::rope_method_rows();
  // Tolerances come from the errors measured on these inputs over every method row (2026-12-02, x86
  // CPU, LibTorch 1.13): fp32 compute <= 2.0e-5 (F32 and BF16 checkpoints), so 1e-4; bf16 compute
  // <= 0.39 on logits of std 1.2, so 0.8 — still 4x below the 3.3 that separates the closest pair of
  // method rows (ntk_by_parts vs yarn, which differ only by YaRN's attention factor).
  struct Ckpt {
    std::string name;
    int kv;
    bool tied;
    std::string dtype;          // stored
    std::string compute_dtype;  // --dtype of `ropelab forward`
    double tol;
  };
  for (const Ckpt& c :
       {Ckpt{"mha_f32", 4, false, "fp32", "auto", 1e-4}, Ckpt{"gqa_bf16", 2, true, "bf16", "auto", 1e-4},
        Ckpt{"gqa_bf16", 2, true, "bf16", "bf16", 0.8}}) {
    if (!fs::exists(tmp / c.name)) {
      write_arch(tmp / (c.name + ".json"), c.kv, c.tied);
      // Larger weights than HF's 0.02 init make attention peaked, so RoPE differences show.
      auto init = run_cli("init --config " + (tmp / (c.name + ".json")) +
                          " --seed 11 --init-std 0.15 --dtype " + c.dtype + " --out " + (tmp / c.name));
      ASSERT_EQ(init.exit_code, 0) << init.output;
    }
    for (size_t i = 0; i < methods.size(); ++i) {
      const std::string out = tmp / (c.name + "_" + c.compute_dtype + "_" + std::to_string(i) + ".h5");
      std::string rope = methods[i] == "null" ? "" : " --rope-json '" + methods[i] + "'";
      auto fw = run_cli("forward --model " + (tmp / c.name) + " --tokens-file " + (tmp / "ids.txt") + rope +
                        " --dtype " + c.compute_dtype + " --threads 1 --out " + out);
      ASSERT_EQ(fw.exit_code, 0) << methods[i] << "\n" << fw.output;
      auto ref =
          run_command("/usr/bin/python3 " + std::string(ROPELAB_SOURCE_DIR) +
                      "/tests/golden/reference_forward.py " + (tmp / c.name) + " " + (tmp / "ids.txt") + " " +
                      out + " '" + methods[i] + "' " + std::to_string(c.tol));
      EXPECT_EQ(ref.exit_code, 0) << c.name << " compute " << c.compute_dtype << " " << methods[i] << "\n"
                                  << ref.output;
    }
  }
}

TEST(GoldenForward, RefusesToOverwriteAndRejectsBadTokens) {
  TempDir tmp;
  ASSERT_EQ(run_cli("init --config tiny --out " + (tmp / "m")).exit_code, 0);
  std::ofstream(tmp / "ids.txt") << "1 2 3";
  std::ofstream(tmp / "bad.txt") << "1 two 3";
  ASSERT_EQ(run_cli("forward --model " + (tmp / "m") + " --tokens-file " + (tmp / "ids.txt") + " --out " +
                    (tmp / "o.h5"))
                .exit_code,
            0);
  auto again = run_cli("forward --model " + (tmp / "m") + " --tokens-file " + (tmp / "ids.txt") + " --out " +
                       (tmp / "o.h5"));
  EXPECT_TRUE(refused_with(again, "--overwrite"));
  auto bad = run_cli("forward --model " + (tmp / "m") + " --tokens-file " + (tmp / "bad.txt") + " --out " +
                     (tmp / "p.h5"));
  EXPECT_TRUE(refused_with(bad, "token 2 ('two')"));
}
