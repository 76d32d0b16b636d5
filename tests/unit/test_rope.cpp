// RoPE methods: values for LLaMA-2-7B settings computed here from the formulas, properties that
// must hold for every method, and every invalid configuration's specific error.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/model/llama.h"
#include "core/rope/rope_spec.h"
#include "core/rope/rotary.h"
#include "core/util/error.h"
#include "model_test_util.h"
#include "test_util.h"

using namespace ropelab;
using namespace ropelab::testing;  // the shared test helpers (tests/*_util.h)

namespace {

constexpr double kPi = 3.14159265358979323846;

// LLaMA-2-7B: d 128, base 10,000, L0 4,096.
RopeSpec llama2(const nlohmann::json& rs) {
  RopeContext ctx;
  ctx.head_dim = 128;
  ctx.max_position_embeddings = 4096;
  return RopeSpec::from_json(rs, 10000.0, ctx, "test");
}

double base_inv(double base, int i, int d = 128) { return 1.0 / std::pow(base, 2.0 * i / d); }

std::string rope_scaling_error_of(const nlohmann::json& rs) {
  return input_error_of([&] { llama2(rs); });
}

}  // namespace

TEST(RopeValues, DefaultAndLinear) {
  auto def = llama2(nullptr).inv_freq(4096);
  auto pi = llama2({{"rope_type", "linear"}, {"factor", 4.0}}).inv_freq(4096);
  for (int i = 0; i < 64; ++i) {
    EXPECT_DOUBLE_EQ(def[i], base_inv(10000, i));
    EXPECT_DOUBLE_EQ(pi[i], base_inv(10000, i) / 4.0);
  }
}

TEST(RopeValues, StaticNtkBase) {
  auto ntk = llama2({{"rope_type", "ntk"}, {"factor", 4.0}});
  const double b = 10000.0 * std::pow(4.0, 128.0 / 126.0);
  EXPECT_NEAR(b, 40890.0, 1.0);  // method.md: ≈ 40,890
  auto inv = ntk.inv_freq(16384);
  for (int i = 0; i < 64; ++i) EXPECT_NEAR(inv[i], base_inv(b, i), 1e-15);
}

TEST(RopeValues, YarnRampAndAttentionFactor) {
  auto y = llama2({{"rope_type", "yarn"}, {"factor", 4.0}, {"original_max_position_embeddings", 4096}});
  auto inv = y.inv_freq(16384);
  for (int i = 0; i <= 20; ++i) EXPECT_DOUBLE_EQ(inv[i], base_inv(10000, i)) << "pair " << i;
  for (int i = 46; i < 64; ++i) EXPECT_DOUBLE_EQ(inv[i], base_inv(10000, i) / 4.0) << "pair " << i;
  // Ramp pairs lie strictly between, from the formula: low = floor(corr(32)), high = ceil(corr(1)).
  auto corr = [](double r) { return 128.0 * std::log(4096.0 / (r * 2 * kPi)) / (2 * std::log(10000.0)); };
  const double low = std::floor(corr(32)), high = std::ceil(corr(1));
  EXPECT_EQ(low, 20);
  EXPECT_EQ(high, 46);
  for (int i = 21; i <= 45; ++i) {
    double g = (i - low) / (high - low);
    EXPECT_NEAR(inv[i], base_inv(10000, i) / 4.0 * g + base_inv(10000, i) * (1 - g), 1e-15);
  }
  EXPECT_NEAR(y.attention_factor(16384), 1.1386, 5e-5);
  EXPECT_NEAR(std::pow(y.attention_factor(16384), 2), 1.2965, 5e-5);
  // NTK-by-parts: the same frequencies, attention factor 1.
  auto p = llama2({{"rope_type", "ntk_by_parts"}, {"factor", 4.0}});
  EXPECT_EQ(p.inv_freq(16384), inv);
  EXPECT_EQ(p.attention_factor(16384), 1.0);
}

TEST(RopeValues, YarnMscaleVariants) {
  auto a = llama2({{"rope_type", "yarn"}, {"factor", 4.0}, {"attention_factor", 1.5}});
  EXPECT_EQ(a.attention_factor(1), 1.5);
  auto m = llama2({{"rope_type", "yarn"}, {"factor", 4.0}, {"mscale", 0.707}, {"mscale_all_dim", 0.707}});
  EXPECT_DOUBLE_EQ(m.attention_factor(1), 1.0);
}

