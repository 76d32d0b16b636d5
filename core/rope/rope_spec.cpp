// Parsing, validation and serialisation of RopeSpec. The frequency formulas live in
// frequencies.cpp, the logit-scale policy in logit_scale.cpp.
#include "core/rope/rope_spec.h"

#include <cmath>
#include <map>
#include <set>

#include "core/util/error.h"

namespace ropelab {

namespace {

const std::vector<std::pair<std::string, RopeType>> kTypes = {
    {"default", RopeType::Default}, {"linear", RopeType::Linear},
    {"ntk", RopeType::Ntk},         {"dynamic", RopeType::Dynamic},
    {"ntk_by_parts", RopeType::NtkByParts}, {"yarn", RopeType::Yarn},
    {"llama3", RopeType::Llama3},   {"longrope", RopeType::LongRope},
    {"abf", RopeType::Abf},         {"eabf", RopeType::Eabf}};

const std::set<std::string> kCommonKeys = {"rope_type", "type", "rope_theta", "logit_scale",
                                           "logit_scale_base", "logit_scale_floor",
                                           "logit_scale_value", "exempt_layers",
                                           "original_max_position_embeddings"};

std::set<std::string> method_keys(RopeType t) {
  switch (t) {
    case RopeType::Default: case RopeType::Abf: case RopeType::Eabf: return {};
    case RopeType::Linear: case RopeType::Ntk: case RopeType::Dynamic: return {"factor"};
    case RopeType::NtkByParts: case RopeType::Yarn:
      return {"factor", "beta_fast", "beta_slow", "attention_factor", "mscale", "mscale_all_dim",
              "truncate"};
    case RopeType::Llama3: return {"factor", "low_freq_factor", "high_freq_factor"};
    case RopeType::LongRope: return {"factor", "short_factor", "long_factor", "attention_factor"};
  }
  return {};
}

bool factor_must_exceed_one(RopeType t) {
  return t == RopeType::Linear || t == RopeType::Ntk || t == RopeType::Dynamic ||
         t == RopeType::NtkByParts || t == RopeType::Yarn || t == RopeType::Llama3;
}

std::string join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& k : s) out += (out.empty() ? "" : ", ") + k;
  return out;
}

double number(const nlohmann::json& j, const std::string& key, const std::string& where) {
  const auto& v = j.at(key);
  check_input(v.is_number(), where, ": key '", key, "' must be a number, got ", v.dump());
  return v.get<double>();
}

int64_t integer(const nlohmann::json& j, const std::string& key, const std::string& where) {
  const auto& v = j.at(key);
  check_input(v.is_number() && std::floor(v.get<double>()) == v.get<double>(), where, ": key '",
              key, "' must be an integer, got ", v.dump());
  return static_cast<int64_t>(v.get<double>());
}

bool boolean(const nlohmann::json& j, const std::string& key, const std::string& where) {
  const auto& v = j.at(key);
  check_input(v.is_boolean(), where, ": key '", key, "' must be true or false, got ", v.dump());
  return v.get<bool>();
}

std::vector<double> number_list(const nlohmann::json& j, const std::string& key,
                                const std::string& where) {
  const auto& v = j.at(key);
  check_input(v.is_array(), where, ": key '", key, "' must be a list of numbers");
  std::vector<double> out;
  for (const auto& x : v) {
    check_input(x.is_number(), where, ": key '", key, "' must contain only numbers");
    out.push_back(x.get<double>());
  }
  return out;
}

}  // namespace

RopeType rope_type_from_string(const std::string& s) {
  for (const auto& [name, t] : kTypes)
    if (name == s) return t;
  fail_input("unknown rope_type '", s, "'; valid: ", rope_type_names());
}

std::string to_string(RopeType t) {
  for (const auto& [name, v] : kTypes)
    if (v == t) return name;
  return "?";
}

std::string rope_type_names() {
  std::string out;
  for (const auto& [name, t] : kTypes) out += (out.empty() ? "" : ", ") + name;
  return out;
}

