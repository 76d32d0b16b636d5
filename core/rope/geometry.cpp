#include "core/rope/geometry.h"

#include <algorithm>
#include <cmath>

#include "core/rope/yarn_ramp.h"
#include "core/util/error.h"

namespace ropelab {

namespace {
// True when Σ_i cos(m·θ_i) ≥ 0 for every m in 0 … length (θ_i = b^(−2i/d)).
bool base_covers(double base, int64_t rotary_dim, int64_t length) {
  const std::vector<double> theta = base_inv_freq(base, rotary_dim);
  for (int64_t m = 1; m <= length; ++m) {
    double sum = 0;
    for (double t : theta) sum += std::cos(double(m) * t);
    if (sum < 0) return false;
  }
  return true;
}
}  // namespace

double min_base_for_length(int64_t rotary_dim, int64_t length) {
  double lo = 1.0001, hi = lo;
  while (!base_covers(hi, rotary_dim, length)) {
    lo = hi;
    hi *= 1.01;
    check_input(hi < 1e15, "minimum base for length ", length, ": none below 1e15");
  }
  if (hi == lo) return hi;
  for (int it = 0; it < 30; ++it) {  // refine inside the last grid step
    const double mid = std::sqrt(lo * hi);
    (base_covers(mid, rotary_dim, length) ? hi : lo) = mid;
  }
  return hi;
}

RopeGeometry rope_geometry(const std::vector<double>& inv_freq, double base, int64_t rotary_dim,
                           const GeometryOptions& o) {
  check_input(o.window > 1, "`window` (", o.window, ") must be > 1");
  check_input(o.beta_fast > o.beta_slow && o.beta_slow > 0, "`beta_fast` (", o.beta_fast,
              ") must exceed `beta_slow` (", o.beta_slow, ") > 0");
  RopeGeometry g;
  g.rotary_dim = rotary_dim;
  g.pairs = rotary_dim / 2;
  g.window = o.window;
  g.base = base;
  for (double f : inv_freq) {
    const double period = 2.0 * kRopePi / f;  // tokens per full turn of the pair
    g.full_period_pairs += period <= double(o.window);
    g.slow_pairs += f * double(o.window) < 1.0;
    g.longest_period = std::max(g.longest_period, period);
  }
  g.critical_dim =
      2 * int64_t(std::ceil(double(g.pairs) * std::log(double(o.window) / (2.0 * kRopePi)) / std::log(base)));
  g.abf_base = o.abf_base > 0 ? o.abf_base : 50.0 * base;
  g.abf_bound = 2.0 * kRopePi * std::pow(g.abf_base, double(g.critical_dim) / double(rotary_dim));
  g.beta_fast = o.beta_fast;
  g.beta_slow = o.beta_slow;
  const YarnRamp r = yarn_ramp(o.beta_fast, o.beta_slow, rotary_dim, base, o.window, true);
  for (int64_t i = 0; i < g.pairs; ++i) {
    const double gamma = r.gamma(i);
    g.yarn_kept += gamma == 0.0;
    g.yarn_interpolated += gamma == 1.0;
  }
  g.yarn_ramped = g.pairs - g.yarn_kept - g.yarn_interpolated;
  g.target_length = o.target_length > 0 ? o.target_length : 4 * o.window;
  g.min_base = min_base_for_length(rotary_dim, g.target_length);
  return g;
}

}  // namespace ropelab
