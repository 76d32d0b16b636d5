// ropelab: one binary, one subcommand per file. main() only dispatches and maps errors to exit
// codes: 2 for bad input (InputError, option errors), 1 for anything else.
#include <ATen/Parallel.h>
#include <c10/util/Exception.h>

#include <cstring>
#include <iostream>
#include <map>
#include <thread>

#include "core/util/error.h"
#include "core/util/threads.h"
#include "core/util/version.h"
#include "experiments/bench_memory.h"
#include "experiments/commands.h"
#include "experiments/field_flags.h"

namespace {

struct Command {
  int (*run)(const ropelab::cli::Args&);
  const char* summary;
};

const std::map<std::string, Command>& commands() {
  using namespace ropelab::cli;
  static const std::map<std::string, Command> table = {
      {"init", {run_init, "create a randomly initialised model directory"}},
      {"info", {run_info, "print a model's config, parameter count, dtype and tensors"}},
      {"generate", {run_generate, "generate text (greedy, temperature, top-p), streamed"}},
      {"tokenizer", {run_tokenizer, "train | encode | decode | chat with a SentencePiece model"}},
      {"forward",
       {run_forward, "one token sequence through the model -> logits, logit scale, inv_freq (HDF5)"}},
      {"rope", {run_rope, "rope show: what a RoPE method does to every frequency pair"}},
      {"entropy", {run_entropy, "attention entropy per layer, head and position over documents (HDF5)"}},
      {"finetune",
       {run_finetune, "supervised fine-tuning on ShareGPT conversations (resumable, data parallel)"}},
      {"pretrain", {run_pretrain, "causal-LM pre-training from documents (same trainer as finetune)"}},
      {"plan",
       {run_plan, "training memory per rank: weights, optimizer state, gradients, activations; fits?"}},
      {"bench", {run_bench, "benchmarks: bench forward | entropy | train | hf"}},
      {"data", {run_data, "data split | pretrain | conversations | longbench: synthetic data (mini study)"}},
      {"longbench",
       {run_longbench,
        "longbench run | merge | score: predictions (resumable, sharded) and the official scorer"}},
      {"passkey", {run_passkey, "passkey retrieval accuracy per length x depth (HDF5, CSV)"}},
      {"ppl",
       {run_ppl, "sliding-window perplexity, inside / beyond the trained window, per position (HDF5, CSV)"}},
      {"sweep", {run_sweep, "LongBench (+ passkey) of one model at several context windows"}},
      {"report",
       {run_report,
        "report longbench | entropy | ruler: tables from result.json / entropy / RULER summaries"}},
      {"ruler",
       {run_ruler,
        "ruler run | merge | score: RULER predictions (resumable, sharded) and evaluate.py's scorer"}},
  };
  return table;
}

void usage(std::ostream& os) {
  os << "usage: ropelab <command> [options]   (ropelab <command> --help for options)\n\ncommands:\n";
  for (const auto& [name, c] : commands())
    os << "  " << name << std::string(12 - name.size(), ' ') << c.summary << "\n";
  os << "\n  --version   toolkit, git SHA, LibTorch, CUDA, BLAS, threads\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) line += (i ? " " : "") + std::string(argv[i]);
  ropelab::cli::set_command_line(line);
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  // LibTorch starts with one thread here; default to all cores (--threads overrides).
  ropelab::set_compute_threads(int(std::max(1u, std::thread::hardware_concurrency())));
  ropelab::tune_malloc_for_tensors();
  if (!std::strcmp(argv[1], "--version")) {
    std::cout << ropelab::version_text();
    return 0;
  }
  auto it = commands().find(argv[1]);
  if (it == commands().end()) {
    std::cerr << "ropelab: unknown command '" << argv[1] << "'\n";
    usage(std::cerr);
    return 2;
  }
  ropelab::cli::Args args(argv + 2, argv + argc);
  try {
    return it->second.run(args);
  } catch (const ropelab::cli::HelpShown&) {
    return 0;  // --help printed the command's options
  } catch (const ropelab::InputError& e) {
    std::cerr << "ropelab " << argv[1] << ": error: " << ropelab::cli::flag_message(e.what()) << "\n";
    return 2;
  } catch (const c10::Error& e) {
    std::cerr << "ropelab " << argv[1] << ": internal error: " << e.what_without_backtrace() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ropelab " << argv[1] << ": error: " << ropelab::cli::flag_message(e.what()) << "\n";
    return 1;
  }
}
