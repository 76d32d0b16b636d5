// Peak-memory measurement for benchmarks. CPU: the process's peak resident set (VmHWM), reset
// through /proc/self/clear_refs; CUDA: the caching allocator's peak (only with ROPELAB_CUDA).
#pragma once
#include <c10/core/Device.h>

#include <cstdint>

namespace ropelab {

void reset_peak_memory(c10::Device device);
int64_t peak_memory_bytes(c10::Device device);  // -1 when unknown
int64_t current_rss_bytes();

}  // namespace ropelab
