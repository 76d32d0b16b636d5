// What the one-number schedules share (ntk, ntk_alpha, linear, dynamic; mixed_ntk's vLLM test):
// the NTK-aware base growth, recording their number under its key, HF's {"rope_type", key} form
// and the test for a foreign (vLLM) rope_scaling object.
#pragma once
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/rope/rope_spec.h"

namespace ropelab {

// b' = b · s^(d/(d−2)) (bloc97's NTK-aware rule): the base that divides the lowest frequency by
// about s while the highest stays put.
inline double ntk_grown_base(double theta, int64_t dim, double s) {
  return theta * std::pow(s, double(dim) / double(dim - 2));
}

// A schedule with one number, recorded under `key` ("factor", "alpha").
class ScalarSchedule : public FrequencySchedule {
 public:
  ScalarSchedule(const char* key, double value) : key(key), value(value) {}
  void to_json(const RopeSpec&, nlohmann::json& j) const override { j[key] = value; }
  // HF's {"rope_type": rope_type, key: value} on the unchanged base.
  HfRope hf_typed(const RopeSpec& s, const char* rope_type) const {
    return {s.theta, {{"rope_type", rope_type}, {key, value}}, std::nullopt};
  }
  const char* key;
  double value;
};

// Default RoPE on the grown base ntk_grown_base(b, d, value): ntk (value = factor) and ntk_alpha
// (value = α) are this one rule. Exact in HF: default RoPE with the grown base.
class StaticNtkSchedule final : public ScalarSchedule {
 public:
  using ScalarSchedule::ScalarSchedule;
  double base(const RopeSpec& s) const { return ntk_grown_base(s.theta, s.rotary_dim, value); }
  std::vector<double> inv_freq(const RopeSpec& s, int64_t) const override {
    return base_inv_freq(base(s), s.rotary_dim);
  }
  HfRope hf_form(const RopeSpec& s) const override {
    return {base(s), nlohmann::json::object(), std::nullopt};
  }
};

// True when rope_scaling holds `key` under rope_type (or the legacy `type`) `rope_type`: how a
// schedule claims vLLM's form of itself ({"rope_type": "ntk", "mixed_b": …}).
inline bool claims_key_under_type(const nlohmann::json& rs, const char* key, const char* rope_type) {
  if (!rs.is_object() || !rs.contains(key)) return false;
  const auto t = rs.contains("rope_type") ? rs["rope_type"] : rs.value("type", nlohmann::json());
  return t == rope_type;
}

}  // namespace ropelab
