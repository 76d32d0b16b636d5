// `ropelab entropy`: attention entropy per (layer, head, position) averaged over documents, one
// HDF5 run (schema kind entropy, analysis/hdf5-schema.md) per sequence length.
//
// Documents come from --data (JSON Lines with `text`, or blank-line separated plain text), are
// tokenized with BOS, shuffled by --seed, cut to the first T tokens; shorter ones are skipped and
// counted (attribute skipped_docs). --tokens-file gives one sequence of ids instead (no tokenizer;
// --save-logits stores its logits for exact comparisons). Run names: NAME for one length,
// NAME@T for each of several. Every run is checked writable before any compute starts.
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "core/instrument/entropy_recorder.h"
#include "core/instrument/entropy_writer.h"
#include "core/io/documents.h"
#include "core/model/checkpoint.h"
#include "core/output/output_file.h"
#include "core/plan/memory_plan.h"
#include "core/rope/trained_window.h"
#include "core/text/tokenizer.h"
#include "core/util/dtype.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/output_lock.h"
#include "core/util/progress.h"
#include "experiments/commands.h"
#include "experiments/eval_cli.h"

namespace ropelab::cli {

namespace {

std::string method_name(const RopeSpec& r) { return r.method_label(); }

// Probe spec "last,4095" -> absolute positions for length T (positions >= T are an error).
std::vector<int64_t> resolve_probes(const std::string& spec, int64_t T) {
  std::vector<int64_t> out;
  if (spec.empty()) return out;
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item == "last") {
      out.push_back(T - 1);
      continue;
    }
    auto v = parse_int_list(item, "--probe-positions");
    check_input(v.size() == 1 && v[0] >= 0 && v[0] < T, "--probe-positions: '", item,
                "' must be 'last' or a position in [0, ", T, ") for length ", T);
    out.push_back(v[0]);
  }
  return out;
}

}  // namespace

