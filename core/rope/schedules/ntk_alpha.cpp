// ntk_alpha (NTK-α, Hunyuan; vLLM's DynamicNTKAlphaRotaryEmbedding): a static base
// b' = b·α^(d/(d−2)) — the ntk rule with α in place of factor, stated as Hunyuan states it.
// HF form: default RoPE with the base b' (exact); vLLM's {"rope_type": "dynamic", "alpha": α}
// is read as ntk_alpha.
#include <cmath>

#include "core/rope/schedules/scalar_schedule.h"
#include "core/util/error.h"

namespace ropelab {

namespace {
std::shared_ptr<const FrequencySchedule> parse_ntk_alpha(RopeKeys& k, const RopeContext&, RopeSpec&) {
  auto a = k.optional_number("alpha");
  check_input(a.has_value(), k.where(), ": rope_type 'ntk_alpha' needs key 'alpha' (e.g. 4)");
  check_input(std::isfinite(*a) && *a > 1, k.where(), ": key 'alpha' (", *a, ") must be > 1");
  return std::make_shared<StaticNtkSchedule>("alpha", *a);
}

bool claims_vllm_alpha(const nlohmann::json& rs) { return claims_key_under_type(rs, "alpha", "dynamic"); }
}  // namespace

ScheduleEntry schedule_entry_ntk_alpha() {
  return {"ntk_alpha", "NTK-alpha: static base b * alpha^(d/(d-2)) (Hunyuan, vLLM)", parse_ntk_alpha,
          claims_vllm_alpha};
}

}  // namespace ropelab
