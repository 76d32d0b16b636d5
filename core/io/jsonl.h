// Line-numbered JSON Lines reading and a "JSON array or JSON Lines" reader (UTF-8 rules: core/util/utf8.h).
//
// Invariants: every record carries where it came from ("FILE:LINE" for JSON Lines, "FILE: element
// I" for an array, I 0-based as in Python) so callers can report a bad record precisely. Lines
// holding only whitespace are skipped; every other line must be exactly one JSON value, valid
// UTF-8 (strict RFC 3629: no overlongs, surrogates or code points past U+10FFFF). Every failure
// is an InputError naming the file and the line (JSON Lines) or byte offset (array); byte
// numbers in messages count from 1, as nlohmann::json's do.
#pragma once
#include <cstddef>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/utf8.h"  // find_invalid_utf8 / valid_utf8, used by every reader here

namespace ropelab {

struct JsonRecord {
  std::string where;  // "FILE:LINE" or "FILE: element I", for messages
  size_t line = 0;    // 1-based line for JSON Lines; 0 for array elements
  nlohmann::json value;
};

// Streams a JSON Lines file one record at a time (files too big to hold parsed).
class JsonlReader {
 public:
  explicit JsonlReader(const std::string& path);  // InputError if it cannot be opened
  // The next record and its 1-based line number; false at the end of the file.
  bool next(size_t& line, nlohmann::json& value);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ifstream in_;
  size_t line_ = 0;
};

std::vector<JsonRecord> read_jsonl(const std::string& path);

// A top-level JSON array (first non-space character '[') yields its elements; anything else is
// read as JSON Lines. A JSON Lines file whose first record is itself an array must use
// read_jsonl.
std::vector<JsonRecord> read_json_records(const std::string& path);

}  // namespace ropelab
