// Compute threads of this process: LibTorch's intra-op pool and, where LibTorch does not reach it,
// the BLAS library's own pool.
#pragma once
#include <string>

namespace ropelab {

// Sets LibTorch's intra-op threads to n and, when the BLAS loaded at run time is OpenBLAS, its
// thread count too. Debian's LibTorch calls BLAS through libblas.so.3 (`BLAS_INFO=generic`), so
// at::set_num_threads never reaches OpenBLAS, which then starts one busy-waiting thread per core
// in every process: two one-thread data-parallel workers on two cores ran four spinning threads.
void set_compute_threads(int n);

// "OpenBLAS 0.3.21 ... (threads 2)" when OpenBLAS is loaded (its config names the kernel it chose).
std::string runtime_blas();

}  // namespace ropelab
