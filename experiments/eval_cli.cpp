#include "experiments/eval_cli.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <iostream>

#include "core/eval/predictions/run.h"
#include "core/util/dtype.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/version.h"

namespace ropelab::cli {

namespace {

// sha256 of LongBench's own config files (docs/longbench-scoring.md: unchanged since f77be4c).
constexpr const char* kOfficialPromptSha = "56d22ad4f382169c2b8a11ff4c982a4a1bea096c8152b0f0b85b64686b157c30";
constexpr const char* kOfficialMaxlenSha = "72966b3c0933e214591637fb085798c5e687ebff4ddaab5d99bbc31120532022";

std::string locate(const po::variables_map& vm, const std::string& option, const std::string& name) {
  if (vm.count(option)) return vm[option].as<std::string>();
  check_input(vm.count("longbench-dir"), "give --longbench-dir or --", option, " (LongBench's ", name, ")");
  const fs::path dir = vm["longbench-dir"].as<std::string>();
  for (const auto& p : {dir / "config" / name, dir / name})
    if (fs::is_regular_file(p)) return p.string();
  fail_input((dir / name).string(), ": not found (nor ", (dir / "config" / name).string(),
             "); copy LongBench's config/", name, " there or give --", option);
}

}  // namespace

void add_longbench_input_options(po::options_description& d) {
  d.add_options()("longbench-dir", po::value<std::string>(),
                  "LongBench folder: <dataset>.jsonl (in DIR/data/ or DIR) and dataset2prompt.json, "
                  "dataset2maxlen.json (in DIR/config/ or DIR)")(
      "prompt-config", po::value<std::string>(), "dataset2prompt.json (default: from --longbench-dir)")(
      "maxlen-config", po::value<std::string>(), "dataset2maxlen.json (default: from --longbench-dir)");
}

LongBenchInputs resolve_longbench_inputs(const po::variables_map& vm) {
  check_input(vm.count("longbench-dir"), "--longbench-dir is required (the folder with <dataset>.jsonl)");
  LongBenchInputs in;
  const fs::path dir = vm["longbench-dir"].as<std::string>();
  check_input(fs::is_directory(dir), dir.string(), ": --longbench-dir is not a directory");
  in.data_dir = fs::is_directory(dir / "data") ? (dir / "data").string() : dir.string();
  in.prompts = longbench::read_prompt_config(locate(vm, "prompt-config", "dataset2prompt.json"),
                                             locate(vm, "maxlen-config", "dataset2maxlen.json"));
  auto note = [](const std::string& path, const std::string& sha, const char* official) {
    std::cerr << path << ": sha256 " << sha.substr(0, 12) << "… "
              << (sha == official ? "(LongBench's official file)"
                                  : "(differs from LongBench's official file)")
              << "\n";
  };
  note(in.prompts.prompt_path, in.prompts.prompt_sha256, kOfficialPromptSha);
  note(in.prompts.maxlen_path, in.prompts.maxlen_sha256, kOfficialMaxlenSha);
  return in;
}

nlohmann::json options_json(const po::variables_map& vm) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : vm) {
    const auto& a = v.value();
    if (a.type() == typeid(std::string))
      j[k] = boost::any_cast<std::string>(a);
    else if (a.type() == typeid(int64_t))
      j[k] = boost::any_cast<int64_t>(a);
    else if (a.type() == typeid(int))
      j[k] = boost::any_cast<int>(a);
    else if (a.type() == typeid(double))
      j[k] = boost::any_cast<double>(a);
    else if (a.type() == typeid(bool))
      j[k] = boost::any_cast<bool>(a);
  }
  return j;
}

EvalRunInfo eval_run_info(const po::variables_map& vm, const LlamaForCausalLM& model) {
  EvalRunInfo info;
  info.model_path = fs::absolute(vm["model"].as<std::string>()).lexically_normal().string();
  info.model_json = model->config.to_json().dump();
  info.rope_json = model->config.rope.to_json().dump();
  info.dtype = dtype_cli_name(model->dtype());
  info.command_line = command_line();
  info.config_json = options_json(vm).dump();
  return info;
}

PredictionRecord prediction_record(const po::variables_map& vm, const LlamaForCausalLM& model) {
  const auto info = eval_run_info(vm, model);
  PredictionRecord r;
  r.identity = {{"model_path", info.model_path}, {"rope_json", info.rope_json}, {"dtype", info.dtype}};
  r.provenance = provenance_json();
  r.provenance["command_line"] = info.command_line;
  r.provenance["created_utc"] = utc_now_iso8601();
  r.provenance["model_json"] = info.model_json;
  r.provenance["options"] = options_json(vm);
  return r;
}

void add_prediction_run_options(po::options_description& d, const std::string& command) {
  d.add_options()("out", po::value<std::string>()->required(), "prediction folder PRED_DIR (created)")(
      "shard", po::value<std::string>()->default_value("0/1"),
      ("i/n: this process does samples k with k % n == i, into <task>.shard-i-of-n.part (merge with " +
       command + " merge)")
          .c_str())("limit", po::value<int64_t>()->default_value(0),
                    "first N samples of each task (0 = all)")(
      "prefill-chunk", po::value<int64_t>()->default_value(0),
      "prefill the prompt in chunks of N tokens (0 = at once)")(
      "overwrite", po::bool_switch(), "delete the selected tasks' existing predictions and start again");
}

int run_prediction_merge(const std::string& command, const Args& args) {
  po::options_description d("ropelab " + command + " merge");
  add_common_options(d);
  d.add_options()("pred-dir", po::value<std::string>()->required(),
                  ("folder written by " + command + " run --shard i/n").c_str())(
      "shards", po::value<int64_t>()->required(), "n, the number of shards")(
      "overwrite", po::bool_switch(), "replace existing <task>.jsonl files");
  const auto vm =
      parse_command("ropelab " + command + " merge --pred-dir DIR --shards N [--overwrite]", d, args);
  const auto merged = predictions::merge_run(vm["pred-dir"].as<std::string>(), vm["shards"].as<int64_t>(),
                                             vm["overwrite"].as<bool>());
  for (const auto& t : merged) std::cerr << "merged " << t << ".jsonl\n";
  return 0;
}

void add_table_output_options(po::options_description& d) {
  d.add_options()("out", po::value<std::string>(), "write the table to FILE (atomically) instead of stdout")(
      "overwrite", po::bool_switch(), "replace an existing --out file");
}

void write_table_output(const po::variables_map& vm, const std::string& table) {
  if (!vm.count("out")) {
    std::cout << table;
    return;
  }
  const fs::path out = vm["out"].as<std::string>();
  check_output_path(out, vm["overwrite"].as<bool>());
  write_text_file_atomic(out, table);
  std::cerr << "wrote " << out.string() << "\n";
}

}  // namespace ropelab::cli
