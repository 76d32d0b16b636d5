// Name <-> enum tables. An enum that has names (in a file format, a config or a report) states
// them once, as a constexpr array of {value, name} rows; the name of a value, the value of a
// name and the list of valid names in an error all read that one table, so they cannot drift
// apart when a value is added.
//
//   constexpr EnumName<Color> kColorNames[] = {{Color::red, "red"}, {Color::blue, "blue"}};
//   name_of(kColorNames, Color::red)                    -> "red"
//   parse_name(kColorNames, "green", "`color`", "color")
//       -> InputError "`color`: unknown color 'green'; valid: red, blue"
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/error.h"

namespace ropelab {

template <typename E>
struct EnumName {
  E value;
  const char* name;
};

// The table's name for e, or nullptr when e has no row (the caller decides what that means).
template <typename E, size_t N>
constexpr const char* find_name(const EnumName<E> (&table)[N], E e) {
  for (const auto& row : table)
    if (row.value == e) return row.name;
  return nullptr;
}

// The table's name for e; a value without a row is a bug in the table.
template <typename E, size_t N>
const char* name_of(const EnumName<E> (&table)[N], E e) {
  const char* name = find_name(table, e);
  if (!name) throw std::logic_error("internal: enum value without a name in its table");
  return name;
}

// The value named `name`, or nullptr.
template <typename E, size_t N>
constexpr const E* find_value(const EnumName<E> (&table)[N], std::string_view name) {
  for (const auto& row : table)
    if (name == row.name) return &row.value;
  return nullptr;
}

// Every value, in table order.
template <typename E, size_t N>
std::vector<E> values_of(const EnumName<E> (&table)[N]) {
  std::vector<E> out;
  for (const auto& row : table) out.push_back(row.value);
  return out;
}

// "a, b, c": the names in table order, for messages.
template <typename E, size_t N>
std::string valid_names(const EnumName<E> (&table)[N]) {
  std::string out;
  for (const auto& row : table) out += (out.empty() ? "" : ", ") + std::string(row.name);
  return out;
}

// The value named `name`; otherwise InputError "<field>: unknown <what> '<name>'; valid: a, b".
template <typename E, size_t N>
E parse_name(const EnumName<E> (&table)[N], std::string_view name, std::string_view field,
             std::string_view what) {
  if (const E* e = find_value(table, name)) return *e;
  fail_input(field, ": unknown ", what, " '", name, "'; valid: ", valid_names(table));
}

}  // namespace ropelab
