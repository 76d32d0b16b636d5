// ntk_alpha (NTK-α, Hunyuan; vLLM's DynamicNTKAlphaRotaryEmbedding): a static base
// b' = b·α^(d/(d−2)) — the ntk rule with α in place of factor, stated as Hunyuan states it.
// HF form: default RoPE with the base b' (exact); vLLM's {"rope_type": "dynamic", "alpha": α}
// is read as ntk_alpha.
#include <cmath>

#include "core/rope/rope_spec.h"
#include "core/util/error.h"

namespace ropelab {

namespace {
class NtkAlphaSchedule final : public FrequencySchedule {
 public:
  explicit NtkAlphaSchedule(double a) : alpha(a) {}
  double base(const RopeSpec& s) const {
    return s.theta * std::pow(alpha, double(s.rotary_dim) / double(s.rotary_dim - 2));
  }
  std::vector<double> inv_freq(const RopeSpec& s, int64_t) const override {
    return base_inv_freq(base(s), s.rotary_dim);
  }
  void to_json(const RopeSpec&, nlohmann::json& j) const override { j["alpha"] = alpha; }
  HfRope hf_form(const RopeSpec& s) const override {
    return {base(s), nlohmann::json::object(), std::nullopt};
  }
  double alpha;
};

std::shared_ptr<const FrequencySchedule> parse_ntk_alpha(RopeKeys& k, const RopeContext&, RopeSpec&) {
  auto a = k.optional_number("alpha");
  check_input(a.has_value(), k.where(), ": rope_type 'ntk_alpha' needs key 'alpha' (e.g. 4)");
  check_input(std::isfinite(*a) && *a > 1, k.where(), ": key 'alpha' (", *a, ") must be > 1");
  return std::make_shared<NtkAlphaSchedule>(*a);
}

bool claims_vllm_alpha(const nlohmann::json& rs) {
  if (!rs.is_object() || !rs.contains("alpha")) return false;
  const auto t = rs.contains("rope_type") ? rs["rope_type"] : rs.value("type", nlohmann::json());
  return t == "dynamic";
}
}  // namespace

ScheduleEntry schedule_entry_ntk_alpha() {
  return {"ntk_alpha", "NTK-alpha: static base b * alpha^(d/(d-2)) (Hunyuan, vLLM)", parse_ntk_alpha,
          claims_vllm_alpha};
}

}  // namespace ropelab
