// Peak-memory measurement for benchmarks. CPU: the process's peak resident set (VmHWM), reset
// through /proc/self/clear_refs; CUDA: the caching allocator's peak (only with ROPELAB_CUDA).
#pragma once
#include <c10/core/Device.h>

#include <cstdint>

namespace ropelab {

void reset_peak_memory(c10::Device device);
int64_t peak_memory_bytes(c10::Device device);  // -1 when unknown
int64_t current_rss_bytes();

// Keeps freed tensor memory in the process heap for reuse (glibc otherwise maps and unmaps every
// block above a few MB, and page faults then cost more than the arithmetic: measured 8.6 vs
// 1.8 ns per element for a 16M-element out-of-place multiply on the development machine).
// Called once by each program's main(); reset_peak_memory() still trims before measuring.
void tune_malloc_for_tensors();

}  // namespace ropelab
