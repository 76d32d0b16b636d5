#include "core/rope/presets.h"

namespace ropelab {

const std::vector<RopePreset>& preset_registry() {
  // eabf = abf (base 500,000) + dynamic_log (c = L0, floor) + layers 0–1 exempt (the paper).
  // The authors' released checkpoints say {"type": "eabf", "factor": 4}; their patch ignores the
  // factor (GAIR-NLP/Entropy-ABF patch/EABF.py), and so does this preset.
  static const std::vector<RopePreset> v = {
      {"eabf",
       "abf + dynamic_log + 2 exempt layers (Zhang et al. 2024)",
       "abf",
       "dynamic_log",
       2,
       {"factor"}},
  };
  return v;
}

const RopePreset* find_preset(const std::string& name) {
  for (const auto& p : preset_registry())
    if (name == p.name) return &p;
  return nullptr;
}

}  // namespace ropelab
