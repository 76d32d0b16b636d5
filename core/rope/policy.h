// Logit-scale policies: the registry interface. One policy = one file under core/rope/policies/
// plus one line in core/rope/policies/policies.def. A policy is a per-query-position multiplier
// t(p) of the logits q·k/√d (equivalently of q after rotation); it belongs to the query, so cached
// keys are never rescaled. It composes with every frequency schedule and with exempt_layers.
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/rope/rope_keys.h"

namespace ropelab {

struct RopeSpec;

class LogitScalePolicy {
 public:
  virtual ~LogitScalePolicy() = default;
  virtual std::string name() const = 0;
  // t for the query at 0-based absolute position p; `training` is the model's mode.
  virtual double at(int64_t position, bool training) const = 0;
  virtual bool active() const { return true; }  // false only for `none`
  // The policy's keys (logit_scale included) for the toolkit's record.
  virtual void to_json(nlohmann::json& j) const = 0;
  // Keys Hugging Face understands for this policy, added to rope_scaling/rope_parameters.
  virtual void write_hf(nlohmann::json& params) const {}
};

// Parses the policy's keys; `spec` carries the resolved L0 (the default c).
using PolicyParser = std::shared_ptr<const LogitScalePolicy> (*)(RopeKeys& keys, const RopeSpec& spec);
// Optional: picks this policy when `logit_scale` is absent (Ministral-3's llama_4_scaling_beta).
using PolicyClaim = bool (*)(const nlohmann::json& rope_scaling);

struct PolicyEntry {
  const char* name;
  const char* summary;
  PolicyParser parse;
  PolicyClaim claims;  // may be null
};

const std::vector<PolicyEntry>& policy_registry();
const PolicyEntry* find_policy(const std::string& name);

}  // namespace ropelab
