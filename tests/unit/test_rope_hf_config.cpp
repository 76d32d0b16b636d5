// Hugging Face config forms written by hand: transformers 5.x rope_parameters (Ministral-3's
// llama_4_scaling_beta included), the export HF re-derives its YaRN factor from, and the EABF
// authors' released rope_scaling form.
#include <gtest/gtest.h>

#include <cmath>

#include "rope_test_util.h"

using namespace ropelab;
using namespace ropelab::testing;  // the shared test helpers (tests/*_util.h)

TEST(RopeConfig, TransformersV5RopeParametersAreRead) {
  auto j = micro_config_json();
  j["rope_parameters"] = {{"rope_type", "yarn"},
                          {"factor", 4.0},
                          {"original_max_position_embeddings", 32},
                          {"rope_theta", 20000.0}};
  auto c = read_config(j);
  EXPECT_EQ(c.rope.type, "yarn");
  EXPECT_EQ(c.rope.theta, 20000.0);
  auto old = micro_config_json();
  old["rope_theta"] = 20000.0;
  old["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}, {"original_max_position_embeddings", 32}};
  EXPECT_EQ(c.rope.inv_freq(128), read_config(old).rope.inv_freq(128));
  EXPECT_EQ(c.rope.attention_factor(128), read_config(old).rope.attention_factor(128));

  auto d = micro_config_json();
  d["rope_parameters"] = {{"rope_type", "default"}, {"rope_theta", 500000.0}, {"partial_rotary_factor", 0.5}};
  auto dc = read_config(d);
  EXPECT_EQ(dc.rope.type, "default");
  EXPECT_EQ(dc.rope.theta, 500000.0);
  EXPECT_EQ(dc.rope.rotary_dim, 8);

  // Ministral-3's form: YaRN with llama_4_scaling_beta → the llama4 policy on every layer.
  auto m = micro_config_json();
  m["max_position_embeddings"] = 512;
  m["rope_parameters"] = {{"rope_type", "yarn"},
                          {"type", "yarn"},
                          {"factor", 16.0},
                          {"original_max_position_embeddings", 32},
                          {"llama_4_scaling_beta", 0.1},
                          {"beta_fast", 32.0},
                          {"beta_slow", 1.0},
                          {"mscale", 1.0},
                          {"mscale_all_dim", 1.0},
                          {"rope_theta", 1e9}};
  auto mc = read_config(m);
  EXPECT_EQ(mc.rope.type, "yarn");
  EXPECT_EQ(mc.rope.logit_scale_name(), "llama4");
  EXPECT_EQ(mc.rope.logit_scale_at(0, 31), 1.0);
  EXPECT_DOUBLE_EQ(mc.rope.logit_scale_at(0, 32), 1.0 + 0.1 * std::log(2.0));
  EXPECT_DOUBLE_EQ(mc.rope.attention_factor(512), 1.0);  // mscale == mscale_all_dim

  auto bad = [](nlohmann::json rp, nlohmann::json rs = nullptr) {
    auto j = micro_config_json();
    j["rope_parameters"] = rp;
    if (!rs.is_null()) j["rope_scaling"] = rs;
    return input_error_of([&] { read_config(j); });
  };
  EXPECT_NE(bad({{"rope_type", "warp"}}).find("config.json: rope_parameters: unknown rope_type 'warp'"),
            std::string::npos);
  EXPECT_NE(bad({{"rope_type", "yarn"}, {"factor", 4.0}, {"fudge", 1}}).find("unknown key 'fudge'"),
            std::string::npos);
  EXPECT_NE(bad({{"rope_type", "yarn"}, {"factor", 4.0}}, {{"rope_type", "yarn"}, {"factor", 8.0}})
                .find("rope_scaling and rope_parameters disagree on 'factor' (8.0 vs 4.0)"),
            std::string::npos);
  EXPECT_NE(
      bad({{"full_attention", {{"rope_type", "default"}}}, {"sliding_attention", {{"rope_type", "default"}}}})
          .find("per-layer-type RoPE"),
      std::string::npos);
}

TEST(RopeConfig, ExportLetsHfDeriveTheTrainedFactor) {
  for (const char* type : {"yarn", "ntk_by_parts"}) {
    auto j = micro_config_json();
    j["rope_scaling"] = {{"rope_type", type}, {"factor", 4.0}};
    auto trained = read_config(j);
    auto out = trained.to_json();
    // transformers 4.4x: factor = max_position_embeddings / rope_scaling.original_max_position_embeddings.
    EXPECT_EQ(out["rope_scaling"]["original_max_position_embeddings"], 32) << type;
    EXPECT_EQ(out["max_position_embeddings"], 128) << type;
    EXPECT_EQ(out["max_position_embeddings"].get<double>() /
                  out["rope_scaling"]["original_max_position_embeddings"].get<double>(),
              4.0);
    // transformers 5.x: the explicit factor, equal to the implicit one (no mismatch warning).
    EXPECT_EQ(out["rope_parameters"]["rope_type"], "yarn");
    EXPECT_EQ(out["rope_parameters"]["factor"], 4.0);
    EXPECT_EQ(out["rope_parameters"]["original_max_position_embeddings"], 32);
    EXPECT_EQ(out["rope_parameters"]["rope_theta"], 10000.0);
    // Read back as HF would write it (no toolkit record): the trained frequencies.
    out.erase(kRopelabRopeKey);
    EXPECT_EQ(read_config(out).rope.inv_freq(128), trained.rope.inv_freq(128)) << type;
    EXPECT_EQ(read_config(out).rope.attention_factor(128), trained.rope.attention_factor(128)) << type;
  }
}

TEST(RopeConfig, ReleasedEabfCheckpointFormIsEabf) {
  // GAIR-NLP/Entropy-ABF's README loads its checkpoints with rope_scaling={"type": "eabf", "factor": 4}
  // on LLaMA-2-7B-Chat's config (rope_theta 10,000, window 4,096); its patch fixes the base at 500,000
  // and c at 4,096 and ignores the factor.
  auto j = micro_config_json();
  j["max_position_embeddings"] = 4096;
  j["rope_theta"] = 10000.0;
  j["rope_scaling"] = {{"type", "eabf"}, {"factor", 4.0}};
  auto c = read_config(j);
  EXPECT_EQ(c.rope.type, "eabf");
  EXPECT_EQ(c.rope.theta, 500000.0);
  EXPECT_EQ(c.rope.exempt_layers, 2);
  EXPECT_EQ(c.rope.logit_scale_name(), "dynamic_log");
  EXPECT_DOUBLE_EQ(c.rope.logit_scale_at(2, 8191), 13.0 / 12.0);
  EXPECT_EQ(c.rope.logit_scale_at(1, 8191), 1.0);
  const auto inv = c.rope.inv_freq(1);
  for (int i = 0; i < 8; ++i) EXPECT_DOUBLE_EQ(inv[i], pair_inv_freq(500000, i, 16));
  EXPECT_EQ(read_config(c.to_json()).rope.to_json(), c.rope.to_json());
}
