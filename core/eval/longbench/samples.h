// LongBench data samples (docs/longbench-scoring.md §2): one JSON object per line of
// `<dataset>.jsonl` with context, input, answers, length, all_classes, ...
//
// Invariants: every line must be a JSON object with an `answers` array of strings; anything else
// is an InputError naming FILE:LINE. `fields` holds every top-level key as Python's str() would
// render it (pred.py formats with **json_obj, so any key may appear in a template). `answers`,
// `all_classes` (null when absent) and `length` (null when absent) are kept as JSON so the
// prediction line repeats them exactly.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ropelab::longbench {

struct Sample {
  std::string where;  // FILE:LINE
  std::map<std::string, std::string> fields;
  nlohmann::json answers, all_classes, length;
};

std::vector<Sample> read_samples(const std::string& path);

// Python str() of a JSON value as json.loads produced it (str, int, float, bool, None, list...).
std::string python_str(const nlohmann::json& v);

}  // namespace ropelab::longbench