LogitScaleKind logit_scale_from_string(const std::string& s) {
  if (s == "none") return LogitScaleKind::None;
  if (s == "dynamic_log") return LogitScaleKind::DynamicLog;
  if (s == "constant") return LogitScaleKind::Constant;
  fail_input("unknown logit_scale '", s, "'; valid: none, dynamic_log, constant");
}

std::string to_string(LogitScaleKind k) {
  switch (k) {
    case LogitScaleKind::None: return "none";
    case LogitScaleKind::DynamicLog: return "dynamic_log";
    case LogitScaleKind::Constant: return "constant";
  }
  return "?";
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
  s.theta = rope_theta;

  std::string type_name = "default";
  if (rs.contains("rope_type")) {
    check_input(rs["rope_type"].is_string(), where, ": key 'rope_type' must be a string");
    type_name = rs["rope_type"].get<std::string>();
  } else if (rs.contains("type")) {
    check_input(rs["type"].is_string(), where, ": key 'type' must be a string");
    type_name = rs["type"].get<std::string>();
  } else if (!rs.empty()) {
    fail_input(where, ": rope_scaling has no 'rope_type' (or 'type'); valid: ", rope_type_names());
  }
  try {
    s.type = rope_type_from_string(type_name);
  } catch (const InputError& e) {
    fail_input(where, ": ", e.what());
  }

  std::set<std::string> allowed = kCommonKeys;
  for (const auto& k : method_keys(s.type)) allowed.insert(k);
  for (auto it = rs.begin(); it != rs.end(); ++it)
    check_input(allowed.count(it.key()) > 0, where, ": unknown key '", it.key(), "' for rope_type '",
                type_name, "'; valid keys: ", join(allowed));

  // ABF / EABF: a new base, 500,000 unless given.
  if (s.type == RopeType::Abf || s.type == RopeType::Eabf) s.theta = 500000.0;
  if (rs.contains("rope_theta")) s.theta = number(rs, "rope_theta", where);

  if (rs.contains("factor")) s.factor = number(rs, "factor", where);
  s.original_max_position = ctx.max_position_embeddings;
  if (rs.contains("original_max_position_embeddings"))
    s.original_max_position = integer(rs, "original_max_position_embeddings", where);
  if (s.type == RopeType::Llama3 && !rs.contains("original_max_position_embeddings"))
    s.original_max_position = 8192;
  if (s.type == RopeType::Llama3 && !rs.contains("factor")) s.factor = 8.0;
  if (s.type == RopeType::LongRope && ctx.top_level_original_max_position &&
      !rs.contains("original_max_position_embeddings")) {
    s.original_max_position = *ctx.top_level_original_max_position;
    s.factor_from_top_level = true;
    s.factor = double(ctx.max_position_embeddings) / double(s.original_max_position);
  }
  if (rs.contains("beta_fast")) s.beta_fast = number(rs, "beta_fast", where);
  if (rs.contains("beta_slow")) s.beta_slow = number(rs, "beta_slow", where);
  if (rs.contains("truncate")) s.truncate = boolean(rs, "truncate", where);
  if (rs.contains("attention_factor") && !rs["attention_factor"].is_null())
    s.attention_factor_override = number(rs, "attention_factor", where);
  if (rs.contains("mscale") && !rs["mscale"].is_null()) s.mscale = number(rs, "mscale", where);
  if (rs.contains("mscale_all_dim") && !rs["mscale_all_dim"].is_null())
    s.mscale_all_dim = number(rs, "mscale_all_dim", where);
  if (rs.contains("low_freq_factor")) s.low_freq_factor = number(rs, "low_freq_factor", where);
  if (rs.contains("high_freq_factor")) s.high_freq_factor = number(rs, "high_freq_factor", where);
  if (rs.contains("short_factor")) s.short_factor = number_list(rs, "short_factor", where);
  if (rs.contains("long_factor")) s.long_factor = number_list(rs, "long_factor", where);

  // Logit-scale policy: EABF's defaults are dynamic_log with floor and 2 exempt layers.
  if (s.type == RopeType::Eabf) {
    s.logit_scale = LogitScaleKind::DynamicLog;
    s.exempt_layers = 2;
  }
  if (rs.contains("logit_scale")) {
    check_input(rs["logit_scale"].is_string(), where, ": key 'logit_scale' must be a string");
    try {
      s.logit_scale = logit_scale_from_string(rs["logit_scale"].get<std::string>());
    } catch (const InputError& e) {
      fail_input(where, ": ", e.what());
    }
  }
  s.logit_scale_base = s.original_max_position;
  if (rs.contains("logit_scale_base")) s.logit_scale_base = integer(rs, "logit_scale_base", where);
  if (rs.contains("logit_scale_floor")) s.logit_scale_floor = boolean(rs, "logit_scale_floor", where);
  if (rs.contains("logit_scale_value")) {
    s.logit_scale_value = number(rs, "logit_scale_value", where);
    check_input(s.logit_scale == LogitScaleKind::Constant, where,
                ": key 'logit_scale_value' is only valid with logit_scale 'constant'");
  } else {
    check_input(s.logit_scale != LogitScaleKind::Constant, where,
                ": logit_scale 'constant' needs key 'logit_scale_value' (e.g. 1.2965)");
  }
  if (rs.contains("exempt_layers")) s.exempt_layers = integer(rs, "exempt_layers", where);
  s.validate(where);
  return s;
}

