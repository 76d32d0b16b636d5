#include "core/eval/longbench/runner.h"

#include <torch/torch.h>

#include "core/eval/continuation_logprob.h"
#include "core/eval/generate.h"
#include "core/eval/longbench/samples.h"
#include "core/eval/longbench/tasks.h"
#include "core/eval/longbench/truncation.h"
#include "core/util/error.h"
#include "core/util/files.h"

namespace ropelab::longbench {

namespace fs = std::filesystem;

void RunConfig::validate() const {
  check_input(max_length >= 2, "`max_length` (", max_length, ") must be >= 2");
  check_input(limit >= 0, "`limit` (", limit, ") must be >= 0 (0 = all samples)");
  check_input(prefill_chunk >= 0, "`prefill_chunk` (", prefill_chunk, ") must be >= 0");
  check_input(!tasks.empty(), "`tasks`: no task selected");
  for (const auto& t : tasks) task_info(t);
}

namespace {

struct TaskWork {
  const TaskInfo* info;
  std::vector<Sample> samples;
  std::string templ;
  GenerateOptions go;
};

}  // namespace

std::vector<int64_t> reference_answer_ids(const Tokenizer& tok, const Sample& s) {
  if (!s.answers.is_array() || s.answers.empty() || !s.answers[0].is_string()) return {};
  return tok.encode(s.answers[0].get<std::string>(), /*add_bos=*/false, /*add_eos=*/false);
}

RunSummary run_longbench(LlamaForCausalLM& model, const Tokenizer& tok, const PromptConfig& prompts,
                         const RunConfig& cfg, const fs::path& out_dir, nlohmann::json identity,
                         const nlohmann::json& provenance, bool verbose) {
  cfg.validate();
  // Everything that can fail on input fails before the first token is generated.
  predictions::RunPlan plan;
  plan.benchmark = "LongBench";
  std::vector<TaskWork> work;
  for (const auto& name : cfg.tasks) {
    TaskWork w;
    w.info = &task_info(name);
    const std::string data_path = (fs::path(cfg.data_dir) / (name + ".jsonl")).string();
    check_input(fs::is_regular_file(data_path), data_path,
                ": data file missing (LongBench's data.zip has one ", name, ".jsonl per task)");
    w.samples = read_samples(data_path);
    if (cfg.limit > 0 && int64_t(w.samples.size()) > cfg.limit) w.samples.resize(size_t(cfg.limit));
    w.templ = prompts.prompt_for(name);
    for (const auto& s : w.samples)
      format_prompt(w.templ, s.fields, prompts.prompt_path + " [" + name + "] on " + s.where);
    w.go.max_new_tokens = prompts.maxlen_for(name);
    w.go.stop_ids = {tok.eos_id()};
    w.go.prefill_chunk = cfg.prefill_chunk;
    if (w.info->stop_at_newline) {  // pred.py: stop at the first newline, at least one new token
      check_input(tok.newline_id() >= 0, tok.path(), ": the tokenizer has no newline token (needed for ",
                  name, ")");
      w.go.stop_ids.push_back(tok.newline_id());
      w.go.min_new_tokens = 1;
    }
    plan.tasks.push_back(
        {name,
         data_path,
         w.samples.size(),
         {{"max_new_tokens", w.go.max_new_tokens}, {"chat_template", w.info->chat_template}}});
    work.push_back(std::move(w));
  }
  identity["max_length"] = cfg.max_length;
  identity["limit"] = cfg.limit;
  identity["prompt_sha256"] = prompts.prompt_sha256;
  identity["maxlen_sha256"] = prompts.maxlen_sha256;
  plan.identity = identity;
  plan.provenance = provenance;
  plan.shard = cfg.shard;
  plan.overwrite = cfg.overwrite;
  plan.extra["prompt_config"] = {{"path", prompts.prompt_path}, {"sha256", prompts.prompt_sha256}};
  plan.extra["maxlen_config"] = {{"path", prompts.maxlen_path}, {"sha256", prompts.maxlen_sha256}};

  torch::NoGradGuard ng;
  return predictions::run_predictions(
      plan, out_dir,
      [&](size_t t, size_t k) -> nlohmann::json {
        const TaskWork& w = work[t];
        const Sample& s = w.samples[k];
        const std::string prompt =
            format_prompt(w.templ, s.fields, prompts.prompt_path + " [" + w.info->name + "]");
        const PromptIds p = build_prompt(tok, prompt, cfg.max_length, w.info->chat_template);
        // One prefill serves both: the reference answer is scored teacher-forced through the
        // prompt's cache, which is then cut back to the prompt for generation.
        KVCache cache(model->config.num_hidden_layers);
        const auto last = prefill(model, p.ids, cfg.prefill_chunk, cache);
        const auto ll =
            continuation_logprob(model, cache, last, reference_answer_ids(tok, s), cfg.prefill_chunk);
        const auto out = generate_from(model, cache, last, w.go);
        nlohmann::json line = {{"pred", tok.decode(out)},          {"answers", s.answers},
                               {"all_classes", s.all_classes},     {"length", s.length},
                               {"prompt_tokens", p.prompt_tokens}, {"input_tokens", int64_t(p.ids.size())},
                               {"truncated", p.truncated},         {"answer_logprob", ll.logprob},
                               {"answer_tokens", ll.tokens}};
        if (auto id = s.fields.find("_id"); id != s.fields.end()) line["_id"] = id->second;
        return line;
      },
      verbose);
}

}  // namespace ropelab::longbench