TEST(RopeValues, EabfLogitScale) {
  auto e =
      llama2({{"rope_type", "eabf"}, {"rope_theta", 500000}, {"original_max_position_embeddings", 4096}});
  EXPECT_EQ(e.theta, 500000.0);
  EXPECT_EQ(e.exempt_layers, 2);
  EXPECT_DOUBLE_EQ(e.logit_scale_at(5, 8191), 13.0 / 12.0);   // p+1 = 8,192
  EXPECT_DOUBLE_EQ(e.logit_scale_at(5, 16383), 14.0 / 12.0);  // p+1 = 16,384
  EXPECT_DOUBLE_EQ(e.logit_scale_at(5, 32767), 15.0 / 12.0);  // p+1 = 32,768
  EXPECT_EQ(e.logit_scale_at(5, 100), 1.0);                   // floor inside the window
  EXPECT_EQ(e.logit_scale_at(1, 32767), 1.0);                 // exempt layer
  auto nofloor = llama2({{"rope_type", "eabf"}, {"logit_scale_floor", false}});
  EXPECT_NEAR(nofloor.logit_scale_at(5, 63), std::log(64.0) / std::log(4096.0), 1e-15);
  auto released = llama2({{"rope_type", "eabf"}, {"exempt_layers", 0}});
  EXPECT_DOUBLE_EQ(released.logit_scale_at(0, 8191), 13.0 / 12.0);
  auto abf = llama2({{"rope_type", "abf"}});
  auto inv = abf.inv_freq(1);
  for (int i = 0; i < 64; ++i) EXPECT_DOUBLE_EQ(inv[i], base_inv(500000, i));
}

TEST(RopeValues, Llama3Frequencies) {
  auto l3 = llama2({{"rope_type", "llama3"},
                    {"factor", 8.0},
                    {"low_freq_factor", 1.0},
                    {"high_freq_factor", 4.0},
                    {"original_max_position_embeddings", 8192}});
  auto inv = l3.inv_freq(1);
  for (int i = 0; i < 64; ++i) {
    double f = base_inv(10000, i), wl = 2 * kPi / f, expect;
    if (wl < 8192.0 / 4)
      expect = f;
    else if (wl > 8192.0 / 1)
      expect = f / 8;
    else {
      double s = (8192.0 / wl - 1) / (4 - 1);
      expect = (1 - s) * f / 8 + s * f;
    }
    EXPECT_NEAR(inv[i], expect, 1e-16) << i;
  }
}

TEST(RopeValues, LongRopeFrequenciesAndFactor) {
  std::vector<double> sf(64), lf(64);
  for (int i = 0; i < 64; ++i) {
    sf[i] = 1.0 + 0.01 * i;
    lf[i] = 1.0 + 0.1 * i;
  }
  auto lr = llama2({{"rope_type", "longrope"},
                    {"short_factor", sf},
                    {"long_factor", lf},
                    {"factor", 4.0},
                    {"original_max_position_embeddings", 4096}});
  auto s = lr.inv_freq(4096), l = lr.inv_freq(4097);
  for (int i = 0; i < 64; ++i) {
    EXPECT_DOUBLE_EQ(s[i], base_inv(10000, i) / sf[i]);
    EXPECT_DOUBLE_EQ(l[i], base_inv(10000, i) / lf[i]);
  }
  EXPECT_DOUBLE_EQ(lr.attention_factor(1), std::sqrt(1 + std::log(4.0) / std::log(4096.0)));
}

TEST(RopeValues, DynamicNtkAtTwiceTheWindow) {
  auto dyn = llama2({{"rope_type", "dynamic"}, {"factor", 4.0}});
  auto inside = dyn.inv_freq(4096);
  for (int i = 0; i < 64; ++i) EXPECT_DOUBLE_EQ(inside[i], base_inv(10000, i));
  const double b = 10000.0 * std::pow(4.0 * 8192 / 4096 - 3.0, 128.0 / 126.0);
  auto twice = dyn.inv_freq(8192);
  for (int i = 0; i < 64; ++i) EXPECT_NEAR(twice[i], base_inv(b, i), 1e-15);
}

