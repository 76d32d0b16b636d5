// Writes an EntropyRecorder's results as one run of an entropy file, schema output::kEntropySchema
// (analysis/hdf5-schema.md is the reference; keep both in step).
//
// Invariants: the policy of core/output/output_file.h — a file holds many runs under /runs/<run>;
// a file of another schema kind or version is refused; an existing run is refused unless
// overwrite; the run's `complete` attribute is false from the first write and set true last
// (after every dataset, then a flush), so a killed writer leaves a run that reads as incomplete
// and the file's other runs untouched.
#pragma once
#include <torch/types.h>

#include <string>

#include "core/instrument/entropy_recorder.h"

namespace ropelab {

struct EntropyRunInfo {
  std::string method;      // e.g. "yarn" or "yarn+dynamic_log"
  std::string rope_json;   // resolved RopeSpec::to_json()
  std::string model_json;  // ModelConfig::to_json()
  std::string model_path;
  std::string data_path;
  std::string data_sha256;
  std::string dtype;  // compute dtype, CLI name (fp32, bf16, fp16)
  std::string command_line;
  std::string config_json = "{}";  // the command's resolved options
  int64_t trained_window = 0;      // c, trained_window(model rope); > 0
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

// InputError when `run` is not a valid run name, `path` exists and is not an entropy file of this
// schema, or (without overwrite) already holds `run`: lets a command fail before hours of
// compute, not after.
void check_entropy_run_writable(const std::string& path, const std::string& run, bool overwrite);

}  // namespace ropelab
