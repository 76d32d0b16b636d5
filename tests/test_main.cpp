// Test entry point: LibTorch starts with one thread here; use the machine's cores like the CLI.
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <thread>

#include "core/util/threads.h"
#include "experiments/bench_memory.h"

int main(int argc, char** argv) {
  ropelab::set_compute_threads(int(std::max(1u, std::thread::hardware_concurrency())));
  ropelab::tune_malloc_for_tensors();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
