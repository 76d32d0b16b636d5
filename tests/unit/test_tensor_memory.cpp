// The counting CPU allocator behind `bench entropy`'s memory columns: exact live/peak bytes.
#include <c10/core/CPUAllocator.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "experiments/tensor_memory.h"

using namespace ropelab;

TEST(TensorMemory, CountsLiveAndPeakBytesOfTensors) {
  install_tensor_memory_counter();
  install_tensor_memory_counter();  // idempotent
  const int64_t before = tensor_bytes_live();
  reset_tensor_bytes_peak();
  {
    auto a = torch::empty({1 << 18}, torch::kFloat32);  // 1 MiB
    EXPECT_EQ(tensor_bytes_live() - before, int64_t(1) << 20);
    {
      auto b = torch::empty({1 << 17}, torch::kFloat64);  // 1 MiB
      EXPECT_EQ(tensor_bytes_live() - before, int64_t(2) << 20);
    }
    EXPECT_EQ(tensor_bytes_live() - before, int64_t(1) << 20);
    a.fill_(1.5f);
    EXPECT_EQ(a.sum().item<double>(), 1.5 * double(1 << 18));  // memory behaves as memory
  }
  EXPECT_EQ(tensor_bytes_live(), before);
  EXPECT_EQ(tensor_bytes_peak() - before, int64_t(2) << 20);
  reset_tensor_bytes_peak();
  EXPECT_EQ(tensor_bytes_peak(), tensor_bytes_live());
}

TEST(TensorMemory, RawAllocateIsCountedAndFreed) {
  // Some LibTorch kernels allocate through raw_allocate(), which needs the DataPtr's context to be
  // its data pointer; the counting allocator must serve them (it used to fail an internal assert).
  ropelab::install_tensor_memory_counter();
  const int64_t before = ropelab::tensor_bytes_live();
  c10::Allocator* alloc = c10::GetCPUAllocator();
  void* p = alloc->raw_allocate(4096);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(ropelab::tensor_bytes_live() - before, 4096);
  alloc->raw_deallocate(p);
  EXPECT_EQ(ropelab::tensor_bytes_live(), before);
}
