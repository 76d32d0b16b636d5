// ntk (static NTK-aware scaling, bloc97 2023): base' = b · factor^(d/(d−2)).
#include "core/rope/schedules/scalar_schedule.h"

namespace ropelab {

namespace {
std::shared_ptr<const FrequencySchedule> parse_ntk(RopeKeys& k, const RopeContext&, RopeSpec&) {
  return std::make_shared<StaticNtkSchedule>("factor", read_factor(k, 1.0, true));
}
}  // namespace

ScheduleEntry schedule_entry_ntk() {
  return {"ntk", "static NTK-aware: base' = b * factor^(d/(d-2))", parse_ntk, nullptr};
}

}  // namespace ropelab
