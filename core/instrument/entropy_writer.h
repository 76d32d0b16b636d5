// Writes an EntropyRecorder's results as one run of an entropy file, HDF5 schema v1
// (analysis/hdf5-schema.md is the reference; keep both in step).
//
// Invariants: a file holds many runs under /runs/<run>; root attributes are written when the file
// is first made an entropy file and a file of another schema_version is refused. An existing run
// is refused unless overwrite. The run's `complete` attribute is false from the first write and
// set true last (after every dataset, then a flush), so a killed writer leaves a run that reads
// as incomplete and the file's other runs untouched.
#pragma once
#include <torch/types.h>

#include <string>

#include "core/instrument/entropy_recorder.h"

namespace ropelab {

inline constexpr int64_t kEntropySchemaVersion = 1;

struct EntropyRunInfo {
  std::string method;        // e.g. "yarn" or "yarn+dynamic_log"
  std::string rope_json;     // resolved RopeSpec::to_json()
  std::string model_json;    // ModelConfig::to_json()
  std::string model_path;
  std::string data_path;
  std::string data_sha256;
  std::string dtype;         // compute dtype, CLI name (fp32, bf16, fp16)
  std::string command_line;
  int64_t seq_len = 0;
  int64_t seed = 0;
  int64_t skipped_docs = 0;  // documents shorter than seq_len
};

struct EntropyWriteOptions {
  bool overwrite = false;
  // Test hook: stop after the datasets, before `complete` (what a killed process leaves).
  bool leave_incomplete = false;
};

// Writes (creating the file if needed) run `run` of `path`. logits: (T, V) float32 or undefined.
void write_entropy_run(const std::string& path, const std::string& run, const EntropyRunInfo& info,
                       const EntropyRecorder& rec, const torch::Tensor& logits,
                       const EntropyWriteOptions& opts = {});

// InputError when `path` exists and is not a schema-v1 entropy file, or (without overwrite)
// already holds `run`: lets a command fail before hours of compute, not after.
void check_entropy_run_writable(const std::string& path, const std::string& run, bool overwrite);

}  // namespace ropelab
