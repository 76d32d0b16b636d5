// Parsing, validation and serialisation of RopeSpec: the common keys, and dispatch to the
// registered schedule (core/rope/schedules/) and policy (core/rope/policies/).
#include "core/rope/rope_spec.h"

#include <cmath>

#include "core/rope/presets.h"
#include "core/util/error.h"

namespace ropelab {

std::string rope_type_names() {
  std::string out;
  for (const auto& e : schedule_registry()) out += (out.empty() ? "" : ", ") + std::string(e.name);
  for (const auto& p : preset_registry()) out += ", " + std::string(p.name);
  return out;
}

std::string logit_scale_names() {
  std::string out;
  for (const auto& e : policy_registry()) out += (out.empty() ? "" : ", ") + std::string(e.name);
  return out;
}

RopeSpec RopeSpec::from_json(const nlohmann::json& rs_in, double rope_theta, const RopeContext& ctx,
                             const std::string& where) {
  RopeSpec s;
  const nlohmann::json rs = rs_in.is_null() ? nlohmann::json::object() : rs_in;
  check_input(rs.is_object(), where, ": rope_scaling must be a JSON object or null");
  check_input(ctx.partial_rotary_factor > 0 && ctx.partial_rotary_factor <= 1, where,
              ": partial_rotary_factor (", ctx.partial_rotary_factor, ") must be in (0, 1]");
  s.rotary_dim = static_cast<int64_t>(ctx.head_dim * ctx.partial_rotary_factor);
  s.max_position_embeddings = ctx.max_position_embeddings;
  s.original_max_position = ctx.max_position_embeddings;
  s.theta = rope_theta;

  std::string type_name = "default";
  for (const char* key : {"rope_type", "type"}) {
    if (!rs.contains(key)) continue;
    check_input(rs[key].is_string(), where, ": key '", key, "' must be a string");
    type_name = rs[key].get<std::string>();
    break;
  }
  if (!rs.contains("rope_type") && !rs.contains("type") && !rs.empty())
    fail_input(where, ": rope_scaling has no 'rope_type' (or 'type'); valid: ", rope_type_names());

  // A schedule may claim a foreign form first (vLLM's ntk + mixed_b); else the name decides.
  const ScheduleEntry* sched = nullptr;
  for (const auto& e : schedule_registry())
    if (e.claims && e.claims(rs)) sched = &e;
  const RopePreset* preset = sched ? nullptr : find_preset(type_name);
  if (!sched) sched = find_schedule(preset ? preset->schedule : type_name);
  check_input(sched != nullptr, where, ": unknown rope_type '", type_name, "'; valid: ", rope_type_names());
  s.type = preset ? preset->name : sched->name;

  RopeKeys k(rs, where, s.type);
  k.allow("rope_type");
  k.allow("type");
  if (preset)
    for (const char* key : preset->ignored_keys) k.allow(key);
  s.schedule = sched->parse(k, ctx, s);  // may set defaults of theta / L0
  s.theta = k.number("rope_theta", s.theta);
  s.original_max_position = k.integer("original_max_position_embeddings", s.original_max_position);

  std::string policy_name = preset ? preset->policy : "none";
  if (!k.has("logit_scale"))
    for (const auto& e : policy_registry())
      if (e.claims && e.claims(rs)) policy_name = e.name;
  policy_name = k.string("logit_scale", policy_name);
  const PolicyEntry* pol = find_policy(policy_name);
  check_input(pol != nullptr, where, ": unknown logit_scale '", policy_name,
              "'; valid: ", logit_scale_names());
  s.policy = pol->parse(k, s);
  s.preset_policy = preset ? preset->policy : "";
  s.exempt_layers = k.integer("exempt_layers", preset ? preset->exempt_layers : 0);
  s.resonance = k.boolean("resonance", false);
  k.finish();
  s.validate(where);
  return s;
}

void RopeSpec::validate(const std::string& where) const {
  check_input(std::isfinite(theta) && theta > 0, where, ": rope_theta (", theta, ") must be > 0");
  check_input(rotary_dim >= 2 && rotary_dim % 2 == 0, where, ": rotary dimension (", rotary_dim,
              ") must be a positive even number");
  check_input(original_max_position > 0, where, ": key 'original_max_position_embeddings' (",
              original_max_position, ") must be positive");
  check_input(exempt_layers >= 0, where, ": key 'exempt_layers' (", exempt_layers, ") must be >= 0");
  schedule->validate(*this, where);
}

nlohmann::json RopeSpec::to_json() const {
  nlohmann::json j;
  j["rope_type"] = type;
  j["rope_theta"] = theta;
  j["original_max_position_embeddings"] = original_max_position;
  schedule->to_json(*this, j);
  policy->to_json(j);
  j["exempt_layers"] = exempt_layers;
  if (resonance) j["resonance"] = true;
  return j;
}

void RopeSpec::write_hf(nlohmann::json& config) const {
  // HF loads the standard types; the rest is written as the nearest HF form (ABF/EABF/NTK/NTK-α:
  // default RoPE with the new base) and the toolkit's record keeps the exact method.
  HfRope h = hf_form();
  if (h.params.empty()) h.params["rope_type"] = "default";
  policy->write_hf(h.params);
  const bool plain = h.params.size() == 1;  // only rope_type "default"
  config["rope_theta"] = h.theta;
  config["rope_scaling"] = plain ? nlohmann::json() : h.params;  // transformers 4.x
  nlohmann::json params = h.params;                              // transformers 5.x
  params["rope_theta"] = h.theta;
  config["rope_parameters"] = params;
  if (h.max_position_embeddings) config["max_position_embeddings"] = *h.max_position_embeddings;
  if (type == "default" && !policy->active() && exempt_layers == 0 && !resonance)
    config.erase(kRopelabRopeKey);
  else
    config[kRopelabRopeKey] = to_json();
}

std::vector<double> RopeSpec::inv_freq(int64_t seq_len) const {
  auto inv = schedule->inv_freq(*this, seq_len);
  if (resonance) resonance_round(inv, original_max_position);
  return inv;
}

double RopeSpec::attention_factor(int64_t seq_len) const {
  return schedule->attention_factor(*this, seq_len);
}

double RopeSpec::logit_scale_at(int64_t layer, int64_t position, bool training) const {
  if (!policy->active() || layer < exempt_layers) return 1.0;
  return policy->at(position, training);
}

std::string RopeSpec::method_label() const {
  // A preset's policy is part of the method; elsewhere a policy is composed onto the schedule.
  std::string m = type;
  if (preset_policy.empty() && policy->active()) m += "+" + policy->name();
  return m;
}

void resonance_round(std::vector<double>& inv_freq, int64_t window) {
  for (double& f : inv_freq) {
    const double wavelength = 2.0 * kRopePi / f;
    if (wavelength <= double(window)) f = 2.0 * kRopePi / std::max(1.0, std::round(wavelength));
  }
}

}  // namespace ropelab