void RopeSpec::validate(const std::string& where) const {
  const std::string name = to_string(type);
  check_input(std::isfinite(theta) && theta > 0, where, ": rope_theta (", theta, ") must be > 0");
  check_input(rotary_dim >= 2 && rotary_dim % 2 == 0, where, ": rotary dimension (", rotary_dim,
              ") must be a positive even number");
  check_input(std::isfinite(factor), where, ": key 'factor' must be finite");
  if (factor_must_exceed_one(type))
    check_input(factor > 1.0, where, ": key 'factor' (", factor, ") must be > 1 for rope_type '",
                name, "'");
  else
    check_input(factor > 0, where, ": key 'factor' (", factor, ") must be > 0");
  check_input(original_max_position > 0, where, ": key 'original_max_position_embeddings' (",
              original_max_position, ") must be positive");
  if (type == RopeType::Yarn || type == RopeType::NtkByParts) {
    check_input(beta_fast > 0 && beta_slow > 0, where,
                ": keys 'beta_fast' and 'beta_slow' must be > 0");
    check_input(beta_fast > beta_slow, where, ": key 'beta_fast' (", beta_fast,
                ") must exceed 'beta_slow' (", beta_slow, ")");
  }
  if (attention_factor_override)
    check_input(*attention_factor_override > 0, where, ": key 'attention_factor' (",
                *attention_factor_override, ") must be > 0");
  if (type == RopeType::Llama3)
    check_input(high_freq_factor > low_freq_factor && low_freq_factor > 0, where,
                ": keys need 0 < 'low_freq_factor' (", low_freq_factor, ") < 'high_freq_factor' (",
                high_freq_factor, ")");
  if (type == RopeType::LongRope) {
    const size_t half = size_t(rotary_dim / 2);
    check_input(short_factor.size() == half, where, ": key 'short_factor' has ",
                short_factor.size(), " values; rope_type 'longrope' needs rotary_dim/2 = ", half);
    check_input(long_factor.size() == half, where, ": key 'long_factor' has ", long_factor.size(),
                " values; rope_type 'longrope' needs rotary_dim/2 = ", half);
    for (double v : short_factor)
      check_input(v > 0, where, ": key 'short_factor' values must be > 0");
    for (double v : long_factor) check_input(v > 0, where, ": key 'long_factor' values must be > 0");
  }
  check_input(logit_scale_base > 1, where, ": key 'logit_scale_base' (", logit_scale_base,
              ") must be > 1 (it is c in ln(p+1)/ln c)");
  if (logit_scale == LogitScaleKind::Constant)
    check_input(std::isfinite(logit_scale_value) && logit_scale_value > 0, where,
                ": key 'logit_scale_value' (", logit_scale_value, ") must be > 0");
  check_input(exempt_layers >= 0, where, ": key 'exempt_layers' (", exempt_layers,
              ") must be >= 0");
}

