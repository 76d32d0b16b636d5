// set_compute_threads reaches OpenBLAS's own pool, which at::set_num_threads does not reach
// through Debian's generic-BLAS LibTorch (core/util/threads.h).
#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include "core/util/threads.h"

namespace {

int openblas_threads() {
  auto get = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  return get ? get() : -1;
}

}  // namespace

TEST(ComputeThreads, OneThreadReachesOpenBlasAndLibTorch) {
  if (openblas_threads() < 0) GTEST_SKIP() << "the BLAS loaded at run time is not OpenBLAS";
  const int before = at::get_num_threads();
  ropelab::set_compute_threads(1);
  EXPECT_EQ(at::get_num_threads(), 1);
  EXPECT_EQ(openblas_threads(), 1);
  EXPECT_NE(ropelab::runtime_blas().find("OpenBLAS"), std::string::npos) << ropelab::runtime_blas();
  EXPECT_NE(ropelab::runtime_blas().find("(threads 1)"), std::string::npos) << ropelab::runtime_blas();
  ropelab::set_compute_threads(before);
  EXPECT_EQ(openblas_threads(), before);
}
