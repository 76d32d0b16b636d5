#include "core/util/threads.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>

namespace ropelab {

namespace {
// OpenBLAS's C API, looked up in the already loaded libraries: the reference BLAS, MKL (pip
// LibTorch) and a static BLAS have none of these symbols, and then nothing is changed.
template <class Fn>
Fn openblas_symbol(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
}
}  // namespace

void set_compute_threads(int n) {
  at::set_num_threads(n);
  if (auto set = openblas_symbol<void (*)(int)>("openblas_set_num_threads")) set(n);
}

std::string runtime_blas() {
  auto config = openblas_symbol<char* (*)()>("openblas_get_config");
  auto threads = openblas_symbol<int (*)()>("openblas_get_num_threads");
  if (!config) return "no OpenBLAS loaded (the build's BLAS)";
  std::string s = config();
  if (threads) s += " (threads " + std::to_string(threads()) + ")";
  return s;
}

}  // namespace ropelab
