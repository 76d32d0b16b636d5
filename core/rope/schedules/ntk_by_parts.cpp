// ntk_by_parts (bloc97 2023): YaRN's frequencies with attention factor 1. HF form: yarn with
// attention_factor 1.
#include "core/rope/schedules/ramp_schedule.h"

namespace ropelab {

namespace {
class NtkByPartsSchedule final : public RampSchedule {
 public:
  explicit NtkByPartsSchedule(RopeKeys& k) : RampSchedule(k) {
    check_input(!attention_factor_override || *attention_factor_override == 1.0, k.where(),
                ": key 'attention_factor' must be 1 for rope_type 'ntk_by_parts' (use 'yarn' for another)");
  }
  void to_json(const RopeSpec& s, nlohmann::json& j) const override {
    RampSchedule::to_json(s, j);
    j["attention_factor"] = 1.0;
  }
  HfRope hf_form(const RopeSpec& s) const override {
    HfRope h = RampSchedule::hf_form(s);
    h.params["attention_factor"] = 1.0;
    return h;
  }
};
std::shared_ptr<const FrequencySchedule> parse_ntk_by_parts(RopeKeys& k, const RopeContext&, RopeSpec&) {
  return std::make_shared<NtkByPartsSchedule>(k);
}
}  // namespace

ScheduleEntry schedule_entry_ntk_by_parts() {
  return {"ntk_by_parts", "YaRN's ramp with attention factor 1", parse_ntk_by_parts, nullptr};
}

}  // namespace ropelab
