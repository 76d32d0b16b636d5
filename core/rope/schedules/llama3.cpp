// llama3 (Meta 2024, HF _compute_llama3_parameters): wavelen = 2π/inv_freq; wavelen > L0/low →
// inv_freq/factor; wavelen < L0/high → unchanged; between, r = (L0/wavelen − low)/(high − low),
// inv_freq·((1−r)/factor + r). Defaults factor 8, low 1, high 4, L0 8192.
#include "core/rope/rope_spec.h"
#include "core/util/error.h"

namespace ropelab {

namespace {
class Llama3Schedule final : public FrequencySchedule {
 public:
  std::vector<double> inv_freq(const RopeSpec& s, int64_t) const override {
    std::vector<double> inv = base_inv_freq(s.theta, s.rotary_dim);
    const double l0 = double(s.original_max_position);
    const double low_wavelen = l0 / low_freq_factor, high_wavelen = l0 / high_freq_factor;
    for (double& f : inv) {
      const double wavelen = 2.0 * kRopePi / f;
      if (wavelen > low_wavelen) {
        f = f / factor;
      } else if (wavelen >= high_wavelen) {
        const double r = (l0 / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor);
        f = (1.0 - r) * f / factor + r * f;
      }
    }
    return inv;
  }
  void to_json(const RopeSpec&, nlohmann::json& j) const override {
    j["factor"] = factor;
    j["low_freq_factor"] = low_freq_factor;
    j["high_freq_factor"] = high_freq_factor;
  }
  HfRope hf_form(const RopeSpec& s) const override {
    return {s.theta,
            {{"rope_type", "llama3"},
             {"factor", factor},
             {"low_freq_factor", low_freq_factor},
             {"high_freq_factor", high_freq_factor},
             {"original_max_position_embeddings", s.original_max_position}},
            std::nullopt};
  }
  double factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0;
};
std::shared_ptr<const FrequencySchedule> parse_llama3(RopeKeys& k, const RopeContext&, RopeSpec& s) {
  auto l = std::make_shared<Llama3Schedule>();
  l->factor = read_factor(k, 8.0, true);
  l->low_freq_factor = k.number("low_freq_factor", 1.0);
  l->high_freq_factor = k.number("high_freq_factor", 4.0);
  check_input(l->high_freq_factor > l->low_freq_factor && l->low_freq_factor > 0, k.where(),
              ": keys need 0 < 'low_freq_factor' (", l->low_freq_factor, ") < 'high_freq_factor' (",
              l->high_freq_factor, ")");
  s.original_max_position = 8192;  // Llama-3's window unless the key says otherwise
  return l;
}
}  // namespace

ScheduleEntry schedule_entry_llama3() {
  return {"llama3", "Llama-3.1: PI below L0/low, unchanged above L0/high, blended between", parse_llama3,
          nullptr};
}

}  // namespace ropelab
