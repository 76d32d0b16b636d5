// The two registries, built from the one-line-per-entry lists schedules.def and policies.def.
// Explicit lists, not static self-registration: objects of a static library that nothing
// references would be dropped by the linker, and a method would silently vanish.
#include "core/rope/rope_spec.h"
#include "core/util/error.h"

namespace ropelab {

#define ROPELAB_SCHEDULE(id) ScheduleEntry schedule_entry_##id();
#include "core/rope/schedules/schedules.def"
#undef ROPELAB_SCHEDULE
#define ROPELAB_POLICY(id) PolicyEntry policy_entry_##id();
#include "core/rope/policies/policies.def"
#undef ROPELAB_POLICY

const std::vector<ScheduleEntry>& schedule_registry() {
  static const std::vector<ScheduleEntry> v = {
#define ROPELAB_SCHEDULE(id) schedule_entry_##id(),
#include "core/rope/schedules/schedules.def"
#undef ROPELAB_SCHEDULE
  };
  return v;
}

const std::vector<PolicyEntry>& policy_registry() {
  static const std::vector<PolicyEntry> v = {
#define ROPELAB_POLICY(id) policy_entry_##id(),
#include "core/rope/policies/policies.def"
#undef ROPELAB_POLICY
  };
  return v;
}

const ScheduleEntry* find_schedule(const std::string& name) {
  for (const auto& e : schedule_registry())
    if (name == e.name) return &e;
  return nullptr;
}

const PolicyEntry* find_policy(const std::string& name) {
  for (const auto& e : policy_registry())
    if (name == e.name) return &e;
  return nullptr;
}

HfRope FrequencySchedule::hf_form(const RopeSpec& s) const {
  return {s.theta, nlohmann::json::object(), std::nullopt};
}

double read_factor(RopeKeys& k, double fallback, bool must_exceed_one) {
  const double f = k.number("factor", fallback);
  check_input(std::isfinite(f), k.where(), ": key 'factor' must be finite");
  if (must_exceed_one)
    check_input(f > 1.0, k.where(), ": key 'factor' (", f, ") must be > 1 for rope_type '", k.method(), "'");
  else
    check_input(f > 0, k.where(), ": key 'factor' (", f, ") must be > 0");
  return f;
}

}  // namespace ropelab
