// `ropelab pretrain`: causal-LM pre-training of a (tiny) model from documents — the same trainer
// as `finetune`, with every token a target. Used by the miniature study to make a base model
// that works inside its window c before it is extended.
//
//   ropelab init --config tiny --tokenizer tok.model --out init
//   ropelab pretrain --model init --data pretrain.jsonl --window 256 --steps 1500
//       --global-batch 16 --lr 1e-3 --warmup 100 --out base
#include <iostream>

#include "core/io/documents.h"
#include "core/text/tokenizer.h"
#include "core/train/pretrain_examples.h"
#include "core/util/error.h"
#include "experiments/commands.h"
#include "experiments/train_cli.h"

namespace ropelab::cli {

int run_pretrain(const Args& args) {
  po::options_description d = model_command_options("ropelab pretrain");
  add_train_options(d);
  d.add_options()("data", po::value<std::string>()->required(),
                  "documents: JSONL with \"text\" or plain text")(
      "window", po::value<int64_t>()->default_value(0),
      "tokens per training sequence (0 = the model's window)");
  po::variables_map vm;
  const TrainStart start = start_training_command(
      "pretrain", "ropelab pretrain --model DIR --data FILE --out DIR [options]", d, args, vm);
  if (start.exit_code) return *start.exit_code;
  const bool main_rank = start.main_rank();
  train_config_from(vm).validate(start.dist.world_size);

  auto model = load_model_from_options(vm, main_rank);
  int64_t window = vm["window"].as<int64_t>();
  if (window == 0) window = model->config.max_position_embeddings;
  check_input(window >= 2, "--window (", window, ") must be >= 2");
  const std::string data = vm["data"].as<std::string>();
  auto docs = read_documents(data);
  const Tokenizer tok =
      open_model_tokenizer(vm["model"].as<std::string>(), model->config.vocab_size, "pretrain");
  auto examples = pack_documents(docs, tok, window);
  int64_t tokens = 0;
  for (const auto& e : examples) tokens += int64_t(e.ids.size());
  if (main_rank)
    std::cerr << "data " << data << ": " << docs.size() << " documents -> " << examples.size()
              << " sequences of <= " << window << " tokens (" << tokens << " tokens)\n";
  TrainJob job{"pretrain",
               std::move(examples),
               data,
               {{"documents", int64_t(docs.size())}, {"window", window}, {"tokens", tokens}}};
  return run_train_job(vm, model, std::move(job));
}

}  // namespace ropelab::cli
