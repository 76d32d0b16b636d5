// ln(p+1)/ln c, the rule EABF's dynamic_log and Qwen's logn share (c = logit_scale_base, default
// the original window L0).
#pragma once
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>

#include "core/rope/rope_keys.h"
#include "core/rope/rope_spec.h"
#include "core/util/error.h"

namespace ropelab {

inline double log_position_ratio(int64_t position, int64_t c) {
  return std::log(double(position) + 1.0) / std::log(double(c));
}

inline int64_t read_logit_scale_base(RopeKeys& k, int64_t l0) {
  const int64_t c = k.integer("logit_scale_base", l0);
  check_input(c > 1, k.where(), ": key 'logit_scale_base' (", c, ") must be > 1 (it is c in ln(p+1)/ln c)");
  return c;
}

// A policy t = rule(p, c, option, training) with c = logit_scale_base and one boolean key: the
// shape dynamic_log (option: logit_scale_floor) and qwen_logn (logit_scale_inference_only) share;
// each file supplies its rule, key and default.
struct LogRatioRule {
  const char* name;
  const char* option_key;
  bool option_default;
  double (*at)(int64_t p, int64_t c, bool option, bool training);
};

class LogRatioPolicy final : public LogitScalePolicy {
 public:
  LogRatioPolicy(const LogRatioRule& rule, int64_t c, bool option) : rule_(rule), c_(c), option_(option) {}
  std::string name() const override { return rule_.name; }
  double at(int64_t p, bool training) const override { return rule_.at(p, c_, option_, training); }
  void to_json(nlohmann::json& j) const override {
    j["logit_scale"] = rule_.name;
    j["logit_scale_base"] = c_;
    j[rule_.option_key] = option_;
  }

 private:
  LogRatioRule rule_;
  int64_t c_;
  bool option_;
};

inline std::shared_ptr<const LogitScalePolicy> parse_log_ratio(const LogRatioRule& rule, RopeKeys& k,
                                                               const RopeSpec& s) {
  const int64_t c = read_logit_scale_base(k, s.original_max_position);
  return std::make_shared<LogRatioPolicy>(rule, c, k.boolean(rule.option_key, rule.option_default));
}

}  // namespace ropelab
