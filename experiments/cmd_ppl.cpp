// `ropelab ppl`: sliding-window perplexity per length (core/eval/perplexity.h) into
// FILE.h5:/eval/<run>/ppl and an optional CSV.
//
// Documents (read_documents: JSONL `text` or blank-line separated text) are tokenised with BOS
// each and concatenated in file order into one stream (--max-docs first documents); windows are
// cut from that stream, so a window may span document boundaries (each marked by its BOS). The
// trained window is the RoPE's original_max_position_embeddings (= max_position_embeddings unless
// the checkpoint's rope_scaling says otherwise), overridable with --trained-window.
#include <torch/torch.h>

#include <chrono>
#include <iomanip>
#include <iostream>

#include "core/eval/eval_output.h"
#include "core/eval/perplexity.h"
#include "core/io/documents.h"
#include "core/model/checkpoint.h"
#include "core/plan/memory_plan.h"
#include "core/rope/trained_window.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/output_lock.h"
#include "core/util/progress.h"
#include "experiments/commands.h"
#include "experiments/eval_cli.h"

namespace ropelab::cli {

int run_ppl(const Args& args) {
  po::options_description d = model_command_options("ropelab ppl");
  d.add_options()("data", po::value<std::string>()->required(),
                  "JSONL with \"text\", or plain text (blank-line separated)")(
      "lengths", po::value<std::string>()->required(), "window lengths T, e.g. 256,512,1024")(
      "stride", po::value<int64_t>()->default_value(0), "window start step (0 = T: non-overlapping)")(
      "max-docs", po::value<int64_t>()->default_value(0), "first N documents (0 = all)")(
      "max-windows", po::value<int64_t>()->default_value(0), "windows per length at most (0 = all)")(
      "trained-window", po::value<int64_t>()->default_value(0),
      "positions counted as inside (0 = the model's original window)");
  add_eval_run_options(d, "ppl", "the per-length table");
  const auto vm = parse_command(
      "ropelab ppl --model DIR --data FILE --lengths 256,512 [--stride S] [--max-docs N] --out FILE.h5 "
      "[--run NAME] [--csv FILE]",
      d, args);
  PplConfig cfg;
  cfg.lengths = parse_int_list(vm["lengths"].as<std::string>(), "--lengths");
  cfg.stride = vm["stride"].as<int64_t>();
  cfg.max_windows = vm["max-windows"].as<int64_t>();
  const int64_t max_docs = vm["max-docs"].as<int64_t>();
  check_input(max_docs >= 0, "--max-docs (", max_docs, ") must be >= 0 (0 = all)");
  check_input(vm["trained-window"].as<int64_t>() >= 0, "--trained-window (",
              vm["trained-window"].as<int64_t>(), ") must be >= 0");
  cfg.trained_window = 1;  // validated again once the model is known
  cfg.validate();
  check_lengths_fit_memory(read_checkpoint_config(vm["model"].as<std::string>()), cfg.lengths,
                           /*all_logits=*/true, "--lengths");
  const std::string out = vm["out"].as<std::string>(), run = vm["run"].as<std::string>();
  const bool overwrite = vm["overwrite"].as<bool>();
  const OutputLock lock(out);  // one writer per file (passkey and ppl share eval.h5)
  check_eval_run_writable(out, run, "ppl", overwrite);
  if (vm.count("csv")) check_output_path(vm["csv"].as<std::string>(), overwrite);

  const std::string data_path = vm["data"].as<std::string>();
  auto docs = read_documents(data_path);
  if (max_docs > 0 && int64_t(docs.size()) > max_docs) docs.resize(size_t(max_docs));
  auto model = load_model_from_options(vm);
  const auto tok = open_model_tokenizer(vm["model"].as<std::string>(), model->config.vocab_size, "ppl");
  cfg.trained_window = vm["trained-window"].as<int64_t>() > 0 ? vm["trained-window"].as<int64_t>()
                                                              : trained_window(model->config.rope);
  std::vector<int64_t> stream;
  for (const auto& doc : docs) {
    const auto ids = tok.encode(doc, /*add_bos=*/true);
    stream.insert(stream.end(), ids.begin(), ids.end());
  }
  std::cerr << data_path << ": " << docs.size() << " documents, " << stream.size()
            << " tokens; trained window " << cfg.trained_window << "\n";

  PplRunData data;
  data.trained_window = cfg.trained_window;
  data.stride = cfg.stride;
  data.data_path = data_path;
  data.data_sha256 = sha256_file(data_path);
  data.n_docs = int64_t(docs.size());
  data.n_tokens = int64_t(stream.size());
  for (int64_t T : cfg.lengths) {
    const ProgressLine progress("tokens");
    data.results.push_back(perplexity_at_length(model, stream, T, cfg, [&](int64_t done, int64_t total) {
      progress.print("[T=" + std::to_string(T) + "] windows ", done, total, double(done * T));
    }));
    ProgressLine::finish();
  }
  write_ppl_run(out, run, eval_run_info(vm, model), data, overwrite);
  const std::string csv = ppl_csv(data);
  if (vm.count("csv")) write_text_file_atomic(vm["csv"].as<std::string>(), csv);
  std::cout << csv;
  std::cerr << "wrote " << out << ":/eval/" << run << "/ppl"
            << (vm.count("csv") ? " and " + vm["csv"].as<std::string>() : "") << "\n";
  return 0;
}

}  // namespace ropelab::cli