int run_entropy(const Args& args) {
  po::options_description d = model_command_options("ropelab entropy");
  d.add_options()("data", po::value<std::string>(),
                  "JSONL with a \"text\" field, or plain text (blank-line separated)")(
      "tokens-file", po::value<std::string>(),
      "one sequence of whitespace-separated token ids instead of --data")(
      "lengths", po::value<std::string>(),
      "sequence lengths, e.g. 1024,2048 (default with --tokens-file: its length)")(
      "max-docs", po::value<int64_t>()->default_value(128), "documents per length at most")(
      "layers", po::value<std::string>(), "layers to record, e.g. 0,1,5 (default: all)")(
      "seed", po::value<int64_t>()->default_value(0), "document order")(
      "keep-docs", po::bool_switch(), "store every document's entropy (dataset docs)")(
      "probe-positions", po::value<std::string>()->default_value(""),
      "query positions whose mean attention row to store: last,4095")(
      "save-logits", po::bool_switch(), "store logits [position, vocab] (with --tokens-file)")(
      "out", po::value<std::string>()->required(), "output HDF5 file (runs are added to it)")(
      "run", po::value<std::string>()->required(), "run name (NAME@T per length when several)")(
      "overwrite", po::bool_switch(), "replace existing runs of the same name");
  const auto vm = parse_command(
      "ropelab entropy --model DIR (--data FILE | --tokens-file FILE) --lengths 1024,2048 --out "
      "FILE.h5 --run NAME",
      d, args);
  check_input(vm.count("data") + vm.count("tokens-file") == 1, "give exactly one of --data or --tokens-file");
  const bool from_tokens = vm.count("tokens-file") > 0;
  const bool save_logits = vm["save-logits"].as<bool>();
  check_input(!save_logits || from_tokens, "--save-logits needs --tokens-file (one sequence)");
  const int64_t max_docs = vm["max-docs"].as<int64_t>();
  check_input(max_docs >= 1, "--max-docs (", max_docs, ") must be >= 1");
  const std::string out = vm["out"].as<std::string>(), run = vm["run"].as<std::string>();
  const bool overwrite = vm["overwrite"].as<bool>();
  const std::string dir = vm["model"].as<std::string>();
  const std::string data_path =
      from_tokens ? vm["tokens-file"].as<std::string>() : vm["data"].as<std::string>();

  std::vector<int64_t> token_seq;
  std::vector<std::string> docs;
  if (from_tokens)
    token_seq = read_token_file(data_path);
  else
    docs = read_documents(data_path);

  std::vector<int64_t> lengths;
  if (vm.count("lengths"))
    lengths = parse_int_list(vm["lengths"].as<std::string>(), "--lengths");
  else if (from_tokens)
    lengths = {int64_t(token_seq.size())};
  check_input(!lengths.empty(), "--lengths is required with --data");
  for (int64_t T : lengths) {
    check_input(T >= 1, "--lengths: ", T, " must be >= 1");
    check_input(!from_tokens || T <= int64_t(token_seq.size()), "--lengths: ", T, " exceeds the ",
                token_seq.size(), " ids of ", data_path);
  }
  check_lengths_fit_memory(read_checkpoint_config(vm["model"].as<std::string>()), lengths,
                           /*all_logits=*/false, "--lengths");
  output::validate_run_name(run, "--run");
  auto run_name = [&](int64_t T) { return lengths.size() == 1 ? run : run + "@" + std::to_string(T); };
  const OutputLock lock(out);  // one writer per file: a second entropy job into it is refused
  for (int64_t T : lengths) check_entropy_run_writable(out, run_name(T), overwrite);

  auto model = load_model_from_options(vm);
  const auto& cfg = model->config;
  std::unique_ptr<Tokenizer> tok;
  if (!from_tokens) tok = std::make_unique<Tokenizer>(open_model_tokenizer(dir, cfg.vocab_size, "--data"));
  check_token_ids(token_seq, cfg.vocab_size, data_path);
  std::vector<int64_t> layers;
  if (vm.count("layers")) layers = parse_int_list(vm["layers"].as<std::string>(), "--layers");

  EntropyRunInfo info;
  info.method = method_name(cfg.rope);
  info.rope_json = cfg.rope.to_json().dump();
  info.model_json = cfg.to_json().dump();
  info.model_path = dir;
  info.data_path = data_path;
  info.data_sha256 = sha256_file(data_path);
  info.dtype = dtype_cli_name(model->dtype());
  info.command_line = command_line();
  info.config_json = options_json(vm).dump();
  info.trained_window = trained_window(cfg.rope);
  info.seed = vm["seed"].as<int64_t>();

  // Tokenize lazily in shuffled order; each document is tokenized once for all lengths.
  const auto order = shuffled_order(from_tokens ? 1 : docs.size(), uint64_t(info.seed));
  std::vector<std::vector<int64_t>> tokenized(order.size());
  std::vector<bool> done(order.size(), false);
  auto tokens_of = [&](size_t i) -> const std::vector<int64_t>& {
    if (from_tokens) return token_seq;
    if (!done[i]) {
      tokenized[i] = tok->encode(docs[i], /*add_bos=*/true);
      done[i] = true;
    }
    return tokenized[i];
  };

  torch::NoGradGuard ng;
  for (int64_t T : lengths) {
    EntropyRecorderOptions ro;
    ro.num_layers = cfg.num_hidden_layers;
    ro.num_heads = cfg.num_attention_heads;
    ro.seq_len = T;
    ro.layers = layers;
    ro.keep_docs = vm["keep-docs"].as<bool>();
    ro.probe_positions = resolve_probes(vm["probe-positions"].as<std::string>(), T);
    EntropyRecorder rec(ro);
    ObserverList obs{&rec};
    ForwardOptions fo;
    fo.observers = &obs;
    auto positions = torch::arange(T, torch::kLong);
    torch::Tensor logits;
    int64_t skipped = 0;
    const ProgressLine progress("tokens");
    for (size_t k = 0; k < order.size() && rec.n_docs() < max_docs; ++k) {
      const auto& ids = tokens_of(order[k]);
      if (int64_t(ids.size()) < T) {
        ++skipped;
        continue;
      }
      auto x = torch::tensor(std::vector<int64_t>(ids.begin(), ids.begin() + T), torch::kLong).view({1, T});
      if (save_logits)
        logits = model->forward(x, positions, fo).squeeze(0).to(torch::kCPU, torch::kFloat32);
      else
        model->hidden_states(x, positions, fo);
      rec.end_batch(1);
      const int64_t n = rec.n_docs(), target = std::min<int64_t>(max_docs, int64_t(order.size()));
      progress.print("[T=" + std::to_string(T) + "] docs ", n, target, double(n * T),
                     ", skipped " + std::to_string(skipped));
    }
    ProgressLine::finish();
    check_input(rec.n_docs() > 0, data_path, ": no document has ", T, " tokens or more (", skipped,
                " shorter ones skipped); lower --lengths");
    info.seq_len = T;
    info.skipped_docs = skipped;
    write_entropy_run(out, run_name(T), info, rec, logits, EntropyWriteOptions{overwrite, false});
    std::cerr << "wrote " << out << ":/runs/" << run_name(T) << " (" << rec.n_docs() << " documents, "
              << skipped << " skipped as shorter than " << T << ")\n";
  }
  return 0;
}

}  // namespace ropelab::cli
