// The RoPE registries and the methods added through them: values against formulas evaluated here
// in float64, every method row through Hugging Face's form and back, cached decoding.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/model/llama.h"
#include "model_test_util.h"
#include "rope_method_rows.h"
#include "rope_test_util.h"

using namespace ropelab;
using namespace ropelab::testing;  // the shared test helpers (tests/*_util.h)

TEST(RopeRegistry, NamesComeFromTheRegistries) {
  const std::string names = rope_type_names();
  EXPECT_EQ(
      names.rfind("default, linear, ntk, dynamic, ntk_by_parts, yarn, llama3, longrope, abf, mixed_ntk", 0),
      0u)
      << names;
  EXPECT_NE(names.find(", eabf"), std::string::npos);
  for (const auto& e : schedule_registry()) EXPECT_EQ(find_schedule(e.name), &e);
  EXPECT_EQ(logit_scale_names(), "none, dynamic_log, constant, qwen_logn, llama4");
  EXPECT_NE(input_error_of([] {
              rope_spec({{"rope_type", "abf"}, {"logit_scale", "cubic"}});
            }).find("unknown logit_scale 'cubic'; valid: none, dynamic_log, constant, qwen_logn, llama4"),
            std::string::npos);
  // A policy's keys are valid only with that policy.
  EXPECT_NE(input_error_of([] {
              rope_spec({{"rope_type", "yarn"}, {"factor", 4}, {"logit_scale_value", 2}});
            }).find("unknown key 'logit_scale_value' for rope_type 'yarn'"),
            std::string::npos);
}

TEST(RopeRegistryValues, MixedNtkMatchesTheFormula) {
  auto m = rope_spec({{"rope_type", "mixed_ntk"}, {"factor", 4.0}, {"mixed_b", 1.5}});
  auto inv = m.inv_freq(16384);
  const double a = std::log(4.0) / std::pow(64.0, 1.5);
  for (int i = 0; i < 64; ++i)
    EXPECT_NEAR(inv[i] / (pair_inv_freq(10000, i, 128) / std::exp(a * std::pow(i + 1.0, 1.5))), 1.0, 1e-14)
        << i;
  EXPECT_NEAR(inv[63] / (pair_inv_freq(10000, 63, 128) / 4.0), 1.0, 1e-14);  // the lowest pair: exactly PI
  // vLLM's form of the same schedule.
  auto v = rope_spec({{"rope_type", "ntk"}, {"factor", 4.0}, {"mixed_b", 1.5}});
  EXPECT_EQ(v.type, "mixed_ntk");
  EXPECT_EQ(v.inv_freq(16384), inv);
  EXPECT_NE(input_error_of([] {
              rope_spec({{"rope_type", "mixed_ntk"}, {"factor", 4.0}});
            }).find("needs key 'mixed_b'"),
            std::string::npos);
  EXPECT_NE(input_error_of([] {
              rope_spec({{"rope_type", "mixed_ntk"}, {"factor", 4.0}, {"mixed_b", -1}});
            }).find("key 'mixed_b' (-1) must be > 0"),
            std::string::npos);
}

TEST(RopeRegistryValues, ResonanceRoundsInWindowWavelengths) {
  auto plain = rope_spec({{"rope_type", "yarn"}, {"factor", 4.0}}).inv_freq(16384);
  auto res = rope_spec({{"rope_type", "yarn"}, {"factor", 4.0}, {"resonance", true}}).inv_freq(16384);
  EXPECT_DOUBLE_EQ(res[0], 2 * kRopePi / 6.0);  // wavelength 2π ≈ 6.28 → 6
  int rounded = 0;
  for (int i = 0; i < 64; ++i) {
    const double wl = 2 * kRopePi / plain[i];
    if (wl <= 4096) {
      EXPECT_DOUBLE_EQ(res[i], 2 * kRopePi / std::round(wl)) << i;
      ++rounded;
    } else {
      EXPECT_EQ(res[i], plain[i]) << i;
    }
  }
  EXPECT_GE(rounded, 21);  // at least the 21 pairs YaRN keeps (0–20), all with wavelengths < 4k
}

