// abf: adjusted base frequency (Xiong et al. 2023): plain RoPE with a larger base, 500,000 unless
// rope_theta is given (the EABF paper's value for LLaMA-2).
#include "core/rope/rope_spec.h"

namespace ropelab {

namespace {
std::shared_ptr<const FrequencySchedule> parse_abf(RopeKeys&, const RopeContext&, RopeSpec& s) {
  s.theta = 500000.0;  // rope_theta inside the object overrides it
  return plain_rope_schedule();
}
}  // namespace

ScheduleEntry schedule_entry_abf() {
  return {"abf", "plain RoPE with base rope_theta, default 500,000 (Xiong et al. 2023)", parse_abf, nullptr};
}

}  // namespace ropelab
