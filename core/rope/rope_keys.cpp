#include "core/rope/rope_keys.h"

#include <cmath>

#include "core/util/error.h"

namespace ropelab {

RopeKeys::RopeKeys(const nlohmann::json& obj, std::string where, std::string method)
    : obj_(obj), where_(std::move(where)), method_(std::move(method)) {}

bool RopeKeys::has(const std::string& key) const { return obj_.contains(key) && !obj_[key].is_null(); }

const nlohmann::json& RopeKeys::at(const std::string& key) {
  known_.insert(key);
  return obj_[key];
}

double RopeKeys::number(const std::string& key, double fallback) {
  auto v = optional_number(key);
  return v ? *v : fallback;
}

std::optional<double> RopeKeys::optional_number(const std::string& key) {
  known_.insert(key);
  if (!has(key)) return std::nullopt;
  const auto& v = at(key);
  check_input(v.is_number(), where_, ": key '", key, "' must be a number, got ", v.dump());
  return v.get<double>();
}

int64_t RopeKeys::integer(const std::string& key, int64_t fallback) {
  known_.insert(key);
  if (!has(key)) return fallback;
  const auto& v = at(key);
  // |v| <= 2^53: beyond, a double holds no exact integer and the cast to int64 may be undefined.
  check_input(v.is_number() && std::floor(v.get<double>()) == v.get<double>() &&
                  std::fabs(v.get<double>()) <= 9007199254740992.0,
              where_, ": key '", key, "' must be an integer (|value| <= 2^53), got ", v.dump());
  return static_cast<int64_t>(v.get<double>());
}

bool RopeKeys::boolean(const std::string& key, bool fallback) {
  known_.insert(key);
  if (!has(key)) return fallback;
  const auto& v = at(key);
  check_input(v.is_boolean(), where_, ": key '", key, "' must be true or false, got ", v.dump());
  return v.get<bool>();
}

std::string RopeKeys::string(const std::string& key, const std::string& fallback) {
  known_.insert(key);
  if (!has(key)) return fallback;
  const auto& v = at(key);
  check_input(v.is_string(), where_, ": key '", key, "' must be a string");
  return v.get<std::string>();
}

std::vector<double> RopeKeys::number_list(const std::string& key) {
  known_.insert(key);
  std::vector<double> out;
  if (!has(key)) return out;
  const auto& v = at(key);
  check_input(v.is_array(), where_, ": key '", key, "' must be a list of numbers");
  for (const auto& x : v) {
    check_input(x.is_number(), where_, ": key '", key, "' must contain only numbers");
    out.push_back(x.get<double>());
  }
  return out;
}

void RopeKeys::allow(const std::string& key) { known_.insert(key); }

void RopeKeys::finish() const {
  for (auto it = obj_.begin(); it != obj_.end(); ++it) {
    if (known_.count(it.key())) continue;
    std::string valid;
    for (const auto& k : known_) valid += (valid.empty() ? "" : ", ") + k;
    fail_input(where_, ": unknown key '", it.key(), "' for rope_type '", method_, "'; valid keys: ", valid);
  }
}

}  // namespace ropelab
