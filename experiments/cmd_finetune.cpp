// `ropelab finetune`: the paper's supervised fine-tuning (method.md §4) — ShareGPT conversations,
// LLaMA-2 chat format, loss on assistant tokens, AdamW + cosine, optional data parallelism.
//
//   ropelab finetune --model base --data sharegpt.json --out extended --rope eabf
//       --samples 100 --epochs 2 --global-batch 32 --lr 2e-5 --max-length 16384
#include <iostream>

#include "core/model/checkpoint.h"
#include "core/text/tokenizer.h"
#include "core/train/sft_examples.h"
#include "core/train/sharegpt.h"
#include "core/util/error.h"
#include "experiments/commands.h"
#include "experiments/field_flags.h"
#include "experiments/train_cli.h"

namespace ropelab::cli {

int run_finetune(const Args& args) {
  po::options_description d = model_command_options("ropelab finetune");
  add_train_options(d);
  d.add_options()("data", po::value<std::string>()->required(),
                  "ShareGPT conversations (JSON array or JSONL)")(
      "samples", po::value<int64_t>()->default_value(0), "draw N training chunks by --seed (0 = all)")(
      "max-length", po::value<int64_t>()->default_value(16384),
      "tokens per chunk; longer conversations split at turns")(
      "min-tokens", po::value<int64_t>()->default_value(0),
      "drop conversations shorter than this (paper: 10000)");
  po::variables_map vm;
  const TrainStart start = start_training_command(
      "finetune", "ropelab finetune --model DIR --data FILE --out DIR [options]", d, args, vm);
  if (start.exit_code) return *start.exit_code;
  const bool main_rank = start.main_rank();

  SftDataConfig dc;
  dc.max_length = vm["max-length"].as<int64_t>();
  dc.min_tokens = vm["min-tokens"].as<int64_t>();
  dc.samples = vm["samples"].as<int64_t>();
  dc.seed = vm["seed"].as<uint64_t>();
  dc.validate();
  train_config_from(vm).validate(start.dist.world_size);

  const std::string data = vm["data"].as<std::string>();
  ShareGptStats rs;
  auto convs = read_sharegpt(data, rs);
  const Tokenizer tok =
      open_model_tokenizer(vm["model"].as<std::string>(),
                           read_checkpoint_config(vm["model"].as<std::string>()).vocab_size, "finetune");
  SftDataStats ss;
  auto examples = build_sft_examples(convs, tok, dc, ss);
  if (main_rank)
    std::cerr << "data " << data << ": " << rs.summary() << "\n"
              << "examples: " << flag_message(ss.summary()) << "\n";

  auto model = load_model_from_options(vm, main_rank);
  TrainJob job{"finetune",
               std::move(examples),
               data,
               {{"records", rs.summary()},
                {"examples", flag_message(ss.summary())},
                {"max_length", dc.max_length},
                {"min_tokens", dc.min_tokens},
                {"samples", dc.samples}}};
  return run_train_job(vm, model, std::move(job));
}

}  // namespace ropelab::cli
