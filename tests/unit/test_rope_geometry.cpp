// `rope show --geometry`'s numbers against hand-computed values (issue 12's table) and an
// independent check of the minimum-base search.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/rope/geometry.h"
#include "rope_test_util.h"

using namespace ropelab;
using ropelab::testing::pair_inv_freq;

namespace {
// Σ_i cos(m θ_i) ≥ 0 for all m ≤ L, written here independently of core/rope/geometry.cpp.
bool base_covers_length(double base, int d, int64_t L) {
  for (int64_t m = 1; m <= L; ++m) {
    double s = 0;
    for (int i = 0; i < d / 2; ++i) s += std::cos(double(m) * pair_inv_freq(base, i, d));
    if (s < 0) return false;
  }
  return true;
}
}  // namespace

TEST(RopeGeometry, Llama2AndTheMiniatureMatchTheIssueTable) {
  std::vector<double> llama(64), mini(32);
  for (int i = 0; i < 64; ++i) llama[i] = pair_inv_freq(10000, i, 128);
  for (int i = 0; i < 32; ++i) mini[i] = pair_inv_freq(200, i, 64);
  GeometryOptions o;
  o.window = 4096;
  auto g = rope_geometry(llama, 10000, 128, o);
  // 2π·10000^(i/64) ≤ 4096 ⇔ i ≤ 64·ln(4096/2π)/ln 10000 = 45.03.
  EXPECT_EQ(g.full_period_pairs, 46);
  // θ_i·4096 < 1 ⇔ i > 64·ln 4096/ln 10000 = 57.8: pairs 58–63.
  EXPECT_EQ(g.slow_pairs, 6);
  EXPECT_NEAR(g.longest_period, 54410.0, 1.0);  // 2π·10000^(63/64) = 2π·8659.6 = 13.3 c
  EXPECT_EQ(g.critical_dim, 92);
  EXPECT_EQ(g.abf_base, 500000.0);
  EXPECT_NEAR(g.abf_bound / 4096, 19.14, 0.01);  // 2π·500000^(92/128) = 78,400
  EXPECT_EQ(g.yarn_kept, 21);
  EXPECT_EQ(g.yarn_ramped, 25);
  EXPECT_EQ(g.yarn_interpolated, 18);
  o.window = 256;
  auto m = rope_geometry(mini, 200, 64, o);
  // 2π·200^(i/32) ≤ 256 ⇔ i ≤ 32·ln(256/2π)/ln 200 = 22.39: 23 of 32 pairs (71.9 %).
  EXPECT_EQ(m.full_period_pairs, 23);
  // θ_i·256 < 1 ⇔ i > 32·ln 256/ln 200 = 33.5 > 31: no pair, while the longest wavelength is
  // 2π·200^(31/32) = 1,065 tokens = 4.2 c (LLaMA-2: 13.3 c). The miniature cannot match both this
  // and the 72 % above at c = 256 (docs/measurements.md).
  EXPECT_EQ(m.slow_pairs, 0);
  EXPECT_NEAR(m.longest_period, 1064.9, 0.1);
  EXPECT_EQ(m.critical_dim, 46);
  EXPECT_NEAR(m.abf_bound / 256, 18.41, 0.01);  // 2π·10000^(46/64) = 2π·749.9 = 4,712
  // corr(32) = 1.46 → low 1; corr(1) = 22.39 → high 23: pairs 0–1 kept, 23–31 interpolated.
  EXPECT_EQ(m.yarn_kept, 2);
  EXPECT_EQ(m.yarn_ramped, 21);
  EXPECT_EQ(m.yarn_interpolated, 9);
}

TEST(RopeGeometry, MinimumBaseCoversTheLengthAndNoLessDoes) {
  // Values from an independent NumPy search with the same definition (28,628.7 for d 128 at 4k; the
  // paper's table gives ≈ 2.7e4).
  const double b = min_base_for_length(128, 4096);
  EXPECT_NEAR(b, 28628.7, 1.0);
  EXPECT_TRUE(base_covers_length(b, 128, 4096));
  EXPECT_FALSE(base_covers_length(b * 0.99, 128, 4096));
  EXPECT_NEAR(min_base_for_length(64, 1024), 7753.0, 1.0);
}
