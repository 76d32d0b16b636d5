// Error types shared by the whole toolkit.
//
// InputError is anything a user or a file can cause (bad option, malformed checkpoint, missing
// tensor): the CLI prints its one-line message and exits with code 2. Everything else is a bug
// or an environment failure and exits with 1. Never use assert() for input checks.
//
// Messages name config fields, not command-line options, and put them in backquotes:
// "`max_new_tokens` (0) must be >= 1". A front end shows a field the way its user sets it (the
// CLI as the option that sets it, experiments/field_flags.h); core/ knows no front end.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace ropelab {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Builds a message from streamable parts: fail_input("heads (", h, ") must be > 0").
template <typename... Parts>
[[noreturn]] void fail_input(const Parts&... parts) {
  std::ostringstream os;
  (os << ... << parts);
  throw InputError(os.str());
}

template <typename... Parts>
void check_input(bool ok, const Parts&... parts) {
  if (!ok) fail_input(parts...);
}

}  // namespace ropelab
