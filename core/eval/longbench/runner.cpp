#include "core/eval/longbench/runner.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>

#include "core/eval/generate.h"
#include "core/eval/longbench/pred_file.h"
#include "core/eval/longbench/samples.h"
#include "core/eval/longbench/tasks.h"
#include "core/eval/longbench/truncation.h"
#include "core/util/error.h"
#include "core/util/files.h"

namespace ropelab::longbench {

namespace fs = std::filesystem;

void RunConfig::validate() const {
  check_input(max_length >= 2, "--max-length (", max_length, ") must be >= 2");
  check_input(limit >= 0, "--limit (", limit, ") must be >= 0 (0 = all samples)");
  check_input(prefill_chunk >= 0, "--prefill-chunk (", prefill_chunk, ") must be >= 0");
  check_input(!tasks.empty(), "--tasks: no task selected");
  for (const auto& t : tasks) task_info(t);
}

std::string run_config_name(const Shard& shard) {
  return shard.sharded() ? "run_config." + shard.tag() + ".json" : "run_config.json";
}

namespace {

struct TaskWork {
  const TaskInfo* info;
  std::string data_path;
  std::vector<Sample> samples;
  std::vector<size_t> owned;  // sample indices of this shard, in order
  std::string templ;
  int max_new_tokens;
};

std::string fmt_secs(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const int64_t t = int64_t(s + 0.5);
  char buf[64];
  if (t >= 3600) std::snprintf(buf, sizeof buf, "%lldh%02lldm", (long long)(t / 3600), (long long)(t / 60 % 60));
  else std::snprintf(buf, sizeof buf, "%lldm%02llds", (long long)(t / 60), (long long)(t % 60));
  return buf;
}

// A rerun must have been started with the same identity; a task's data hash counts only when
// both runs include the task.
void check_same_identity(const fs::path& path, const nlohmann::json& old_id, const nlohmann::json& id) {
  for (const auto& [k, v] : id.items()) {
    if (k == "data") continue;
    if (!old_id.contains(k) || old_id[k] != v)
      fail_input(path.string(), ": the predictions in this folder were made with ", k, " = ",
                 old_id.contains(k) ? old_id[k].dump() : "(absent)", ", this run has ", v.dump(),
                 "; use another --out or pass --overwrite (deletes the selected tasks' predictions)");
  }
  if (!old_id.contains("data")) return;
  for (const auto& [task, sha] : id["data"].items())
    if (old_id["data"].contains(task) && old_id["data"][task] != sha)
      fail_input(path.string(), ": ", task, ".jsonl has changed since its predictions were made (sha256 ",
                 old_id["data"][task].get<std::string>().substr(0, 12), "… vs ", sha.get<std::string>().substr(0, 12),
                 "…); use another --out or pass --overwrite");
}

}  // namespace

RunSummary run_longbench(LlamaForCausalLM& model, const Tokenizer& tok, const PromptConfig& prompts,
                         const RunConfig& cfg, const fs::path& out_dir, nlohmann::json identity,
                         const nlohmann::json& provenance, bool verbose) {
  cfg.validate();
  // Everything that can fail on input fails before the first token is generated.
  std::vector<TaskWork> work;
  for (const auto& name : cfg.tasks) {
    TaskWork w;
    w.info = &task_info(name);
    w.data_path = (fs::path(cfg.data_dir) / (name + ".jsonl")).string();
    check_input(fs::is_regular_file(w.data_path), w.data_path, ": data file missing (LongBench's data.zip has one ",
                name, ".jsonl per task)");
    w.samples = read_samples(w.data_path);
    if (cfg.limit > 0 && int64_t(w.samples.size()) > cfg.limit) w.samples.resize(size_t(cfg.limit));
    for (size_t k = 0; k < w.samples.size(); ++k)
      if (cfg.shard.owns(k)) w.owned.push_back(k);
    w.templ = prompts.prompt_for(name);
    w.max_new_tokens = prompts.maxlen_for(name);
    for (const auto& s : w.samples) format_prompt(w.templ, s.fields, prompts.prompt_path + " [" + name + "] on " + s.where);
    identity["data"][name] = sha256_file(w.data_path);
    work.push_back(std::move(w));
  }
  identity["max_length"] = cfg.max_length;
  identity["limit"] = cfg.limit;
  identity["prompt_sha256"] = prompts.prompt_sha256;
  identity["maxlen_sha256"] = prompts.maxlen_sha256;

  fs::create_directories(out_dir);
  const fs::path config_path = out_dir / run_config_name(cfg.shard);
  nlohmann::json record = {{"identity", identity}, {"provenance", provenance}, {"tasks", nlohmann::json::object()}};
  if (fs::exists(config_path)) {
    const auto old = read_json_file(config_path);
    check_input(old.is_object() && old.contains("identity"), config_path.string(),
                ": not a ropelab LongBench run config; use another --out");
    if (!cfg.overwrite) {
      check_same_identity(config_path, old["identity"], identity);
      // Named copies: iterating items() of a temporary would dangle.
      const nlohmann::json old_data = old["identity"].value("data", nlohmann::json::object());
      const nlohmann::json old_tasks = old.value("tasks", nlohmann::json::object());
      for (const auto& [task, sha] : old_data.items())
        if (!record["identity"]["data"].contains(task)) record["identity"]["data"][task] = sha;
      for (const auto& [task, t] : old_tasks.items()) record["tasks"][task] = t;
    }
  }
  if (cfg.overwrite)
    for (const auto& w : work) fs::remove(out_dir / prediction_file_name(w.info->name, cfg.shard));
  record["shard"] = {{"index", cfg.shard.index}, {"count", cfg.shard.count}};
  record["prompt_config"] = {{"path", prompts.prompt_path}, {"sha256", prompts.prompt_sha256}};
  record["maxlen_config"] = {{"path", prompts.maxlen_path}, {"sha256", prompts.maxlen_sha256}};
  for (const auto& w : work)
    record["tasks"][w.info->name] = {{"data_path", w.data_path},
                                     {"data_sha256", record["identity"]["data"][w.info->name]},
                                     {"n_samples", w.samples.size()},
                                     {"n_owned", w.owned.size()},
                                     {"max_new_tokens", w.max_new_tokens},
                                     {"chat_template", w.info->chat_template},
                                     {"prediction_file", prediction_file_name(w.info->name, cfg.shard)}};
  write_text_file_atomic(config_path, record.dump(2) + "\n");

  size_t total = 0;
  for (const auto& w : work) total += w.owned.size();
  RunSummary sum;
  const auto t0 = std::chrono::steady_clock::now();
  torch::NoGradGuard ng;
  for (const auto& w : work) {
    const auto pred_path = out_dir / prediction_file_name(w.info->name, cfg.shard);
    PredictionAppender app(pred_path);
    if (verbose && app.repaired())
      std::cerr << "note: " << pred_path.string() << ": removed a partial last line (interrupted run)\n";
    check_input(app.done() <= w.owned.size(), pred_path.string(), ": holds ", app.done(), " predictions but the task has ",
                w.owned.size(), " samples for this run; use another --out or pass --overwrite");
    sum.skipped += app.done();
    GenerateOptions go;
    go.max_new_tokens = w.max_new_tokens;
    go.stop_ids = {tok.eos_id()};
    go.prefill_chunk = cfg.prefill_chunk;
    if (w.info->name == "samsum") {  // pred.py: stop at the first newline, at least one new token
      check_input(tok.newline_id() >= 0, tok.path(), ": the tokenizer has no newline token (needed for samsum)");
      go.stop_ids.push_back(tok.newline_id());
      go.min_new_tokens = 1;
    }
    for (size_t j = app.done(); j < w.owned.size(); ++j) {
      const Sample& s = w.samples[w.owned[j]];
      const std::string prompt = format_prompt(w.templ, s.fields, prompts.prompt_path + " [" + w.info->name + "]");
      const auto ids = build_prompt_ids(tok, prompt, cfg.max_length, w.info->chat_template);
      const auto out = generate(model, ids, go);
      app.append({{"pred", tok.decode(out)}, {"answers", s.answers}, {"all_classes", s.all_classes}, {"length", s.length}});
      ++sum.generated;
      if (verbose) {
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double rate = double(sum.generated) / std::max(secs, 1e-9);
        const size_t left = total - sum.generated - sum.skipped;
        std::cerr << "\r[" << w.info->name << "] " << j + 1 << "/" << w.owned.size() << "  all tasks "
                  << sum.generated + sum.skipped << "/" << total << ", " << std::fixed << std::setprecision(2) << rate
                  << " samples/s, ETA " << fmt_secs(double(left) / rate) << "   " << std::flush;
      }
    }
  }
  if (verbose) std::cerr << "\n";
  return sum;
}

std::vector<std::string> merge_run(const fs::path& out_dir, int64_t count, bool overwrite) {
  check_input(count >= 2, "--shards (", count, ") must be >= 2");
  std::map<std::string, size_t> n_samples;
  for (int64_t i = 0; i < count; ++i) {
    const auto path = out_dir / run_config_name(Shard{i, count});
    check_input(fs::exists(path), path.string(), ": missing (shard ", i, "/", count, " has not been started)");
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

}  // namespace ropelab::longbench
