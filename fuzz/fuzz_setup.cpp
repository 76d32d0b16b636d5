#include "fuzz/fuzz_setup.h"

#include <unistd.h>

#include <filesystem>

#ifndef ROPELAB_FUZZ_NO_TORCH
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include "core/io/safetensors.h"
#endif

namespace ropelab::fuzz {

void setup_process() {
#ifndef ROPELAB_FUZZ_NO_TORCH
  at::set_num_threads(1);
  (void)fixed_shard_path();
#endif
}

const std::string& fixed_shard_path() {
  static const std::string path = [] {
    namespace fs = std::filesystem;
    const fs::path root = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    const fs::path p = root / ("ropelab-fuzz-shard-" + std::to_string(::getpid()) + ".safetensors");
#ifndef ROPELAB_FUZZ_NO_TORCH
    write_safetensors(p.string(), {{"w", torch::tensor({1.0f, 2.0f})}});
#endif
    return p.string();
  }();
  return path;
}

}  // namespace ropelab::fuzz
