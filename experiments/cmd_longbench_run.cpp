// `ropelab longbench run`: LongBench predictions (pred.py re-done in C++) into PRED_DIR, one
// <dataset>.jsonl per task, resumable; `ropelab longbench merge`: joins --shard i/n outputs.
//
// PRED_DIR then holds exactly what `longbench score` reads (*.jsonl) plus run_config.json (the
// sha256 of every data and config file, the resolved model/RoPE/dtype, provenance). A rerun with
// the same options continues where a killed run stopped.
#include <iostream>

#include "core/eval/longbench/runner.h"
#include "core/eval/longbench/tasks.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "experiments/commands.h"
#include "experiments/eval_cli.h"

namespace ropelab {

namespace lb = ropelab::longbench;

int run_longbench_run(const cli::Args& args) {
  cli::po::options_description d = cli::model_command_options("ropelab longbench run");
  cli::add_longbench_input_options(d);
  cli::add_prediction_run_options(d, "longbench");
  d.add_options()("tasks", cli::po::value<std::string>()->default_value("paper12"),
                  "paper12, en16, all, or a comma-separated list of dataset keys")(
      "max-length", cli::po::value<int64_t>()->default_value(15500),
      "prompt budget in tokens incl. BOS before middle truncation (LongBench: window - 500)");
  const auto vm = cli::parse_command(
      "ropelab longbench run --model DIR --longbench-dir PATH --out PRED_DIR [--tasks paper12] "
      "[--max-length 15500] [--shard i/n] [--limit N] [--rope ...]",
      d, args);
  lb::RunConfig cfg;
  cfg.tasks = lb::parse_task_set(vm["tasks"].as<std::string>());
  cfg.max_length = vm["max-length"].as<int64_t>();
  cli::read_prediction_run_options(vm, cfg);
  cfg.validate();
  const auto inputs = cli::resolve_longbench_inputs(vm);
  cfg.data_dir = inputs.data_dir;

  auto model = cli::load_model_from_options(vm);
  const auto tok =
      open_model_tokenizer(vm["model"].as<std::string>(), model->config.vocab_size, "longbench run");
  const auto rec = cli::prediction_record(vm, model);
  const fs::path out = vm["out"].as<std::string>();
  const auto sum = lb::run_longbench(model, tok, inputs.prompts, cfg, out, rec.identity, rec.provenance);
  std::cerr << "wrote " << out.string() << ": " << sum.generated << " predictions generated, " << sum.skipped
            << " already done"
            << (cfg.shard.sharded() ? " (merge the shards with `ropelab longbench merge`)" : "") << "\n";
  return 0;
}

int run_longbench_merge(const cli::Args& args) { return cli::run_prediction_merge("longbench", args); }

}  // namespace ropelab
