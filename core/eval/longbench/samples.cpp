#include "core/eval/longbench/samples.h"

#include "core/io/jsonl.h"
#include "core/util/error.h"

namespace ropelab::longbench {

std::string python_str(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "None";
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  return v.dump();  // numbers and containers: close to Python's repr, never used by LongBench
}

std::vector<Sample> read_samples(const std::string& path) {
  std::vector<Sample> out;
  for (auto& rec : read_jsonl(path)) {
    const auto& v = rec.value;
    check_input(v.is_object(), rec.where, ": expected a JSON object (a LongBench sample)");
    check_input(v.contains("answers") && v["answers"].is_array(), rec.where, ": missing \"answers\" list");
    for (const auto& a : v["answers"])
      check_input(a.is_string(), rec.where, ": \"answers\" must hold strings");
    Sample s;
    s.where = rec.where;
    for (const auto& [k, x] : v.items()) s.fields[k] = python_str(x);
    s.answers = v["answers"];
    s.all_classes = v.value("all_classes", nlohmann::json());
    s.length = v.value("length", nlohmann::json());
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace ropelab::longbench
