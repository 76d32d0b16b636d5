// Named presets: a schedule, a policy and exempt layers under one rope_type (EABF).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ropelab {

struct RopePreset {
  const char* name;
  const char* summary;
  const char* schedule;
  const char* policy;
  int64_t exempt_layers;
  std::vector<const char*> ignored_keys;  // accepted for released configs, no effect
};

const std::vector<RopePreset>& preset_registry();
const RopePreset* find_preset(const std::string& name);

}  // namespace ropelab
