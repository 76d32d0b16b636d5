// The per-step training log, OUT/train.h5 (schema documented in analysis/hdf5-schema.md):
//   root attributes  schema_kind "train_log", schema_version (output::kTrainLogSchema) and the
//                    provenance set of core/output/output_file.h (the run group carries it too)
//   /train/<run>/    attributes config_json, model_json, rope_json, data_path, data_sha256,
//                    n_examples, total_steps, step_arithmetic, world_size, complete
//                    datasets loss, lr, grad_norm, tokens_per_s  [step]  (extendible)
// Each step is appended and flushed, so a killed run keeps its log up to the last step. On
// resume from step k the datasets are cut back to k entries, so a resumed log equals an
// uninterrupted one. `complete` is written last.
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace ropelab {

struct StepRecord {
  double loss = 0, lr = 0, grad_norm = 0, tokens_per_s = 0;
};

class TrainLog {
 public:
  // Creates the run (or, with resume_step >= 0, reopens it and truncates it to resume_step).
  TrainLog(const std::string& path, const std::string& run, const nlohmann::json& attrs,
           const std::string& command_line, int64_t resume_step);
  ~TrainLog();
  void append(const StepRecord& r);
  void mark_complete();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ropelab
