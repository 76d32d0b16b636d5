#include "core/io/jsonl.h"

#include <algorithm>
#include <cstdint>

#include "core/util/error.h"
#include "core/util/files.h"

namespace ropelab {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// nlohmann's what() is "[json.exception.parse_error.101] parse error at line 1, column 5: ...";
// keep "line L, column C: ..." (or only "column C: ..." for a single line).
std::string parse_detail(const nlohmann::json::parse_error& e, bool single_line) {
  std::string w = e.what();
  size_t p = w.find("parse error at ");
  if (p == std::string::npos) return w;
  w = w.substr(p + 15);
  if (single_line && w.rfind("line 1, ", 0) == 0) w = w.substr(8);
  return w;
}

}  // namespace

JsonlReader::JsonlReader(const std::string& path) : path_(path), in_(path, std::ios::binary) {
  check_input(in_.good(), path, ": cannot open file (does it exist?)");
}

bool JsonlReader::next(size_t& line, nlohmann::json& value) {
  std::string text;
  while (std::getline(in_, text)) {
    ++line_;
    std::string_view v(text);
    if (line_ == 1 && v.substr(0, kBom.size()) == kBom) v.remove_prefix(kBom.size());
    if (blank(v)) continue;
    size_t bad = find_invalid_utf8(v);
    if (bad != std::string_view::npos)
      fail_input(path_, ":", line_, ": invalid UTF-8 at byte ", bad + 1, " of the line");
    try {
      value = nlohmann::json::parse(v);
    } catch (const nlohmann::json::parse_error& e) {
      fail_input(path_, ":", line_, ": invalid JSON (", parse_detail(e, true), ")");
    } catch (const nlohmann::json::out_of_range& e) {  // 406: a number too large for a double
      fail_input(path_, ":", line_, ": invalid JSON (", e.what(), ")");
    }
    line = line_;
    return true;
  }
  if (in_.bad()) fail_input(path_, ":", line_ + 1, ": read error");
  return false;
}

std::vector<JsonRecord> read_jsonl(const std::string& path) {
  JsonlReader reader(path);
  std::vector<JsonRecord> records;
  size_t line = 0;
  nlohmann::json value;
  while (reader.next(line, value))
    records.push_back({path + ":" + std::to_string(line), line, std::move(value)});
  return records;
}

std::vector<JsonRecord> read_json_records(const std::string& path) {
  std::string text = read_text_file(path);
  std::string_view v(text);
  if (v.substr(0, kBom.size()) == kBom) v.remove_prefix(kBom.size());
  size_t first = v.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || v[first] != '[') return read_jsonl(path);

  size_t bad = find_invalid_utf8(text);
  if (bad != std::string_view::npos)
    fail_input(path, ": invalid UTF-8 at byte ", bad + 1, " (line ",
               1 + std::count(text.begin(), text.begin() + std::ptrdiff_t(bad), '\n'), ")");
  nlohmann::json array;
  try {
    array = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail_input(path, ": invalid JSON at byte ", e.byte, " (", parse_detail(e, false), ")");
  } catch (const nlohmann::json::out_of_range& e) {  // 406: a number too large for a double
    fail_input(path, ": invalid JSON (", e.what(), ")");
  }
  std::vector<JsonRecord> records;
  records.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i)
    records.push_back({path + ": element " + std::to_string(i), 0, std::move(array[i])});
  return records;
}

}  // namespace ropelab
