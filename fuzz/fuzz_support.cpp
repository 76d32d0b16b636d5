#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <new>
#include <typeinfo>

#include "core/util/error.h"
#include "fuzz/fuzz_target.h"

namespace ropelab::fuzz {

namespace fs = std::filesystem;

std::vector<Target>& registry() {
  static std::vector<Target> targets;
  return targets;
}

namespace {

[[noreturn]] void finding(const char* what_kind, const char* what) {
  std::fprintf(stderr, "\nropelab fuzz finding: %s escaped the parser: %s\n", what_kind, what);
  std::fflush(stderr);
  std::abort();
}

}  // namespace

void run_one(TargetFn fn, std::string_view input) {
  clear_scratch();
  try {
    fn(input);
  } catch (const InputError& e) {
    if (std::string_view(e.what()).empty()) finding("InputError", "(empty message)");
  } catch (const std::bad_alloc& e) {
    finding("std::bad_alloc (an allocation that should have been refused)", e.what());
  } catch (const std::exception& e) {
    finding(typeid(e).name(), e.what());
  } catch (...) {
    finding("a non-std exception", "?");
  }
}

const fs::path& scratch() {
  static const fs::path dir = [] {
    const fs::path root = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    fs::path d = root / ("ropelab-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(d);
    // Removed at exit; a killed fuzzer leaves it behind (small, named by pid).
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(scratch(), ec);
    });
    return d;
  }();
  return dir;
}

void clear_scratch() {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(scratch(), ec)) fs::remove_all(e.path(), ec);
}

std::string write_scratch(const std::string& relative, std::string_view bytes) {
  const fs::path p = scratch() / relative;
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  out.close();
  if (!out) finding("write_scratch", p.c_str());
  return p.string();
}

std::vector<std::string_view> split_parts(std::string_view input, size_t max_parts) {
  std::vector<std::string_view> parts;
  constexpr std::string_view kSep = "\n@@\n";
  while (parts.size() + 1 < max_parts) {
    const size_t at = input.find(kSep);
    if (at == std::string_view::npos) break;
    parts.push_back(input.substr(0, at));
    input.remove_prefix(at + kSep.size());
  }
  parts.push_back(input);
  return parts;
}

Choice choose(std::string_view input, unsigned n) {
  if (input.empty()) return {0, input};
  return {unsigned(static_cast<unsigned char>(input[0])) % n, input.substr(1)};
}

}  // namespace ropelab::fuzz
