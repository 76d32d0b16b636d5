#include "experiments/tensor_memory.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace ropelab {

namespace {

std::atomic<int64_t> g_live{0};
std::atomic<int64_t> g_peak{0};

// What a counted block remembers: the wrapped allocator's own DataPtr (freed with it) and size.
// Blocks are found by their data pointer, which is also the DataPtr's context: LibTorch's
// raw_allocate() (used by some kernels) requires context == data.
struct CountedBlock {
  c10::DataPtr inner;
  int64_t bytes;
};

std::mutex& blocks_mutex() {
  static std::mutex mu;
  return mu;
}
std::unordered_map<void*, CountedBlock>& blocks() {
  static auto* map =
      new std::unordered_map<void*, CountedBlock>();  // never destroyed: tensors outlive statics
  return *map;
}

void free_counted(void* data) {
  c10::DataPtr inner;  // freed after the lock is released
  {
    std::lock_guard<std::mutex> lock(blocks_mutex());
    auto it = blocks().find(data);
    if (it == blocks().end()) return;
    g_live.fetch_sub(it->second.bytes);
    inner = std::move(it->second.inner);
    blocks().erase(it);
  }
}

class CountingCpuAllocator final : public c10::Allocator {
 public:
  explicit CountingCpuAllocator(c10::Allocator* inner) : inner_(inner) {}

  // LibTorch 1.13 declares allocate() const, 2.x non-const: define both (each overrides one).
  c10::DataPtr allocate(size_t n) const { return counted(n); }
  c10::DataPtr allocate(size_t n) { return counted(n); }
  // Pure virtual in LibTorch 2.x; a plain member in 1.13 (hence no `override`).
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }
  c10::DeleterFnPtr raw_deleter() const override { return &free_counted; }

 private:
  c10::DataPtr counted(size_t n) const {
    c10::DataPtr d = inner_->allocate(n);
    void* data = d.get();
    if (!data) return d;  // empty allocation: nothing to count
    const c10::Device device = d.device();
    {
      std::lock_guard<std::mutex> lock(blocks_mutex());
      blocks().emplace(data, CountedBlock{std::move(d), int64_t(n)});
    }
    const int64_t now = g_live.fetch_add(int64_t(n)) + int64_t(n);
    int64_t peak = g_peak.load();
    while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
    }
    return {data, data, &free_counted, device};
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