TEST(RopeRegistryValues, QwenLognIsEabfsRuleAtInferenceOnly) {
  auto q = rope_spec({{"rope_type", "abf"}, {"logit_scale", "qwen_logn"}});
  EXPECT_EQ(q.logit_scale_at(0, 4095), 1.0);
  EXPECT_DOUBLE_EQ(q.logit_scale_at(0, 8191), 13.0 / 12.0);
  EXPECT_DOUBLE_EQ(q.logit_scale_at(0, 32767), 15.0 / 12.0);
  EXPECT_EQ(q.logit_scale_at(0, 8191, /*training=*/true), 1.0);
  auto always =
      rope_spec({{"rope_type", "abf"}, {"logit_scale", "qwen_logn"}, {"logit_scale_inference_only", false}});
  EXPECT_DOUBLE_EQ(always.logit_scale_at(0, 8191, true), 13.0 / 12.0);
  // The model passes its mode: in training the table is all ones.
  torch::NoGradGuard ng;
  auto m = micro_with({{"rope_type", "abf"}, {"logit_scale", "qwen_logn"}});
  auto pos = torch::arange(64, torch::kLong);
  m->eval();
  auto inference = m->logit_scale_table(pos);
  EXPECT_FLOAT_EQ(inference[3][63].item<float>(), float(std::log(64.0) / std::log(32.0)));
  EXPECT_EQ(inference[3][31].item<float>(), 1.0f);
  m->train();
  EXPECT_TRUE(torch::equal(m->logit_scale_table(pos), torch::ones({4, 64})));
}

TEST(RopeRegistryValues, Llama4FollowsMinistral3) {
  // Ministral-3: F = original_max_position_embeddings, p 0-based, every layer.
  auto l = rope_spec({{"rope_type", "yarn"},
                      {"factor", 16.0},
                      {"original_max_position_embeddings", 16384},
                      {"llama_4_scaling_beta", 0.1}},
                     128, 262144);
  EXPECT_EQ(l.logit_scale_name(), "llama4");
  EXPECT_EQ(l.logit_scale_at(0, 16383), 1.0);
  EXPECT_DOUBLE_EQ(l.logit_scale_at(0, 16384), 1.0 + 0.1 * std::log(2.0));
  EXPECT_DOUBLE_EQ(l.logit_scale_at(0, 3 * 16384 + 5), 1.0 + 0.1 * std::log(4.0));
  // Llama-4's own convention: offset 1, its floor_scale.
  auto l4 = rope_spec({{"rope_type", "default"},
                       {"logit_scale", "llama4"},
                       {"llama_4_scaling_beta", 0.1},
                       {"llama_4_floor_scale", 8192},
                       {"llama_4_position_offset", 1}});
  EXPECT_EQ(l4.logit_scale_at(0, 8190), 1.0);
  EXPECT_DOUBLE_EQ(l4.logit_scale_at(0, 8191), 1.0 + 0.1 * std::log(2.0));
  EXPECT_NE(input_error_of([] {
              rope_spec({{"rope_type", "default"}, {"logit_scale", "llama4"}});
            }).find("needs key 'llama_4_scaling_beta'"),
            std::string::npos);
}

TEST(RopeConfig, EveryRowRoundTripsThroughTheHfForm) {
  for (const auto& row : rope_method_rows()) {
    auto j = micro_config_json();
    j["rope_scaling"] = nlohmann::json::parse(row);
    auto c = read_config(j);
    auto out = c.to_json();
    auto back = read_config(out);
    EXPECT_EQ(back.rope.to_json(), c.rope.to_json()) << row;
    EXPECT_EQ(back.rope.inv_freq(128), c.rope.inv_freq(128)) << row;
    // HF's own forms, each schema alone, without the toolkit's record.
    const std::string policy = c.rope.logit_scale_name();
    const bool expressible =
        (policy == "none" || policy == "llama4") && !c.rope.resonance && c.rope.exempt_layers == 0;
    for (const char* drop : {"rope_scaling", "rope_parameters"}) {
      auto hf = out;
      hf.erase(kRopelabRopeKey);
      hf.erase(drop);
      ModelConfig h;
      ASSERT_EQ(input_error_of([&] { h = read_config(hf); }), "") << row << " without " << drop;
      if (!expressible) continue;
      const auto a = h.rope.inv_freq(128), b = c.rope.inv_freq(128);
      for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i] / b[i], 1.0, 1e-14) << row << " pair " << i;
      EXPECT_EQ(h.rope.attention_factor(128), c.rope.attention_factor(128)) << row;
      for (int64_t p : {0, 31, 32, 100})
        EXPECT_EQ(h.rope.logit_scale_at(2, p), c.rope.logit_scale_at(2, p)) << row;
    }
  }
}

TEST(RopeProperties, CachedDecodingEqualsFullForwardForEveryRow) {
  torch::NoGradGuard ng;
  for (const auto& row : rope_method_rows()) {
    auto m = micro_with(nlohmann::json::parse(row));
    m->eval();
    // Length-dependent schedules stay inside the window (their cached keys keep older frequencies
    // beyond it, by design); the rest run past 2× the window, where every policy is active.
    const bool inside = m->config.rope.length_dependent();
    auto ids = torch::randint(0, 97, {1, inside ? 24 : 72}, torch::kLong);
    EXPECT_LE(cached_decoding_max_diff(m, ids, inside ? 9 : 52), 1e-4) << row;
  }
}
