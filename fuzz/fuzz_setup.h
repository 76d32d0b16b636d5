// Process-wide setup shared by the libFuzzer entry and fuzz_replay: one LibTorch thread (the
// parsers are single-threaded; threads would only blur libFuzzer's timing), HDF5's automatic error
// printing off, and the fixed files some targets need (a valid safetensors shard for index inputs).
#pragma once
#include <string>

namespace ropelab::fuzz {

void setup_process();
// A valid one-tensor shard (tensor "w", float32 [2]) that index inputs can point at; outside
// scratch(), so clear_scratch() leaves it.
const std::string& fixed_shard_path();

}  // namespace ropelab::fuzz
