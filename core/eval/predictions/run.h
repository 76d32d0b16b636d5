// The resumable, shardable prediction loop shared by `longbench run` and `ruler run`: a list of
// tasks, each a data file of samples, and a function that turns one sample into one prediction
// line. The benchmark-specific code (prompting, decoding) lives in that function.
//
// Invariants:
// - PRED_DIR/run_config.json (run_config.shard-i-of-n.json per shard) records the run's identity
//   (model, RoPE, dtype, options that change predictions, sha256 of every task's data file),
//   provenance and one entry per task; it is written before the first sample is generated.
// - Resumable: a prediction file's complete lines are the samples already done (pred_file.h); a
//   rerun continues after them. A rerun whose identity differs from the recorded one is refused
//   (mixing configurations in one file would be silent corruption); a task's data hash counts only
//   when both runs include the task. overwrite deletes the selected tasks' predictions first.
// - Shard i of n predicts the samples k with k % n == i into <task>.shard-i-of-n.part (shard.h);
//   merge_run joins them into <task>.jsonl once every shard is complete.
#pragma once
#include <cstddef>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/eval/predictions/shard.h"

namespace ropelab::predictions {

struct TaskPlan {
  std::string name;                                // prediction file stem: <name>.jsonl
  std::string data_path;                           // hashed into the identity
  size_t n_samples = 0;                            // after any `limit`
  nlohmann::json info = nlohmann::json::object();  // extra per-task fields for the run config
};

struct RunPlan {
  std::string benchmark;  // "LongBench", "RULER": named in messages
  std::vector<TaskPlan> tasks;
  Shard shard;
  bool overwrite = false;
  nlohmann::json identity = nlohmann::json::object();  // the runner adds identity["data"][task]
  nlohmann::json provenance = nlohmann::json::object();
  nlohmann::json extra = nlohmann::json::object();  // more top-level fields of the run config
};

struct RunSummary {
  size_t generated = 0, skipped = 0;  // samples generated now / found done
};

// predict(task, sample): the prediction line (a JSON object with "pred") for sample `sample`
// (0-based, in data order) of plan.tasks[task].
using PredictFn = std::function<nlohmann::json(size_t task, size_t sample)>;

RunSummary run_predictions(const RunPlan& plan, const std::filesystem::path& out_dir,
                           const PredictFn& predict, bool verbose = true);

// Name of the run-config file for a shard ("run_config.json" unsharded).
std::string run_config_name(const Shard& shard);

// Merges every task's shards (counts from the shards' run-config files) into <task>.jsonl.
// Returns the tasks merged.
std::vector<std::string> merge_run(const std::filesystem::path& out_dir, int64_t count, bool overwrite);

}  // namespace ropelab::predictions
