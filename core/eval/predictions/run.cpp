#include "core/eval/predictions/run.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>

#include "core/eval/predictions/pred_file.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/output_lock.h"
#include "core/util/progress.h"

namespace ropelab::predictions {

namespace fs = std::filesystem;

std::string run_config_name(const Shard& shard) {
  return shard.sharded() ? "run_config." + shard.tag() + ".json" : "run_config.json";
}

namespace {

// A rerun must have been started with the same identity; a task's data hash counts only when
// both runs include the task.
void check_same_identity(const fs::path& path, const nlohmann::json& old_id, const nlohmann::json& id,
                         const std::map<std::string, std::string>& data_paths) {
  for (const auto& [k, v] : id.items()) {
    if (k == "data") continue;
    if (!old_id.contains(k) || old_id[k] != v)
      fail_input(path.string(), ": the predictions in this folder were made with ", k, " = ",
                 old_id.contains(k) ? old_id[k].dump() : "(absent)", ", this run has ", v.dump(),
                 "; use another `out` or pass `overwrite` (deletes the selected tasks' predictions)");
  }
  if (!old_id.contains("data")) return;
  for (const auto& [task, sha] : id["data"].items())
    if (old_id["data"].contains(task) && old_id["data"][task] != sha)
      fail_input(path.string(), ": ", data_paths.at(task),
                 " has changed since its predictions were made (sha256 ",
                 old_id["data"][task].get<std::string>().substr(0, 12), "… vs ",
                 sha.get<std::string>().substr(0, 12), "…); use another `out` or pass `overwrite`");
}

}  // namespace

RunSummary run_predictions(const RunPlan& plan, const fs::path& out_dir, const PredictFn& predict,
                           bool verbose) {
  nlohmann::json identity = plan.identity;
  std::map<std::string, std::string> data_paths;
  std::vector<std::vector<size_t>> owned(plan.tasks.size());
  for (size_t t = 0; t < plan.tasks.size(); ++t) {
    const auto& task = plan.tasks[t];
    identity["data"][task.name] = sha256_file(task.data_path);
    data_paths[task.name] = task.data_path;
    for (size_t k = 0; k < task.n_samples; ++k)
      if (plan.shard.owns(k)) owned[t].push_back(k);
  }

  check_writable_location(out_dir / run_config_name(plan.shard));
  fs::create_directories(out_dir);
  const fs::path config_path = out_dir / run_config_name(plan.shard);
  // One writer per shard of a folder (shards of one run may write the same folder in parallel).
  const OutputLock lock(config_path);
  nlohmann::json record = {
      {"identity", identity}, {"provenance", plan.provenance}, {"tasks", nlohmann::json::object()}};
  if (fs::exists(config_path)) {
    const auto old = read_json_file(config_path);
    check_input(old.is_object() && old.contains("identity"), config_path.string(), ": not a ropelab ",
                plan.benchmark, " run config; use another `out`");
    if (!plan.overwrite) {
      check_same_identity(config_path, old["identity"], identity, data_paths);
      // Named copies: iterating items() of a temporary would dangle.
      const nlohmann::json old_data = old["identity"].value("data", nlohmann::json::object());
      const nlohmann::json old_tasks = old.value("tasks", nlohmann::json::object());
      for (const auto& [task, sha] : old_data.items())
        if (!record["identity"]["data"].contains(task)) record["identity"]["data"][task] = sha;
      for (const auto& [task, t] : old_tasks.items()) record["tasks"][task] = t;
    }
  }
  if (plan.overwrite)
    for (const auto& task : plan.tasks) fs::remove(out_dir / prediction_file_name(task.name, plan.shard));
  record["shard"] = {{"index", plan.shard.index}, {"count", plan.shard.count}};
  for (const auto& [k, v] : plan.extra.items()) record[k] = v;
  for (size_t t = 0; t < plan.tasks.size(); ++t) {
    const auto& task = plan.tasks[t];
    nlohmann::json entry = {{"data_path", task.data_path},
                            {"data_sha256", identity["data"][task.name]},
                            {"n_samples", task.n_samples},
                            {"n_owned", owned[t].size()},
                            {"prediction_file", prediction_file_name(task.name, plan.shard)}};
    for (const auto& [k, v] : task.info.items()) entry[k] = v;
    record["tasks"][task.name] = entry;
  }
  write_text_file_atomic(config_path, record.dump(2) + "\n");

  size_t total = 0;
  for (const auto& o : owned) total += o.size();
  RunSummary sum;
  const ProgressLine progress("samples", 2);
  for (size_t t = 0; t < plan.tasks.size(); ++t) {
    const auto& task = plan.tasks[t];
    const auto pred_path = out_dir / prediction_file_name(task.name, plan.shard);
    PredictionAppender app(pred_path);
    if (verbose && app.repaired())
      std::cerr << "note: " << pred_path.string() << ": removed a partial last line (interrupted run)\n";
    check_input(app.done() <= owned[t].size(), pred_path.string(), ": holds ", app.done(),
                " predictions but the task has ", owned[t].size(),
                " samples for this run; use another `out` or pass `overwrite`");
    sum.skipped += app.done();
    for (size_t j = app.done(); j < owned[t].size(); ++j) {
      app.append(predict(t, owned[t][j]));
      ++sum.generated;
      if (verbose)
        progress.print("[" + task.name + "] " + std::to_string(j + 1) + "/" +
                           std::to_string(owned[t].size()) + "  all tasks ",
                       int64_t(sum.generated + sum.skipped), int64_t(total), double(sum.generated), "",
                       int64_t(sum.generated));
    }
  }
  if (verbose) ProgressLine::finish();
  return sum;
}

std::vector<std::string> merge_run(const fs::path& out_dir, int64_t count, bool overwrite) {
  check_input(count >= 2, "`shards` (", count, ") must be >= 2");
  std::map<std::string, size_t> n_samples;
  for (int64_t i = 0; i < count; ++i) {
    const auto path = out_dir / run_config_name(Shard{i, count});
    check_input(fs::exists(path), path.string(), ": missing (shard ", i, "/", count,
                " has not been started)");
    const auto j = read_json_file(path);
    const nlohmann::json tasks = j.value("tasks", nlohmann::json::object());
    for (const auto& [task, t] : tasks.items()) {
      const size_t n = t.at("n_samples").get<size_t>();
      auto [it, inserted] = n_samples.emplace(task, n);
      check_input(inserted || it->second == n, path.string(), ": ", task, " has ", n,
                  " samples, another shard has ", it->second);
    }
  }
  std::vector<std::string> merged;
  for (const auto& [task, n] : n_samples) {
    merge_shards(out_dir, task, count, n, overwrite);
    merged.push_back(task);
  }
  return merged;
}

}  // namespace ropelab::predictions
