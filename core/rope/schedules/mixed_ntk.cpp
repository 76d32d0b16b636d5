// mixed_ntk (Su 2023, kexue.fm/archives/9706; vLLM's NTKScalingRotaryEmbedding with mixed_b):
// inv_freq[i] = 1/b^(2i/d) / exp(a·(i+1)^β), a = ln(factor)/(d/2)^β, β = mixed_b: the
// highest-frequency pair barely moves, the lowest is divided by exactly `factor` (PI).
// HF form: vLLM's {"rope_type": "ntk", "factor": s, "mixed_b": β} (HF transformers has none and
// refuses it loudly); that form is read back as mixed_ntk.
#include <cmath>

#include "core/rope/schedules/scalar_schedule.h"
#include "core/util/error.h"

namespace ropelab {

namespace {
class MixedNtkSchedule final : public FrequencySchedule {
 public:
  std::vector<double> inv_freq(const RopeSpec& s, int64_t) const override {
    auto inv = base_inv_freq(s.theta, s.rotary_dim);
    const double a = std::log(factor) / std::pow(double(s.rotary_dim / 2), mixed_b);
    for (size_t i = 0; i < inv.size(); ++i) inv[i] /= std::exp(a * std::pow(double(i + 1), mixed_b));
    return inv;
  }
  void to_json(const RopeSpec&, nlohmann::json& j) const override {
    j["factor"] = factor;
    j["mixed_b"] = mixed_b;
  }
  HfRope hf_form(const RopeSpec& s) const override {
    return {s.theta, {{"rope_type", "ntk"}, {"factor", factor}, {"mixed_b", mixed_b}}, std::nullopt};
  }
  double factor = 1.0, mixed_b = 1.0;
};

std::shared_ptr<const FrequencySchedule> parse_mixed_ntk(RopeKeys& k, const RopeContext&, RopeSpec&) {
  auto m = std::make_shared<MixedNtkSchedule>();
  m->factor = read_factor(k, 1.0, true);
  auto b = k.optional_number("mixed_b");
  check_input(b.has_value(), k.where(), ": rope_type 'mixed_ntk' needs key 'mixed_b' (e.g. 1.5)");
  m->mixed_b = *b;
  check_input(std::isfinite(m->mixed_b) && m->mixed_b > 0, k.where(), ": key 'mixed_b' (", m->mixed_b,
              ") must be > 0");
  return m;
}

bool claims_vllm_mixed(const nlohmann::json& rs) { return claims_key_under_type(rs, "mixed_b", "ntk"); }
}  // namespace

ScheduleEntry schedule_entry_mixed_ntk() {
  return {"mixed_ntk", "mixed-base NTK: inv_freq_i / exp(a (i+1)^b), a = ln s/(d/2)^b (vLLM mixed_b)",
          parse_mixed_ntk, claims_vllm_mixed};
}

}  // namespace ropelab
