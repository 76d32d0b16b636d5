// libFuzzer's entry points for one target executable (fuzz_NAME links exactly one target file).
#include <cstdio>
#include <cstdlib>

#include "fuzz/fuzz_setup.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ropelab::fuzz::setup_process();
  if (ropelab::fuzz::registry().size() != 1) {
    std::fprintf(stderr, "fuzz executable must link exactly one target (has %zu)\n",
                 ropelab::fuzz::registry().size());
    std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ropelab::fuzz::run_one(ropelab::fuzz::registry().front().fn,
                         std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