TEST(RopeErrors, EveryInvalidConfigurationNamesItsKey) {
  EXPECT_NE(
      rope_scaling_error_of({{"rope_type", "warp"}}).find("unknown rope_type 'warp'; valid: default, linear"),
      std::string::npos);
  EXPECT_NE(rope_scaling_error_of({{"rope_type", "linear"}, {"factor", 2}, {"beta_fast", 3}})
                .find("unknown key 'beta_fast'"),
            std::string::npos);
  EXPECT_NE(
      rope_scaling_error_of({{"rope_type", "linear"}, {"factor", 1.0}}).find("key 'factor' (1) must be > 1"),
      std::string::npos);
  EXPECT_NE(rope_scaling_error_of({{"rope_type", "yarn"}, {"factor", 0.5}}).find("must be > 1"),
            std::string::npos);
  EXPECT_NE(
      rope_scaling_error_of({{"rope_type", "abf"}, {"rope_theta", -5}}).find("rope_theta (-5) must be > 0"),
      std::string::npos);
  EXPECT_NE(rope_scaling_error_of({{"rope_type", "longrope"},
                                   {"short_factor", std::vector<double>(3, 1.0)},
                                   {"long_factor", std::vector<double>(64, 1.0)}})
                .find("'short_factor' has 3 values"),
            std::string::npos);
  EXPECT_NE(rope_scaling_error_of({{"rope_type", "eabf"}, {"logit_scale", "cubic"}})
                .find("unknown logit_scale 'cubic'"),
            std::string::npos);
  EXPECT_NE(rope_scaling_error_of({{"rope_type", "abf"}, {"logit_scale", "constant"}})
                .find("needs key 'logit_scale_value'"),
            std::string::npos);
  EXPECT_NE(rope_scaling_error_of({{"rope_type", "eabf"}, {"exempt_layers", -1}})
                .find("'exempt_layers' (-1) must be >= 0"),
            std::string::npos);
  EXPECT_NE(rope_scaling_error_of({{"factor", 2}}).find("no 'rope_type'"), std::string::npos);
  EXPECT_NE(rope_scaling_error_of({{"rope_type", "linear"}, {"factor", "two"}})
                .find("key 'factor' must be a number"),
            std::string::npos);
}

TEST(RopeConfig, HfFormRoundTrip) {
  // Each spec written in HF form (+ the toolkit record) reads back identically.
  for (const nlohmann::json& rs : std::vector<nlohmann::json>{
           {{"rope_type", "yarn"}, {"factor", 4.0}},
           {{"type", "linear"}, {"factor", 2.0}},
           {{"rope_type", "ntk_by_parts"}, {"factor", 4.0}},
           {{"rope_type", "eabf"}},
           {{"rope_type", "abf"}, {"logit_scale", "constant"}, {"logit_scale_value", 1.2965}},
           {{"rope_type", "llama3"}, {"factor", 8.0}},
       }) {
    auto spec = llama2(rs);
    nlohmann::json cfg = {{"max_position_embeddings", 4096}};
    spec.write_hf(cfg);
    RopeContext ctx;
    ctx.head_dim = 128;
    ctx.max_position_embeddings = 4096;
    auto back = RopeSpec::from_json(cfg.value(kRopelabRopeKey, cfg["rope_scaling"]),
                                    cfg["rope_theta"].get<double>(), ctx, "back");
    EXPECT_EQ(back.to_json(), spec.to_json()) << rs.dump();
    EXPECT_EQ(back.inv_freq(20000), spec.inv_freq(20000)) << rs.dump();
  }
  // ntk_by_parts is written as HF yarn with attention_factor 1, which HF can load.
  nlohmann::json cfg;
  llama2({{"rope_type", "ntk_by_parts"}, {"factor", 4.0}}).write_hf(cfg);
  EXPECT_EQ(cfg["rope_scaling"]["rope_type"], "yarn");
  EXPECT_EQ(cfg["rope_scaling"]["attention_factor"], 1.0);
}

// ---- Properties on a real (micro) model ------------------------------------------------------

TEST(RopeProperties, EabfLogitsEqualAbfInsideTheWindow) {
  torch::NoGradGuard ng;
  auto abf = micro_with({{"rope_type", "abf"}});
  auto eabf = micro_with({{"rope_type", "eabf"}});
  auto ids = torch::randint(0, 97, {1, 96}, torch::kLong);
  auto a = abf->forward(ids), e = eabf->forward(ids);
  const int64_t c = 32;  // max_position_embeddings = original window
  EXPECT_TRUE(torch::equal(a.narrow(1, 0, c), e.narrow(1, 0, c)));
  EXPECT_GT((a.narrow(1, c, 64) - e.narrow(1, c, 64)).abs().max().item<double>(), 1e-4);
}

