// fuzz_replay TARGET PATH...: runs every file under each PATH (files or directories, recursively,
// in name order) through TARGET once — the deterministic check CTest makes of the kept corpora and
// regression inputs on every build, without libFuzzer. A finding aborts (the test fails) after
// printing the file's name.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "fuzz/fuzz_setup.h"
#include "fuzz/fuzz_target.h"

namespace fs = std::filesystem;
using namespace ropelab::fuzz;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: fuzz_replay TARGET PATH...\ntargets:");
    for (const auto& t : registry()) std::fprintf(stderr, " %s", t.name);
    std::fprintf(stderr, "\n");
    return 2;
  }
  const Target* target = nullptr;
  for (const auto& t : registry())
    if (!std::strcmp(t.name, argv[1])) target = &t;
  if (!target) {
    std::fprintf(stderr, "fuzz_replay: unknown target '%s'\n", argv[1]);
    return 2;
  }
  setup_process();
  std::vector<fs::path> files;
  for (int i = 2; i < argc; ++i) {
    const fs::path p = argv[i];
    if (fs::is_directory(p)) {
      for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
    } else if (fs::is_regular_file(p)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "fuzz_replay: %s: no such file or directory\n", p.c_str());
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "fuzz_replay: no inputs under the given paths\n");
    return 2;
  }
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "%s\n", f.c_str());
    run_one(target->fn, bytes);
  }
  std::printf("fuzz_replay %s: %zu inputs, no finding\n", target->name, files.size());
  return 0;
}
