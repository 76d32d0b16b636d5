// Small string helpers shared across the library.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ropelab {

// "a, b, c" for join({"a","b","c"}, ", ").
inline std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

// One CSV field as Python's csv module writes it (QUOTE_MINIMAL, "\n" line ends): quoted, with
// doubled quotes, only when it holds a comma, a quote or a line break.
inline std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace ropelab
