// `ropelab ruler run | merge | score`: RULER predictions on manifests prepared by RULER's own
// scripts (or by `ropelab data ruler`), and RULER's evaluate.py re-done.
//
// run writes PRED_DIR/<task>.jsonl in RULER's prediction format plus run_config.json, resumable
// and shardable with the same code as `longbench run`. score writes summary.csv (summary-<task>.csv
// for one task, evaluate.py's names), submission.csv and summary.json into PRED_DIR; like
// evaluate.py it regenerates them on every run (they are derived from the predictions).
#include <iostream>

#include "core/eval/ruler/manifest.h"
#include "core/eval/ruler/runner.h"
#include "core/eval/ruler/scorer.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "experiments/commands.h"
#include "experiments/eval_cli.h"

namespace ropelab {

namespace {

void add_ruler_dir_option(cli::po::options_description& d) {
  d.add_options()("ruler-dir", cli::po::value<std::string>(),
                  "a clone of NVIDIA/RULER: task names from scripts/synthetic.yaml, tokens_to_generate from "
                  "scripts/data/synthetic/constants.py (default: RULER's 13 built-in task names)");
}

ruler::TaskTable task_table(const cli::po::variables_map& vm) {
  return vm.count("ruler-dir") ? ruler::TaskTable::from_ruler_checkout(vm["ruler-dir"].as<std::string>())
                               : ruler::TaskTable();
}

int ruler_run(const cli::Args& args) {
  cli::po::options_description d = cli::model_command_options("ropelab ruler run");
  add_ruler_dir_option(d);
  d.add_options()("data-dir", cli::po::value<std::string>()->required(),
                  "RULER data for one length: <task>/validation.jsonl per task (prepare.py's --save_dir)")(
      "tasks", cli::po::value<std::string>()->default_value("all"),
      "all (every task of the task table that has a manifest in --data-dir) or a comma-separated list")(
      "tokens-to-generate", cli::po::value<std::string>(),
      "per-task generation budget: task=N[,base_task=N...] or a JSON file {\"task\": N}; overrides "
      "--ruler-dir");
  cli::add_prediction_run_options(d, "ruler");
  const auto vm = cli::parse_command(
      "ropelab ruler run --model DIR --data-dir RULER_DATA/4096 --out PRED_DIR [--ruler-dir RULER] "
      "[--tokens-to-generate task=N,...] [--tasks all] [--shard i/n] [--limit N] [--rope ...]",
      d, args);
  const auto table = task_table(vm);
  ruler::RunConfig cfg;
  cfg.data_dir = vm["data-dir"].as<std::string>();
  check_input(fs::is_directory(cfg.data_dir), "--data-dir ", cfg.data_dir, ": not a directory");
  const std::string tasks = vm["tasks"].as<std::string>();
  if (tasks == "all") {
    for (const auto& t : table.order())
      if (fs::exists(ruler::manifest_path(cfg.data_dir, t))) cfg.tasks.push_back(t);
    check_input(!cfg.tasks.empty(), "--data-dir ", cfg.data_dir,
                ": no <task>/validation.jsonl of any RULER task (", table.names(), ")");
  } else {
    cfg.tasks = ruler::parse_task_list(tasks, table);
  }
  const auto explicit_tokens =
      vm.count("tokens-to-generate")
          ? ruler::parse_tokens_to_generate(vm["tokens-to-generate"].as<std::string>())
          : std::map<std::string, int64_t>{};
  for (const auto& [name, n] : explicit_tokens)
    if (!table.known(name)) ruler::base_task_from_string(name, "--tokens-to-generate");  // task or base name
  for (const auto& t : cfg.tasks)
    cfg.tokens_to_generate[t] = ruler::tokens_to_generate_for(t, table, explicit_tokens);
  cli::read_prediction_run_options(vm, cfg);
  cfg.validate();
  for (const auto& t : cfg.tasks)
    ruler::read_manifest(ruler::manifest_path(cfg.data_dir, t));  // fail before loading

  auto model = cli::load_model_from_options(vm);
  const auto tok = open_model_tokenizer(vm["model"].as<std::string>(), model->config.vocab_size, "ruler run");
  auto rec = cli::prediction_record(vm, model);
  rec.provenance["task_table"] = table.source();
  const fs::path out = vm["out"].as<std::string>();
  const auto sum = ruler::run_ruler(model, tok, cfg, out, rec.identity, rec.provenance);
  std::cerr << "wrote " << out.string() << ": " << sum.generated << " predictions generated, " << sum.skipped
            << " already done"
            << (cfg.shard.sharded() ? " (merge the shards with `ropelab ruler merge`)" : "") << "\n";
  return 0;
}

int ruler_merge(const cli::Args& args) { return cli::run_prediction_merge("ruler", args); }

int ruler_score(const cli::Args& args) {
  cli::po::options_description d("ropelab ruler score");
  cli::add_common_options(d);
  add_ruler_dir_option(d);
  d.add_options()("pred-dir", cli::po::value<std::string>()->required(),
                  "folder of RULER predictions (<task>.jsonl from RULER's call_api.py or ropelab ruler run)");
  const auto vm = cli::parse_command("ropelab ruler score --pred-dir DIR [--ruler-dir RULER]", d, args);
  const fs::path dir = vm["pred-dir"].as<std::string>();
  const auto scores = ruler::score_ruler_dir(dir, task_table(vm));
  std::cout << "RULER scores (" << dir.string() << ")\n";
  char line[256];
  for (const auto& s : scores) {
    std::snprintf(line, sizeof line, "  %-18s %-18s %8s  nulls %s\n", s.task.c_str(),
                  ruler::to_string(ruler::metric_of(s.base)), ruler::py_float_repr(s.score).c_str(),
                  s.nulls().c_str());
    std::cout << line;
  }
  const std::string name = ruler::summary_file_name(scores);
  write_text_file_atomic(dir / name, ruler::summary_csv(scores));
  write_text_file_atomic(dir / "submission.csv", ruler::submission_csv(scores));
  const std::string json_name = name.substr(0, name.size() - 4) + ".json";
  write_text_file_atomic(dir / json_name, ruler::summary_json(scores).dump(2) + "\n");
  std::cerr << "wrote " << (dir / name).string() << ", " << (dir / json_name).string() << ", "
            << (dir / "submission.csv").string() << "\n";
  return 0;
}

}  // namespace

}  // namespace ropelab

namespace ropelab::cli {

int run_ruler(const Args& args) {
  return dispatch_action("ruler", args, {{"run", ruler_run}, {"merge", ruler_merge}, {"score", ruler_score}});
}

}  // namespace ropelab::cli
