// `ropelab tokenizer train|encode|decode|chat`.
#include <filesystem>
#include <iostream>
#include <sstream>

#include "core/io/documents.h"
#include "core/text/tokenizer.h"
#include "core/train/sharegpt.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/numbers.h"
#include "experiments/commands.h"

namespace ropelab::cli {

namespace {

int train(const Args& args) {
  po::options_description d("ropelab tokenizer train");
  add_common_options(d);
  d.add_options()("input", po::value<std::vector<std::string>>()->multitoken()->required(),
                  "text files (one sentence per line) or JSON Lines with a \"text\" field (*.jsonl)")(
      "out", po::value<std::string>()->required(), "output path, e.g. DIR/tokenizer.model")(
      "vocab-size", po::value<int>()->default_value(2048), "vocabulary size")(
      "model-type", po::value<std::string>()->default_value("bpe"), "bpe or unigram")(
      "overwrite", po::bool_switch(), "replace an existing model file");
  const auto vm = parse_command("ropelab tokenizer train --input FILE... --out DIR/tokenizer.model", d, args);
  TokenizerTrainOptions o;
  o.inputs = vm["input"].as<std::vector<std::string>>();
  o.output_model = vm["out"].as<std::string>();
  o.vocab_size = vm["vocab-size"].as<int>();
  o.model_type = vm["model-type"].as<std::string>();
  o.threads = vm["threads"].as<int>();
  check_output_path(o.output_model, vm["overwrite"].as<bool>());
  auto parent = std::filesystem::path(o.output_model).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  // SentencePiece reads plain text: JSON Lines documents are written out as lines first.
  std::vector<std::filesystem::path> converted;
  for (auto& in : o.inputs) {
    if (std::filesystem::path(in).extension() != ".jsonl") continue;
    std::string text;
    for (const auto& doc : read_documents(in)) text += doc + "\n";
    converted.push_back(std::filesystem::path(o.output_model).string() + ".input-" +
                        std::to_string(converted.size()) + ".txt");
    write_text_file_atomic(converted.back(), text);
    in = converted.back().string();
  }
  try {
    train_tokenizer(o);
  } catch (...) {
    for (const auto& c : converted) std::filesystem::remove(c);
    throw;
  }
  for (const auto& c : converted) std::filesystem::remove(c);
  Tokenizer tok(o.output_model);
  std::cout << "trained " << o.output_model << ": " << tok.vocab_size() << " pieces (bos " << tok.bos_id()
            << ", eos " << tok.eos_id() << ")\n";
  return 0;
}

Tokenizer open_tokenizer_or_model(const po::variables_map& vm) {
  check_input(vm.count("tokenizer") + vm.count("model") == 1,
              "give exactly one of --tokenizer FILE or --model DIR");
  if (vm.count("tokenizer")) return Tokenizer(vm["tokenizer"].as<std::string>());
  return Tokenizer(tokenizer_path_in(vm["model"].as<std::string>(), "tokenizer"));
}

int encode(const Args& args) {
  po::options_description d("ropelab tokenizer encode");
  add_common_options(d);
  d.add_options()("tokenizer", po::value<std::string>(), "tokenizer.model")(
      "model", po::value<std::string>(), "model directory with tokenizer.model")(
      "text", po::value<std::string>(), "text to encode (default: standard input)")(
      "bos", po::bool_switch(), "prepend BOS")("eos", po::bool_switch(), "append EOS")(
      "pieces", po::bool_switch(), "print pieces instead of ids");
  const auto vm = parse_command("ropelab tokenizer encode --tokenizer FILE --text TEXT", d, args);
  auto tok = open_tokenizer_or_model(vm);
  std::string text;
  if (vm.count("text")) {
    text = vm["text"].as<std::string>();
  } else {
    std::ostringstream os;
    os << std::cin.rdbuf();
    text = os.str();
  }
  auto ids = tok.encode(text, vm["bos"].as<bool>(), vm["eos"].as<bool>());
  for (size_t i = 0; i < ids.size(); ++i)
    std::cout << (i ? " " : "") << (vm["pieces"].as<bool>() ? tok.piece(ids[i]) : std::to_string(ids[i]));
  std::cout << "\n";
  return 0;
}

int decode(const Args& args) {
  po::options_description d("ropelab tokenizer decode");
  add_common_options(d);
  d.add_options()("tokenizer", po::value<std::string>(), "tokenizer.model")(
      "model", po::value<std::string>(), "model directory with tokenizer.model")(
      "ids", po::value<std::string>(), "whitespace-separated ids (default: standard input)");
  const auto vm = parse_command("ropelab tokenizer decode --tokenizer FILE --ids '1 2 3'", d, args);
  auto tok = open_tokenizer_or_model(vm);
  std::string text;
  if (vm.count("ids")) {
    text = vm["ids"].as<std::string>();
  } else {
    std::ostringstream os;
    os << std::cin.rdbuf();
    text = os.str();
  }
  std::istringstream in(text);
  std::vector<int64_t> ids;
  std::string t;
  while (in >> t) {
    const auto v = parse_int64(t);
    check_input(v.has_value(), "--ids: '", t, "' is not an integer token id");
    ids.push_back(*v);
  }
  std::cout << tok.decode(ids) << "\n";
  return 0;
}

// The token ids fine-tuning trains on: each ShareGPT conversation in the LLaMA-2 chat format
// (core/text/chat_template.h), one JSON line {"id", "ids", "assistant"} per conversation, where
// "assistant" is the loss mask (1 = an answer token or its EOS). For comparisons with other
// implementations of the template (tests/interop/test_tokenizer_chat.py).
int chat(const Args& args) {
  po::options_description d("ropelab tokenizer chat");
  add_common_options(d);
  d.add_options()("tokenizer", po::value<std::string>(), "tokenizer.model")(
      "model", po::value<std::string>(), "model directory with tokenizer.model")(
      "data", po::value<std::string>()->required(), "ShareGPT conversations (JSON array or JSON Lines)");
  const auto vm = parse_command("ropelab tokenizer chat --tokenizer FILE --data sharegpt.json", d, args);
  auto tok = open_tokenizer_or_model(vm);
  ShareGptStats stats;
  for (const auto& c : read_sharegpt(vm["data"].as<std::string>(), stats)) {
    auto t = llama2_chat_tokens(tok, c.turns, c.system);
    std::cout << nlohmann::json{{"id", c.id}, {"ids", t.ids}, {"assistant", t.is_assistant}}.dump() << "\n";
  }
  std::cerr << stats.summary() << "\n";
  return 0;
}

}  // namespace

int run_tokenizer(const Args& args) {
  return dispatch_action("tokenizer", args,
                         {{"train", train}, {"encode", encode}, {"decode", decode}, {"chat", chat}});
}

}  // namespace ropelab::cli
