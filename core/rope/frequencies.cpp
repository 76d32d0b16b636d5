// Frequency schedules of every RoPE method: inv_freq and attention_factor, computed in float64
// exactly as Hugging Face transformers (v4.45–v4.50) computes them in float32.
//
// Pairs i = 0 … D/2−1 with D = rotary_dim; base inv_freq[i] = 1 / b^(2i/D).
#include <torch/types.h>

#include <algorithm>
#include <cmath>

#include "core/rope/rope_spec.h"

namespace ropelab {

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<double> base_inv_freq(double base, int64_t dim) {
  std::vector<double> out(size_t(dim / 2));
  for (int64_t i = 0; i < dim / 2; ++i) out[size_t(i)] = 1.0 / std::pow(base, double(2 * i) / double(dim));
  return out;
}

// YaRN's correction dimension: the pair index whose wavelength makes `rotations` turns in L0.
double correction_dim(double rotations, int64_t dim, double base, int64_t l0) {
  return double(dim) * std::log(double(l0) / (rotations * 2.0 * kPi)) / (2.0 * std::log(base));
}

// NTK-by-parts ramp shared by yarn and ntk_by_parts.
std::vector<double> ntk_by_parts(const RopeSpec& s) {
  const int64_t dim = s.rotary_dim;
  double low = correction_dim(s.beta_fast, dim, s.theta, s.original_max_position);
  double high = correction_dim(s.beta_slow, dim, s.theta, s.original_max_position);
  if (s.truncate) {
    low = std::floor(low);
    high = std::ceil(high);
  }
  low = std::max(low, 0.0);
  high = std::min(high, double(dim - 1));
  if (low == high) high += 0.001;  // avoid a singular ramp
  std::vector<double> inv = base_inv_freq(s.theta, dim);
  for (size_t i = 0; i < inv.size(); ++i) {
    double gamma = std::clamp((double(i) - low) / (high - low), 0.0, 1.0);
    double extrapolation = 1.0 - gamma;  // 1 = keep the original frequency
    inv[i] = (inv[i] / s.factor) * (1.0 - extrapolation) + inv[i] * extrapolation;
  }
  return inv;
}

std::vector<double> llama3(const RopeSpec& s) {
  std::vector<double> inv = base_inv_freq(s.theta, s.rotary_dim);
  const double l0 = double(s.original_max_position);
  const double low_wavelen = l0 / s.low_freq_factor;
  const double high_wavelen = l0 / s.high_freq_factor;
  for (double& f : inv) {
    const double wavelen = 2.0 * kPi / f;
    if (wavelen > low_wavelen) {
      f = f / s.factor;
    } else if (wavelen >= high_wavelen) {
      const double r = (l0 / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
      f = (1.0 - r) * f / s.factor + r * f;
    }
  }
  return inv;
}

}  // namespace

std::vector<double> RopeSpec::inv_freq(int64_t seq_len) const {
  const int64_t dim = rotary_dim;
  switch (type) {
    case RopeType::Default:
    case RopeType::Abf:
    case RopeType::Eabf:
      return base_inv_freq(theta, dim);
    case RopeType::Linear: {
      auto inv = base_inv_freq(theta, dim);
      for (double& f : inv) f /= factor;
      return inv;
    }
    case RopeType::Ntk:
      return base_inv_freq(theta * std::pow(factor, double(dim) / double(dim - 2)), dim);
    case RopeType::Dynamic: {
      // L = max(seq_len, Lmax); identical to default RoPE inside the trained window.
      const double lmax = double(max_position_embeddings);
      const double len = std::max(double(seq_len), lmax);
      const double b = theta * std::pow(factor * len / lmax - (factor - 1.0), double(dim) / double(dim - 2));
      return base_inv_freq(b, dim);
    }
    case RopeType::NtkByParts:
    case RopeType::Yarn:
      return ntk_by_parts(*this);
    case RopeType::Llama3:
      return llama3(*this);
    case RopeType::LongRope: {
      const auto& ext = seq_len > original_max_position ? long_factor : short_factor;
      auto inv = base_inv_freq(theta, dim);
      for (size_t i = 0; i < inv.size(); ++i) inv[i] /= ext[i];
      return inv;
    }
  }
  return base_inv_freq(theta, dim);
}

at::Tensor RopeSpec::inv_freq_tensor(int64_t seq_len) const {
  auto v = inv_freq(seq_len);
  return torch::tensor(v, torch::kFloat64);
}

double RopeSpec::attention_factor(int64_t /*seq_len*/) const {
  auto yarn_m = [](double scale, double k) { return scale <= 1.0 ? 1.0 : 0.1 * k * std::log(scale) + 1.0; };
  switch (type) {
    case RopeType::Yarn:
      if (attention_factor_override) return *attention_factor_override;
      if (mscale && mscale_all_dim) return yarn_m(factor, *mscale) / yarn_m(factor, *mscale_all_dim);
      return yarn_m(factor, 1.0);
    case RopeType::LongRope:
      if (attention_factor_override) return *attention_factor_override;
      if (factor <= 1.0) return 1.0;
      return std::sqrt(1.0 + std::log(factor) / std::log(double(original_max_position)));
    default:
      return 1.0;
  }
}

}  // namespace ropelab
