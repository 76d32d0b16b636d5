// Where a Hugging Face config.json keeps its RoPE: `rope_parameters` (transformers 5.x, which may
// also hold rope_theta and partial_rotary_factor) or `rope_scaling` (4.x). Both present: they must
// agree, key by key, or the config is refused; never one silently preferred.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "core/rope/rope_spec.h"

namespace ropelab {

struct HfRopeObject {
  nlohmann::json object;  // what RopeSpec::from_json reads (null = default RoPE)
  std::string where;      // "<file>: rope_parameters" or "<file>: rope_scaling"
};

// May set ctx.partial_rotary_factor from rope_parameters.
HfRopeObject hf_rope_object(const nlohmann::json& config, const std::string& where, RopeContext& ctx);

}  // namespace ropelab
