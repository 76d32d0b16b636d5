#include "core/util/tensor_memory.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace ropelab {

namespace {

std::atomic<int64_t> g_live{0};
std::atomic<int64_t> g_peak{0};

// What a counted block remembers: the wrapped allocator's own DataPtr (freed with it) and size.
struct CountedBlock {
  c10::DataPtr inner;
  int64_t bytes;
};

void free_counted(void* ctx) {
  auto* block = static_cast<CountedBlock*>(ctx);
  g_live.fetch_sub(block->bytes);
  delete block;
}

class CountingCpuAllocator final : public c10::Allocator {
 public:
  explicit CountingCpuAllocator(c10::Allocator* inner) : inner_(inner) {}

  // LibTorch 1.13 declares allocate() const, 2.x non-const: define both (each overrides one).
  c10::DataPtr allocate(size_t n) const { return counted(n); }
  c10::DataPtr allocate(size_t n) { return counted(n); }
  // Pure virtual in LibTorch 2.x; a plain member in 1.13 (hence no `override`).
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }

 private:
  c10::DataPtr counted(size_t n) const {
    c10::DataPtr d = inner_->allocate(n);
    void* data = d.get();
    const c10::Device device = d.device();
    auto* block = new CountedBlock{std::move(d), int64_t(n)};
    const int64_t now = g_live.fetch_add(block->bytes) + block->bytes;
    int64_t peak = g_peak.load();
    while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
    }
    return {data, block, &free_counted, device};
  }

  c10::Allocator* inner_;
};

}  // namespace

void install_tensor_memory_counter() {
  static std::once_flag once;
  std::call_once(once, [] {
    static CountingCpuAllocator counting(c10::GetCPUAllocator());
    c10::SetCPUAllocator(&counting, /*priority=*/100);
  });
}

int64_t tensor_bytes_live() { return g_live.load(); }
int64_t tensor_bytes_peak() { return g_peak.load(); }
void reset_tensor_bytes_peak() { g_peak.store(g_live.load()); }

}  // namespace ropelab
