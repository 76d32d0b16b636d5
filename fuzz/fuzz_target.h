// Fuzz targets: each one feeds arbitrary bytes to one family of parsers of outside input, the way
// a user's file reaches them (a file on disk, a directory, an option value).
//
// The property every target checks is the toolkit's error contract (core/util/error.h): a parser
// either accepts its input or throws InputError with a message — what the CLI prints on one line
// before exiting 2. Any other exception (nlohmann::json::type_error, std::out_of_range, c10::Error,
// std::bad_alloc, ...) escaping a parser would exit 1 as "a bug", so run_one() aborts on it and
// libFuzzer records the input as a crash. Sanitizers (ASan, UBSan) and libFuzzer's -rss_limit_mb /
// -malloc_limit_mb / -timeout catch memory errors, undefined behaviour, absurd allocations and
// hangs.
//
// One target = one file in fuzz/targets/ = one ROPELAB_FUZZ_TARGET(name) block. The same file
// builds a libFuzzer executable (fuzz_NAME, clang, `make fuzz`) and joins `fuzz_replay`, the
// plain-gcc executable CTest uses to replay fuzz/corpus/NAME and fuzz/regressions/NAME.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ropelab::fuzz {

using TargetFn = void (*)(std::string_view input);

struct Target {
  const char* name;
  TargetFn fn;
};

std::vector<Target>& registry();

struct Register {
  Register(const char* name, TargetFn fn) { registry().push_back({name, fn}); }
};

// Runs one input: returns normally when the parser accepted it or refused it with an InputError
// carrying a non-empty message; aborts (a finding) on anything else.
void run_one(TargetFn fn, std::string_view input);

// This process's scratch directory (under /dev/shm when present), emptied before every input.
const std::filesystem::path& scratch();
void clear_scratch();
// Writes bytes to scratch()/relative (creating parents) and returns the path.
std::string write_scratch(const std::string& relative, std::string_view bytes);

// A multi-file input: parts separated by a line "@@". At most max_parts parts (the last one keeps
// any further separators).
std::vector<std::string_view> split_parts(std::string_view input, size_t max_parts);

// The first byte of an input chooses a sub-format; the rest is the payload.
struct Choice {
  unsigned which = 0;
  std::string_view payload;
};
Choice choose(std::string_view input, unsigned n);

}  // namespace ropelab::fuzz

#define ROPELAB_FUZZ_CAT2(a, b) a##b
#define ROPELAB_FUZZ_CAT(a, b) ROPELAB_FUZZ_CAT2(a, b)
#define ROPELAB_FUZZ_TARGET(NAME)                                                                           \
  static void ROPELAB_FUZZ_CAT(fuzz_, NAME)(std::string_view input);                                        \
  static ::ropelab::fuzz::Register ROPELAB_FUZZ_CAT(register_, NAME)(#NAME, ROPELAB_FUZZ_CAT(fuzz_, NAME)); \
  static void ROPELAB_FUZZ_CAT(fuzz_, NAME)(std::string_view input)
