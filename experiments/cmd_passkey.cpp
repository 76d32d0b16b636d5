// `ropelab passkey`: passkey-retrieval accuracy per length × depth (core/eval/passkey.h) into
// FILE.h5:/eval/<run>/passkey and an optional CSV.
#include <torch/torch.h>

#include <chrono>
#include <iomanip>
#include <iostream>

#include "core/eval/eval_output.h"
#include "core/eval/passkey.h"
#include "core/model/checkpoint.h"
#include "core/plan/memory_plan.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/output_lock.h"
#include "core/util/progress.h"
#include "experiments/commands.h"
#include "experiments/eval_cli.h"

namespace ropelab::cli {

int run_passkey(const Args& args) {
  po::options_description d = model_command_options("ropelab passkey");
  d.add_options()("lengths", po::value<std::string>()->required(),
                  "prompt lengths in tokens (BOS included), e.g. 256,512")(
      "depths", po::value<std::string>()->default_value("0,0.25,0.5,0.75,1"), "key depths in [0, 1]")(
      "trials", po::value<int64_t>()->default_value(10), "random keys per length and depth")(
      "seed", po::value<int64_t>()->default_value(0), "key generator seed")(
      "max-new-tokens", po::value<int64_t>()->default_value(10), "tokens generated per trial")(
      "prefill-chunk", po::value<int64_t>()->default_value(0), "prefill in chunks of N tokens (0 = at once)");
  add_eval_run_options(d, "passkey", "accuracy per length and depth");
  const auto vm = parse_command(
      "ropelab passkey --model DIR --lengths 256,512 [--depths 0,0.25,0.5,0.75,1] [--trials N] --out "
      "FILE.h5 "
      "[--run NAME] [--csv FILE]",
      d, args);
  PasskeyConfig cfg;
  cfg.lengths = parse_int_list(vm["lengths"].as<std::string>(), "--lengths");
  cfg.depths = parse_double_list(vm["depths"].as<std::string>(), "--depths");
  cfg.trials = vm["trials"].as<int64_t>();
  check_input(vm["seed"].as<int64_t>() >= 0, "--seed (", vm["seed"].as<int64_t>(), ") must be >= 0");
  cfg.seed = uint64_t(vm["seed"].as<int64_t>());
  cfg.max_new_tokens = vm["max-new-tokens"].as<int64_t>();
  cfg.prefill_chunk = vm["prefill-chunk"].as<int64_t>();
  cfg.validate();
  check_lengths_fit_memory(read_checkpoint_config(vm["model"].as<std::string>()), cfg.lengths,
                           /*all_logits=*/false, "--lengths");
  const std::string out = vm["out"].as<std::string>(), run = vm["run"].as<std::string>();
  const bool overwrite = vm["overwrite"].as<bool>();
  const OutputLock lock(out);  // one writer per file (passkey and ppl share eval.h5)
  check_eval_run_writable(out, run, "passkey", overwrite);
  if (vm.count("csv")) check_output_path(vm["csv"].as<std::string>(), overwrite);

  auto model = load_model_from_options(vm);
  const auto tok = open_model_tokenizer(vm["model"].as<std::string>(), model->config.vocab_size, "passkey");
  const ProgressLine progress("trials", 2);
  const auto r = ropelab::run_passkey(model, tok, cfg, [&](int64_t done, int64_t total) {
    progress.print("trials ", done, total, double(done));
  });
  ProgressLine::finish();
  write_passkey_run(out, run, eval_run_info(vm, model), r, overwrite);
  const std::string csv = passkey_csv(r);
  if (vm.count("csv")) write_text_file_atomic(vm["csv"].as<std::string>(), csv);
  std::cout << csv;
  std::cerr << "wrote " << out << ":/eval/" << run << "/passkey"
            << (vm.count("csv") ? " and " + vm["csv"].as<std::string>() : "") << "\n";
  return 0;
}

}  // namespace ropelab::cli
