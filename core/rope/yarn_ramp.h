// YaRN / NTK-by-parts ramp (Peng et al. 2023; HF transformers' _compute_yarn_parameters): which
// rotary pairs keep their frequency, which are interpolated by the factor, which are blended.
// Shared by the yarn and ntk_by_parts schedules and by the CLI's geometry view (rope show).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/rope/schedule.h"

namespace ropelab {

// The pair index whose wavelength makes `rotations` turns in L0.
inline double yarn_correction_dim(double rotations, int64_t dim, double base, int64_t l0) {
  return double(dim) * std::log(double(l0) / (rotations * 2.0 * kRopePi)) / (2.0 * std::log(base));
}

struct YarnRamp {
  double low = 0, high = 0;  // γ[i] = clamp((i − low)/(high − low), 0, 1); 0 = kept, 1 = interpolated
  double gamma(int64_t i) const { return std::clamp((double(i) - low) / (high - low), 0.0, 1.0); }
};

inline YarnRamp yarn_ramp(double beta_fast, double beta_slow, int64_t dim, double base, int64_t l0,
                          bool truncate) {
  YarnRamp r;
  r.low = yarn_correction_dim(beta_fast, dim, base, l0);
  r.high = yarn_correction_dim(beta_slow, dim, base, l0);
  if (truncate) {
    r.low = std::floor(r.low);
    r.high = std::ceil(r.high);
  }
  r.low = std::max(r.low, 0.0);
  r.high = std::min(r.high, double(dim - 1));
  if (r.low == r.high) r.high += 0.001;  // avoid a singular ramp
  return r;
}

// inv_freq = (inv/factor)·γ + inv·(1 − γ).
inline std::vector<double> yarn_inv_freq(double base, int64_t dim, double factor, const YarnRamp& r) {
  std::vector<double> inv = base_inv_freq(base, dim);
  for (size_t i = 0; i < inv.size(); ++i) {
    const double g = r.gamma(int64_t(i));
    inv[i] = (inv[i] / factor) * g + inv[i] * (1.0 - g);
  }
  return inv;
}

}  // namespace ropelab
