// Pieces shared by the evaluation subcommands (longbench run, passkey, ppl, sweep): locating the
// user's LongBench files, the provenance of an evaluation run, the model's tokenizer, CSV output.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "core/eval/eval_output.h"
#include "core/eval/longbench/prompt.h"
#include "core/eval/predictions/shard.h"
#include "core/text/tokenizer.h"
#include "experiments/cli.h"

namespace ropelab::cli {

// --longbench-dir: <dataset>.jsonl in DIR/data/ when that folder exists (data.zip's layout), else
// in DIR; the configs from --prompt-config / --maxlen-config, else DIR/config/<name> or DIR/<name>.
struct LongBenchInputs {
  std::string data_dir;
  longbench::PromptConfig prompts;
};
void add_longbench_input_options(po::options_description& d);
LongBenchInputs resolve_longbench_inputs(const po::variables_map& vm);

// Provenance of a run: model path, config, resolved RoPE, dtype, command line, options.
EvalRunInfo eval_run_info(const po::variables_map& vm, const LlamaForCausalLM& model);
nlohmann::json options_json(const po::variables_map& vm);

// A prediction run's (longbench run, ruler run) identity — model path, resolved RoPE, dtype: what
// must match for a rerun to resume — and provenance: versions, git SHA, command line, time, the
// model config and every option.
struct PredictionRecord {
  nlohmann::json identity, provenance;
};
PredictionRecord prediction_record(const po::variables_map& vm, const LlamaForCausalLM& model);

// --out, --shard, --limit, --prefill-chunk, --overwrite of `<command> run` (longbench, ruler), and
// copying them into its RunConfig (fields shard, limit, prefill_chunk, overwrite; --out stays in vm).
void add_prediction_run_options(po::options_description& d, const std::string& command);
template <typename RunConfig>
void read_prediction_run_options(const po::variables_map& vm, RunConfig& cfg) {
  cfg.limit = vm["limit"].as<int64_t>();
  cfg.shard = predictions::Shard::parse(vm["shard"].as<std::string>());
  cfg.prefill_chunk = vm["prefill-chunk"].as<int64_t>();
  cfg.overwrite = vm["overwrite"].as<bool>();
}

// `ropelab <command> merge --pred-dir DIR --shards N [--overwrite]` (longbench, ruler).
int run_prediction_merge(const std::string& command, const Args& args);

// A report table to --out FILE (atomically; refused when present without --overwrite) or stdout.
void add_table_output_options(po::options_description& d);
void write_table_output(const po::variables_map& vm, const std::string& table);

}  // namespace ropelab::cli
