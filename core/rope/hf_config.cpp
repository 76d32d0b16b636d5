#include "core/rope/hf_config.h"

#include "core/util/error.h"

namespace ropelab {

namespace {
bool present(const nlohmann::json& config, const char* key) {
  return config.contains(key) && !config[key].is_null();
}
}  // namespace

HfRopeObject hf_rope_object(const nlohmann::json& config, const std::string& where, RopeContext& ctx) {
  if (!present(config, "rope_parameters"))
    return {config.contains("rope_scaling") ? config["rope_scaling"] : nlohmann::json(),
            where + ": rope_scaling"};
  const std::string w = where + ": rope_parameters";
  nlohmann::json rp = config["rope_parameters"];
  check_input(rp.is_object(), w, " must be a JSON object");
  if (!rp.contains("rope_type") && !rp.contains("type") && !rp.empty()) {
    bool per_layer = true;
    for (auto it = rp.begin(); it != rp.end(); ++it) per_layer &= it.value().is_object();
    check_input(!per_layer, w, ": per-layer-type RoPE (", rp.begin().key(), ", ...) is not supported");
  }
  if (rp.contains("partial_rotary_factor")) {
    check_input(rp["partial_rotary_factor"].is_number(), w, ": key 'partial_rotary_factor' must be a number");
    const double f = rp["partial_rotary_factor"].get<double>();
    check_input(!config.contains("partial_rotary_factor") ||
                    config["partial_rotary_factor"] == rp["partial_rotary_factor"],
                w, ": partial_rotary_factor (", f, ") disagrees with the top-level partial_rotary_factor");
    ctx.partial_rotary_factor = f;
    rp.erase("partial_rotary_factor");
  }
  if (present(config, "rope_scaling")) {
    const auto& rs = config["rope_scaling"];
    check_input(rs.is_object(), where, ": rope_scaling must be a JSON object or null");
    for (auto it = rs.begin(); it != rs.end(); ++it) {
      std::string key = it.key();
      if (key == "type" && !rp.contains("type")) key = "rope_type";
      check_input(rp.contains(key) && rp[key] == it.value(), where,
                  ": rope_scaling and rope_parameters disagree on '", it.key(), "' (", it.value().dump(),
                  " vs ", rp.contains(key) ? rp[key].dump() : "absent", "); give one of them");
    }
  }
  return {rp, w};
}

}  // namespace ropelab
