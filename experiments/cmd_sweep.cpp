// `ropelab sweep`: one model and one RoPE configuration evaluated at several context windows —
// the paper's Table 4 / Figure 3 (4k/8k/16k/32k, or c..8c for a tiny model).
//
// For each window W: `longbench run` with max_length = W - reserve into OUT/longbench/<W>/ (the
// LongBench convention W - 500 by default), then `longbench score` into OUT/longbench/<W>/result.json.
// With --passkey-trials N > 0, passkey accuracy at lengths = the windows goes to
// OUT/passkey.h5:/eval/sweep/passkey. OUT/sweep.json lists Macro and LongBench's category average
// per window. Every step is resumable (LongBench predictions continue; a complete passkey run is
// kept), so a killed sweep is rerun with the same command. Macro vs window for several methods:
// one sweep folder per method, then `ropelab report longbench OUT/longbench/*/result.json` and
// `plots/longbench_macro_vs_window.py OUT_A OUT_B ...`.
#include <torch/torch.h>

#include <iostream>

#include "core/eval/eval_output.h"
#include "core/eval/longbench/result_items.h"
#include "core/eval/longbench/runner.h"
#include "core/eval/longbench/scorer.h"
#include "core/eval/longbench/tasks.h"
#include "core/eval/passkey.h"
#include "core/io/h5.h"
#include "core/model/checkpoint.h"
#include "core/output/output_file.h"
#include "core/plan/memory_plan.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/output_lock.h"
#include "core/util/version.h"
#include "experiments/commands.h"
#include "experiments/eval_cli.h"

