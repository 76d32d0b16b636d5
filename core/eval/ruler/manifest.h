// RULER's data manifests: <data_dir>/<task>/validation.jsonl, one JSON object per line as
// RULER's scripts/data/prepare.py writes them: index, input (the task text inside the model's
// template), outputs (the reference strings), length (tokens), answer_prefix, and any others.
//
// Invariants: every non-blank line must be an object with an integer `index`, a string `input`
// and an `outputs` array of strings; `answer_prefix` (when present) must be a string. Anything
// else is an InputError naming FILE:LINE. `others`, `truncation` and `length` are kept as JSON
// with call_api.py's defaults ({}, -1, -1) so the prediction line repeats them.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ropelab::ruler {

struct ManifestSample {
  std::string where;  // FILE:LINE
  nlohmann::json index;
  std::string input, answer_prefix;
  nlohmann::json outputs, others, truncation, length;
};

std::string manifest_path(const std::string& data_dir, const std::string& task);
std::vector<ManifestSample> read_manifest(const std::string& path);

}  // namespace ropelab::ruler