namespace {
struct EntropyTap : AttentionObserver {
  std::map<int64_t, torch::Tensor> h;
  bool wants_entropy(int64_t) const override { return true; }
  void on_entropy(int64_t layer, const at::Tensor&, const at::Tensor& e) override { h[layer] = e.clone(); }
};
}  // namespace

TEST(RopeProperties, ExemptLayersAttentionIsUnchangedByTheScale) {
  torch::NoGradGuard ng;
  auto abf = micro_with({{"rope_type", "abf"}});
  auto eabf = micro_with({{"rope_type", "eabf"}, {"exempt_layers", 2}});
  auto ids = torch::randint(0, 97, {1, 128}, torch::kLong);
  EntropyTap ta, te;
  ObserverList la{&ta}, le{&te};
  ForwardOptions fa, fe;
  fa.observers = &la;
  fe.observers = &le;
  abf->forward(ids, {}, fa);
  eabf->forward(ids, {}, fe);
  EXPECT_TRUE(torch::equal(ta.h[0], te.h[0]));
  EXPECT_TRUE(torch::equal(ta.h[1], te.h[1]));
  // Layer 2 is scaled beyond position 31: a larger scale lowers its entropy there.
  EXPECT_FALSE(torch::equal(ta.h[2], te.h[2]));
}

TEST(RopeProperties, CachedDecodingEqualsFullForwardForEveryMethod) {
  torch::NoGradGuard ng;
  for (const auto& rs : all_methods()) {
    auto m = micro_with(rs);
    // 24 < 32 = window: length-dependent methods (dynamic, longrope) see the same frequencies;
    // beyond the window their cached keys keep older frequencies (tested separately).
    auto ids = torch::randint(0, 97, {1, 24}, torch::kLong);
    EXPECT_LE(cached_decoding_max_diff(m, ids, 9), 1e-4) << rs.dump();
  }
  // Position-independent methods agree far beyond the window too (the scale belongs to the query).
  for (const auto& rs :
       {nlohmann::json{{"rope_type", "eabf"}}, nlohmann::json{{"rope_type", "yarn"}, {"factor", 4.0}}}) {
    auto m = micro_with(rs);
    auto ids = torch::randint(0, 97, {1, 100}, torch::kLong);
    EXPECT_LE(cached_decoding_max_diff(m, ids, 40), 1e-4) << rs.dump();
  }
}

TEST(RopeProperties, DynamicNtkCachedKeysKeepTheirFrequencies) {
  // Documented behaviour (HF semantics): past the window the query uses the base grown for the
  // current length while cached keys keep the base they were rotated with, so a cached step
  // differs from a full forward that rotates every key with the final base.
  torch::NoGradGuard ng;
  torch::manual_seed(5);
  auto m = micro_with({{"rope_type", "dynamic"}, {"factor", 4.0}});
  auto ids = torch::randint(0, 97, {1, 41}, torch::kLong);
  KVCache cache(m->config.num_hidden_layers);
  ForwardOptions fo;
  fo.cache = &cache;
  auto pre = m->forward(ids.narrow(1, 0, 40), {}, fo);
  // The prefill is a full forward of the same 40 tokens: identical frequencies, identical logits.
  EXPECT_LE((pre - m->forward(ids.narrow(1, 0, 40))).abs().max().item<double>(), 1e-4);
  auto step = m->forward(ids.narrow(1, 40, 1), {}, fo);
  auto full = m->forward(ids);
  EXPECT_GT((step - full.narrow(1, 40, 1)).abs().max().item<double>(), 1e-3);
}

TEST(RopeProperties, PiAtScaledPositionsEqualsDefault) {
  RopeSpec def = llama2(nullptr), pi = llama2({{"rope_type", "linear"}, {"factor", 4.0}});
  auto m = torch::arange(0, 50, torch::kLong) * 7;
  auto a = make_rotary_tables(def, m, 400, torch::kFloat32, torch::kCPU);
  auto b = make_rotary_tables(pi, m * 4, 1600, torch::kFloat32, torch::kCPU);
  EXPECT_LE((a.cos - b.cos).abs().max().item<double>(), 1e-6);
  EXPECT_LE((a.sin - b.sin).abs().max().item<double>(), 1e-6);
}
