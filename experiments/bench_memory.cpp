#include "experiments/bench_memory.h"

#include <malloc.h>

#include <fstream>
#include <string>

#ifdef ROPELAB_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace ropelab {

namespace {
int64_t status_kb(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::stoll(line.substr(key.size() + 1));
  return -1;
}
}  // namespace

void reset_peak_memory(c10::Device device) {
  if (device.is_cuda()) {
#ifdef ROPELAB_CUDA
    c10::cuda::CUDACachingAllocator::resetPeakStats(device.index() < 0 ? 0 : device.index());
#endif
    return;
  }
  malloc_trim(0);  // give retained heap back, so the peak below measures this case alone
  std::ofstream("/proc/self/clear_refs") << "5";
}

void tune_malloc_for_tensors() {
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

int64_t peak_memory_bytes(c10::Device device) {
  if (device.is_cuda()) {
#ifdef ROPELAB_CUDA
    auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.index() < 0 ? 0 : device.index());
    // Index 0 is StatType::AGGREGATE (the enum moved namespaces between LibTorch 2.x releases).
    return stats.allocated_bytes[0].peak;
#else
    return -1;
#endif
  }
  int64_t kb = status_kb("VmHWM");
  return kb < 0 ? -1 : kb * 1024;
}

int64_t current_rss_bytes() {
  int64_t kb = status_kb("VmRSS");
  return kb < 0 ? -1 : kb * 1024;
}

}  // namespace ropelab
