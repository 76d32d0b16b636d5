// `ropelab info`: config, parameter count, dtype and the tensors of a model directory.
#include <torch/torch.h>

#include <iomanip>
#include <iostream>

#include "core/model/checkpoint.h"
#include "experiments/commands.h"

namespace ropelab::cli {

int run_info(const Args& args) {
  po::options_description d = model_command_options("ropelab info");
  d.add_options()("tensors", po::value<bool>()->default_value(true), "list every tensor");
  const auto vm = parse_command("ropelab info --model DIR", d, args);
  auto model = load_model_from_options(vm, /*verbose=*/false);
  const auto& c = model->config;
  std::cout << "model:       " << vm["model"].as<std::string>() << "\n"
            << "parameters:  " << model->num_parameters() << "\n"
            << "layers:      " << c.num_hidden_layers << "\n"
            << "hidden:      " << c.hidden_size << " (intermediate " << c.intermediate_size << ")\n"
            << "heads:       " << c.num_attention_heads << " query, " << c.num_key_value_heads
            << " key/value (head dim " << c.head_dim() << ")\n"
            << "vocab:       " << c.vocab_size << (c.tie_word_embeddings ? " (tied lm_head)" : "") << "\n"
            << "window:      " << c.max_position_embeddings << "\n"
            << "stored:      " << c.torch_dtype << "; compute " << c10::toString(model->dtype()) << " on "
            << model->device().str() << "\n"
            << "rope:        " << c.rope.to_json().dump() << "\n";
  if (vm["tensors"].as<bool>()) {
    std::cout << "tensors:\n";
    for (const auto& p : model->named_parameters())
      std::cout << "  " << std::left << std::setw(52) << p.key() << " " << p.value().sizes() << "\n";
  }
  return 0;
}

}  // namespace ropelab::cli
