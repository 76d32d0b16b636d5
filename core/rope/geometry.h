// RoPE geometry of a model at a window c, the quantities that decide how a context extension
// behaves (issue 12's scale rules):
//   full-period pairs  rotary pairs whose wavelength 2π/θ_i fits inside c (seen a whole turn)
//   critical dimension d_extra = 2·⌈(d/2)·log_b(c/2π)⌉ and ABF's extrapolation bound
//                      T = 2π·b'^(d_extra/d) for a new base b' (Liu et al. 2023, "Scaling laws of
//                      RoPE-based extrapolation")
//   YaRN split         pairs kept / ramped / interpolated for beta_fast, beta_slow at L0 = c
//   slow pairs         pairs that turn by less than one radian across c (θ_i·c < 1): the channels
//                      in which a query can match a key's content at any distance inside c with
//                      little positional modulation; with the longest wavelength 2π/min θ_i in c
//   minimum base       the smallest b with B(m) = Σ_i cos(m·b^(−2i/d)) ≥ 0 for every m ≤ L
//                      (Men et al. 2024, "Base of RoPE bounds context length")
#pragma once
#include <cstdint>
#include <vector>

namespace ropelab {

struct RopeGeometry {
  int64_t rotary_dim = 0, pairs = 0, window = 0;
  double base = 0;
  int64_t full_period_pairs = 0;
  int64_t slow_pairs = 0;     // θ_i·c < 1
  double longest_period = 0;  // tokens, 2π / min θ_i
  int64_t critical_dim = 0;
  double abf_base = 0, abf_bound = 0;  // bound in tokens
  double beta_fast = 32, beta_slow = 1;
  int64_t yarn_kept = 0, yarn_ramped = 0, yarn_interpolated = 0;
  int64_t target_length = 0;
  double min_base = 0;
};

struct GeometryOptions {
  int64_t window = 4096;
  double abf_base = 0;  // 0 = 50 × base (LLaMA-2 10,000 → the paper's 500,000)
  double beta_fast = 32, beta_slow = 1;
  int64_t target_length = 0;  // 0 = 4 × window
};

// inv_freq: the model's own schedule at seq_len = window (what its RoPE does inside c); base is
// the schedule's base b for the critical dimension and the default ABF base.
RopeGeometry rope_geometry(const std::vector<double>& inv_freq, double base, int64_t rotary_dim,
                           const GeometryOptions& o);

// Men et al. 2024's bound, searched on a geometric grid (ratio 1.01) and refined by bisection.
double min_base_for_length(int64_t rotary_dim, int64_t length);

}  // namespace ropelab
