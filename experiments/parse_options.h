// Parsers for option values the CLI shares between subcommands: --device, --dtype with "auto",
// byte sizes (--shard-size, --gpu-memory). Errors are InputErrors naming the option.
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <string>

namespace ropelab {

torch::Device parse_device(const std::string& s);  // "cpu", "cuda", "cuda:N"; errors if no CUDA

// Resolves --dtype (may be "auto") for a device and a checkpoint dtype.
torch::ScalarType resolve_compute_dtype(const std::string& cli, torch::Device device,
                                        const std::string& checkpoint_torch_dtype);

// Parses a size like "2GB", "500MB", "1048576"; `option` goes into errors.
int64_t parse_byte_size(const std::string& s, const std::string& option);

}  // namespace ropelab
