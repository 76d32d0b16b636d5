// `ropelab generate`: streamed text generation with the KV cache.
#include <torch/torch.h>

#include <iostream>

#include "core/eval/generate.h"
#include "core/text/chat_template.h"
#include "core/text/tokenizer.h"
#include "core/util/error.h"
#include "experiments/commands.h"

namespace ropelab::cli {

int run_generate(const Args& args) {
  po::options_description d = model_command_options("ropelab generate");
  d.add_options()("prompt", po::value<std::string>(), "prompt text (needs tokenizer.model)")(
      "tokens-file", po::value<std::string>(), "prompt as whitespace-separated token ids instead of text")(
      "chat", po::bool_switch(), "wrap the prompt in the LLaMA-2 chat template")(
      "system", po::value<std::string>()->default_value(""), "system prompt for --chat")(
      "max-new-tokens", po::value<int64_t>()->default_value(64), "tokens to generate at most")(
      "temperature", po::value<double>()->default_value(0.0), "0 = greedy")(
      "top-p", po::value<double>()->default_value(1.0), "nucleus sampling mass")(
      "seed", po::value<uint64_t>()->default_value(0), "sampling seed");
  const auto vm = parse_command("ropelab generate --model DIR --prompt TEXT [--max-new-tokens N]", d, args);
  check_input(vm.count("prompt") + vm.count("tokens-file") == 1,
              "give exactly one of --prompt or --tokens-file");

  const std::string dir = vm["model"].as<std::string>();
  auto model = load_model_from_options(vm);
  std::unique_ptr<Tokenizer> tok;
  if (vm.count("prompt"))
    tok = std::make_unique<Tokenizer>(open_model_tokenizer(dir, model->config.vocab_size, "--prompt"));

  std::vector<int64_t> prompt;
  if (tok) {
    std::string text = vm["prompt"].as<std::string>();
    if (vm["chat"].as<bool>()) text = llama2_prompt_text(text, vm["system"].as<std::string>());
    prompt = tok->encode(text, /*bos=*/true);
  } else {
    prompt = read_token_file(vm["tokens-file"].as<std::string>());
    check_token_ids(prompt, model->config.vocab_size, vm["tokens-file"].as<std::string>());
  }
  GenerateOptions go;
  go.max_new_tokens = vm["max-new-tokens"].as<int64_t>();
  go.temperature = vm["temperature"].as<double>();
  go.top_p = vm["top-p"].as<double>();
  go.seed = vm["seed"].as<uint64_t>();
  if (model->config.eos_token_id) go.stop_ids.push_back(*model->config.eos_token_id);

  std::vector<int64_t> so_far;
  std::string printed;
  auto t0 = std::chrono::steady_clock::now();
  auto out = generate(model, prompt, go, [&](int64_t id) {
    if (tok) {  // decode the whole suffix so multi-byte pieces print correctly
      so_far.push_back(id);
      std::string text = tok->decode(so_far);
      if (text.size() > printed.size() && text.compare(0, printed.size(), printed) == 0) {
        std::cout << text.substr(printed.size()) << std::flush;
        printed = text;
      }
    } else {
      std::cout << id << " " << std::flush;
    }
  });
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "\n";
  std::cerr << "[" << prompt.size() << " prompt tokens, " << out.size() << " new tokens, "
            << (secs > 0 ? double(out.size()) / secs : 0.0) << " tokens/s]\n";
  return 0;
}

}  // namespace ropelab::cli
