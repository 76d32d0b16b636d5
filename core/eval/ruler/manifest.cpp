#include "core/eval/ruler/manifest.h"

#include <filesystem>

#include "core/io/jsonl.h"
#include "core/util/error.h"

namespace ropelab::ruler {

std::string manifest_path(const std::string& data_dir, const std::string& task) {
  return (std::filesystem::path(data_dir) / task / "validation.jsonl").string();
}

std::vector<ManifestSample> read_manifest(const std::string& path) {
  check_input(std::filesystem::is_regular_file(path), path,
              ": RULER manifest missing (RULER's prepare.py writes <save_dir>/<task>/validation.jsonl)");
  std::vector<ManifestSample> out;
  for (auto& rec : read_jsonl(path)) {
    const auto& v = rec.value;
    check_input(v.is_object(), rec.where, ": expected a JSON object (a RULER manifest line)");
    check_input(v.contains("index") && v["index"].is_number_integer(), rec.where,
                ": missing integer \"index\"");
    check_input(v.contains("input") && v["input"].is_string(), rec.where, ": missing string \"input\"");
    check_input(v.contains("outputs") && v["outputs"].is_array(), rec.where, ": missing \"outputs\" list");
    for (const auto& o : v["outputs"])
      check_input(o.is_string(), rec.where, ": \"outputs\" must hold strings");
    check_input(!v.contains("answer_prefix") || v["answer_prefix"].is_string(), rec.where,
                ": \"answer_prefix\" must be a string");
    ManifestSample s;
    s.where = rec.where;
    s.index = v["index"];
    s.input = v["input"].get<std::string>();
    s.answer_prefix = v.value("answer_prefix", std::string());
    s.outputs = v["outputs"];
    s.others = v.value("others", nlohmann::json::object());
    s.truncation = v.value("truncation", nlohmann::json(-1));
    s.length = v.value("length", nlohmann::json(-1));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace ropelab::ruler
