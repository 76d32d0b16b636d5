// RopeKeys: one rope_scaling / rope_parameters object read key by key.
//
// Every reader call declares its key as known (whether or not it is present), so the set of keys
// a method's schedule and policy read IS its list of valid keys: finish() rejects anything else,
// naming the key and listing the valid ones. No method keeps a separate key list to forget.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ropelab {

class RopeKeys {
 public:
  RopeKeys(const nlohmann::json& obj, std::string where, std::string method);

  bool has(const std::string& key) const;  // present and not null (does not declare the key)
  double number(const std::string& key, double fallback);
  std::optional<double> optional_number(const std::string& key);
  int64_t integer(const std::string& key, int64_t fallback);
  bool boolean(const std::string& key, bool fallback);
  std::string string(const std::string& key, const std::string& fallback);
  std::vector<double> number_list(const std::string& key);  // empty when absent
  void allow(const std::string& key);  // known but unused (e.g. the released EABF's `factor`)

  // Throws InputError for the first key nobody declared.
  void finish() const;
  const std::string& where() const { return where_; }
  const std::string& method() const { return method_; }
  const nlohmann::json& object() const { return obj_; }

 private:
  const nlohmann::json& at(const std::string& key);
  nlohmann::json obj_;
  std::string where_, method_;
  std::set<std::string> known_;
};

}  // namespace ropelab
