// Test entry point: LibTorch starts with one thread here; use the machine's cores like the CLI.
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <thread>

int main(int argc, char** argv) {
  at::set_num_threads(int(std::max(1u, std::thread::hardware_concurrency())));
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
