#include "core/util/tensor_memory.h"

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

// Sizes of live counted blocks by data pointer. The DataPtr's context is the data pointer itself,
// as c10::Allocator::raw_allocate requires (oneDNN's bf16 matmul allocates that way).
std::mutex g_mutex;
std::unordered_map<void*, int64_t>& g_sizes() {
  static auto* m = new std::unordered_map<void*, int64_t>();  // never destroyed: frees may come late
  return *m;
}
c10::DeleterFnPtr g_inner_deleter = nullptr;

void free_counted(void* ptr) {
  if (!ptr) return;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    auto it = g_sizes().find(ptr);
    if (it != g_sizes().end()) {
      g_live.fetch_sub(it->second);
      g_sizes().erase(it);
    }
  }
  g_inner_deleter(ptr);
}

class CountingCpuAllocator final : public c10::Allocator {
 public:
  explicit CountingCpuAllocator(c10::Allocator* inner) : inner_(inner) {
    g_inner_deleter = inner_->raw_deleter();
    TORCH_CHECK(g_inner_deleter, "tensor memory counter: the CPU allocator has no raw deleter");
  }

  c10::DataPtr allocate(size_t n) const override {
    c10::DataPtr d = inner_->allocate(n);
    TORCH_CHECK(d.get() == d.get_context() && d.get_deleter() == g_inner_deleter,
                "tensor memory counter: unexpected CPU allocator context or deleter");
    void* data = d.release_context();
    const c10::Device device = d.device();
    if (data) {
      std::lock_guard<std::mutex> lock(g_mutex);
      g_sizes()[data] = int64_t(n);
    }
    const int64_t now = g_live.fetch_add(int64_t(n)) + int64_t(n);
    int64_t peak = g_peak.load();
    while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
    }
    return {data, data, &free_counted, device};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &free_counted; }

  // Pure virtual in LibTorch 2.x; a plain member in 1.13 (hence no `override`).
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }

 private:
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
