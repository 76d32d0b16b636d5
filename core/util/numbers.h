// Whole-string number parsing without exceptions: "12x", "", " 3" and out-of-range values give
// nullopt, so callers can name the option or file in their own error.
#pragma once
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ropelab {

inline std::optional<int64_t> parse_int64(std::string_view s) {
  int64_t v = 0;
  const char* end = s.data() + s.size();
  if (!s.empty() && s.front() == '+') return std::nullopt;  // from_chars takes no '+': keep it strict
  auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || ptr != end || s.empty()) return std::nullopt;
  return v;
}

inline std::optional<double> parse_double(std::string_view s) {
  double v = 0;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || ptr != end || s.empty()) return std::nullopt;
  return v;
}

}  // namespace ropelab