namespace ropelab::cli {

namespace lb = ropelab::longbench;

int run_sweep(const Args& args) {
  po::options_description d = model_command_options("ropelab sweep");
  add_longbench_input_options(d);
  d.add_options()("windows", po::value<std::string>()->required(),
                  "context windows, e.g. 4096,8192,16384,32768")(
      "reserve", po::value<int64_t>()->default_value(500),
      "tokens kept free for generation: LongBench max_length = window - reserve (tiny models: e.g. 64)")(
      "out", po::value<std::string>()->required(), "sweep folder (created; resumable)")(
      "tasks", po::value<std::string>()->default_value("paper12"), "paper12, en16, all, or dataset keys")(
      "limit", po::value<int64_t>()->default_value(0), "first N samples of each task (0 = all)")(
      "prefill-chunk", po::value<int64_t>()->default_value(0), "prefill in chunks of N tokens (0 = at once)")(
      "passkey-trials", po::value<int64_t>()->default_value(0),
      "passkey trials per window and depth (0 = no passkey)")(
      "passkey-depths", po::value<std::string>()->default_value("0,0.25,0.5,0.75,1"), "passkey depths")(
      "seed", po::value<int64_t>()->default_value(0), "passkey key seed")(
      "overwrite", po::bool_switch(),
      "start again: delete earlier predictions and passkey results of this sweep");
  const auto vm = parse_command(
      "ropelab sweep --model DIR --windows 256,512,1024 --longbench-dir PATH --out DIR [--reserve 500] "
      "[--passkey-trials N] [--rope ...]",
      d, args);
  const auto windows = parse_int_list(vm["windows"].as<std::string>(), "--windows");
  check_lengths_fit_memory(read_checkpoint_config(vm["model"].as<std::string>()), windows,
                           /*all_logits=*/false, "--windows");
  const int64_t reserve = vm["reserve"].as<int64_t>();
  check_input(reserve >= 0, "--reserve (", reserve, ") must be >= 0");
  for (int64_t W : windows)
    check_input(W - reserve >= 2, "--windows: ", W, " leaves ", W - reserve,
                " prompt tokens after --reserve ", reserve, " (need >= 2)");
  lb::RunConfig base;
  base.tasks = lb::parse_task_set(vm["tasks"].as<std::string>());
  base.limit = vm["limit"].as<int64_t>();
  base.prefill_chunk = vm["prefill-chunk"].as<int64_t>();
  base.overwrite = vm["overwrite"].as<bool>();
  base.validate();
  PasskeyConfig pk;
  pk.lengths = windows;
  pk.depths = parse_double_list(vm["passkey-depths"].as<std::string>(), "--passkey-depths");
  pk.trials = std::max<int64_t>(1, vm["passkey-trials"].as<int64_t>());
  check_input(vm["passkey-trials"].as<int64_t>() >= 0, "--passkey-trials (",
              vm["passkey-trials"].as<int64_t>(), ") must be >= 0");
  check_input(vm["seed"].as<int64_t>() >= 0, "--seed must be >= 0");
  pk.seed = uint64_t(vm["seed"].as<int64_t>());
  pk.prefill_chunk = base.prefill_chunk;
  pk.validate();
  const auto inputs = resolve_longbench_inputs(vm);
  base.data_dir = inputs.data_dir;
  const fs::path out = vm["out"].as<std::string>();
  check_writable_location(out / "sweep.json");
  fs::create_directories(out);
  const OutputLock lock(out);  // one sweep per folder

  auto model = load_model_from_options(vm);
  const auto tok = open_model_tokenizer(vm["model"].as<std::string>(), model->config.vocab_size, "sweep");
  const auto info = eval_run_info(vm, model);
  nlohmann::json prov = provenance_json();
  prov["command_line"] = info.command_line;
  prov["created_utc"] = utc_now_iso8601();
  prov["model_json"] = info.model_json;
  prov["options"] = options_json(vm);
  const nlohmann::json identity = {
      {"model_path", info.model_path}, {"rope_json", info.rope_json}, {"dtype", info.dtype}};

  nlohmann::json summary = {{"windows", windows},          {"reserve", reserve},
                            {"rope_json", info.rope_json}, {"model_path", info.model_path},
                            {"provenance", prov},          {"longbench", nlohmann::json::object()}};
  for (int64_t W : windows) {
    lb::RunConfig cfg = base;
    cfg.max_length = W - reserve;
    const fs::path dir = out / "longbench" / std::to_string(W);
    std::cerr << "== window " << W << " (max_length " << cfg.max_length << ") -> " << dir.string() << "\n";
    const auto done = lb::run_longbench(model, tok, inputs.prompts, cfg, dir, identity, prov);
    std::cerr << "window " << W << ": " << done.generated << " predictions generated, " << done.skipped
              << " already done\n";
    const auto report = lb::score_prediction_dir(dir, lb::ScoreOptions{});
    lb::write_result_files(dir, report);
    std::map<std::string, double> scores;
    nlohmann::json fit = nlohmann::json::object(), nll = nlohmann::json::object();
    for (const auto& ds : report.datasets) {
      scores[ds.dataset] = ds.score;
      fit[ds.dataset] = ds.fit_score ? nlohmann::json(*ds.fit_score) : nlohmann::json();
      nll[ds.dataset] = ds.answer_nll ? nlohmann::json(*ds.answer_nll) : nlohmann::json();
    }
    const auto agg = lb::aggregate_scores(scores);
    nlohmann::json row = {{"result", (dir / "result.json").string()},
                          {"result_items", (dir / "result_items.json").string()},
                          {"scores", scores},
                          {"fit_scores", fit},
                          {"answer_nll", nll}};
    row["paper_macro"] = agg.paper_macro ? nlohmann::json(*agg.paper_macro) : nlohmann::json();
    row["longbench_en_avg"] =
        agg.longbench_en.value ? nlohmann::json(*agg.longbench_en.value) : nlohmann::json();
    summary["longbench"][std::to_string(W)] = row;
    std::cerr << "window " << W << ": " << lb::kPaperMacroLabel << " "
              << (agg.paper_macro ? std::to_string(*agg.paper_macro) : "n/a (not all 12 tasks)") << "\n";
  }
  if (vm["passkey-trials"].as<int64_t>() > 0) {
    const std::string h5path = (out / "passkey.h5").string();
    const bool done =
        fs::exists(h5path) &&
        output::is_complete(output::open_for_reading(h5path, output::kEvalSchema), "/eval/sweep/passkey");
    if (done && !base.overwrite) {
      std::cerr << h5path << ": passkey run complete, kept (pass --overwrite to redo it)\n";
    } else {
      const auto r = ropelab::run_passkey(model, tok, pk);
      write_passkey_run(h5path, "sweep", info, r, /*overwrite=*/true);
      write_text_file_atomic(out / "passkey.csv", passkey_csv(r));
    }
    summary["passkey"] = {
        {"h5", h5path}, {"run", "/eval/sweep/passkey"}, {"csv", (out / "passkey.csv").string()}};
  }
  write_text_file_atomic(out / "sweep.json", summary.dump(2) + "\n");
  std::cout << "window," << lb::kPaperMacroLabel << "," << lb::kLongBenchEnAvgLabel << "\n";
  for (int64_t W : windows) {
    const auto& row = summary["longbench"][std::to_string(W)];
    std::cout << W << "," << (row["paper_macro"].is_null() ? "" : row["paper_macro"].dump()) << ","
              << (row["longbench_en_avg"].is_null() ? "" : row["longbench_en_avg"].dump()) << "\n";
  }
  std::cerr << "wrote " << (out / "sweep.json").string() << "\n";
  return 0;
}

}  // namespace ropelab::cli