nlohmann::json RopeSpec::to_json() const {
  nlohmann::json j;
  j["rope_type"] = to_string(type);
  j["rope_theta"] = theta;
  j["original_max_position_embeddings"] = original_max_position;
  if (type != RopeType::Default && type != RopeType::Abf && type != RopeType::Eabf)
    j["factor"] = factor;
  if (type == RopeType::Yarn || type == RopeType::NtkByParts) {
    j["beta_fast"] = beta_fast;
    j["beta_slow"] = beta_slow;
    j["truncate"] = truncate;
    if (mscale) j["mscale"] = *mscale;
    if (mscale_all_dim) j["mscale_all_dim"] = *mscale_all_dim;
  }
  if (type == RopeType::NtkByParts) j["attention_factor"] = 1.0;
  if ((type == RopeType::Yarn || type == RopeType::LongRope) && attention_factor_override)
    j["attention_factor"] = *attention_factor_override;
  if (type == RopeType::Llama3) {
    j["low_freq_factor"] = low_freq_factor;
    j["high_freq_factor"] = high_freq_factor;
  }
  if (type == RopeType::LongRope) {
    j["short_factor"] = short_factor;
    j["long_factor"] = long_factor;
    if (factor_from_top_level) j.erase("original_max_position_embeddings");
  }
  j["logit_scale"] = to_string(logit_scale);
  j["logit_scale_base"] = logit_scale_base;
  j["logit_scale_floor"] = logit_scale_floor;
  if (logit_scale == LogitScaleKind::Constant) j["logit_scale_value"] = logit_scale_value;
  j["exempt_layers"] = exempt_layers;
  return j;
}

void RopeSpec::write_hf(nlohmann::json& config) const {
  // HF transformers can load the standard types; ntk and ntk_by_parts have exact HF equivalents
  // (default with a larger base; yarn with attention_factor 1). ABF/EABF are default RoPE with a
  // new base for HF — EABF's logit scale exists only in the toolkit's record.
  nlohmann::json scaling;
  double hf_theta = theta;
  switch (type) {
    case RopeType::Default: case RopeType::Abf: case RopeType::Eabf: break;
    case RopeType::Ntk:
      hf_theta = theta * std::pow(factor, double(rotary_dim) / double(rotary_dim - 2));
      break;
    case RopeType::Linear: case RopeType::Dynamic:
      scaling = {{"rope_type", to_string(type)}, {"factor", factor}};
      break;
    case RopeType::NtkByParts: case RopeType::Yarn: {
      scaling = {{"rope_type", "yarn"}, {"factor", factor},
                 {"original_max_position_embeddings", original_max_position},
                 {"beta_fast", beta_fast}, {"beta_slow", beta_slow}};
      if (!truncate) scaling["truncate"] = false;
      if (type == RopeType::NtkByParts) scaling["attention_factor"] = 1.0;
      else if (attention_factor_override) scaling["attention_factor"] = *attention_factor_override;
      if (mscale) scaling["mscale"] = *mscale;
      if (mscale_all_dim) scaling["mscale_all_dim"] = *mscale_all_dim;
      break;
    }
    case RopeType::Llama3:
      scaling = {{"rope_type", "llama3"}, {"factor", factor},
                 {"low_freq_factor", low_freq_factor}, {"high_freq_factor", high_freq_factor},
                 {"original_max_position_embeddings", original_max_position}};
      break;
    case RopeType::LongRope:
      scaling = {{"rope_type", "longrope"}, {"short_factor", short_factor},
                 {"long_factor", long_factor}, {"factor", factor}};
      if (!factor_from_top_level)
        scaling["original_max_position_embeddings"] = original_max_position;
      if (attention_factor_override) scaling["attention_factor"] = *attention_factor_override;
      break;
  }
  config["rope_theta"] = hf_theta;
  config["rope_scaling"] = scaling;
  if (type == RopeType::Default && logit_scale == LogitScaleKind::None && exempt_layers == 0)
    config.erase(kRopelabRopeKey);
  else
    config[kRopelabRopeKey] = to_json();
}

}  // namespace ropelab
