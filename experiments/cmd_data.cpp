// `ropelab data split|pretrain|conversations|longbench`: the synthetic data of the miniature
// study (see core/data/). Every action is deterministic given --seed, prints what it resolved,
// writes atomically and refuses to replace existing outputs without --overwrite.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <tuple>

#include "core/data/conversations.h"
#include "core/data/longbench_suite.h"
#include "core/data/pretrain_docs.h"
#include "core/data/ruler_tasks.h"
#include "core/data/split.h"
#include "core/eval/ruler/tasks.h"
#include "core/io/documents.h"
#include "core/text/tokenizer.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "experiments/commands.h"

namespace ropelab::cli {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void add_seed_overwrite(po::options_description& d) {
  d.add_options()("seed", po::value<uint64_t>()->default_value(0),
                  "random seed (same seed -> identical files)")("overwrite", po::bool_switch(),
                                                                "replace existing outputs");
}

// The options of a generator that sizes text with a tokenizer and fills with documents.
po::options_description tokenized_data_options(const std::string& title) {
  po::options_description d(title);
  add_common_options(d);
  d.add_options()("tokenizer", po::value<std::string>()->required(),
                  "SentencePiece tokenizer.model (measures lengths)")(
      "docs", po::value<std::string>()->required(),
      "filler documents (JSONL {\"text\"} or blank-line separated)");
  return d;
}

Tokenizer open_tokenizer_option(const po::variables_map& vm) {
  const auto path = vm["tokenizer"].as<std::string>();
  check_input(fs::is_regular_file(path), "--tokenizer ", path, ": file not found");
  return Tokenizer(path);
}

// --tokenizer and --docs of a tokenized_data_options() command, opened.
struct TokenizedInputs {
  Tokenizer tok;
  std::vector<std::string> docs;
};
TokenizedInputs open_tokenized_inputs(const po::variables_map& vm) {
  Tokenizer tok = open_tokenizer_option(vm);
  return {std::move(tok), read_documents(vm["docs"].as<std::string>())};
}

void make_parent(const fs::path& p) {
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
}

std::string token_summary(std::vector<int64_t> v) {
  if (v.empty()) return "none";
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (auto x : v) sum += double(x);
  std::ostringstream os;
  os << "min " << v.front() << ", mean " << std::fixed << std::setprecision(1) << sum / double(v.size())
     << ", max " << v.back();
  return os.str();
}

int split(const Args& args) {
  po::options_description d("ropelab data split");
  add_common_options(d);
  d.add_options()("corpus", po::value<std::string>()->required(), "corpus (blank-line separated or JSONL)")(
      "out", po::value<std::string>()->required(), "output directory")(
      "fractions", po::value<std::string>()->default_value("0.8,0.1,0.1"),
      "pretrain,finetune,eval fractions");
  add_seed_overwrite(d);
  const auto vm = parse_command(
      "ropelab data split --corpus FILE --out DIR [--fractions 0.8,0.1,0.1] [--seed S]", d, args);
  data::SplitConfig cfg;
  cfg.fractions = parse_double_list(vm["fractions"].as<std::string>(), "--fractions");
  cfg.seed = vm["seed"].as<uint64_t>();
  cfg.validate();
  const fs::path out = vm["out"].as<std::string>();
  const bool overwrite = vm["overwrite"].as<bool>();
  static const char* names[] = {"pretrain.jsonl", "finetune.jsonl", "eval.jsonl"};
  for (auto* n : names) check_output_path(out / n, overwrite);
  auto docs = read_documents(vm["corpus"].as<std::string>());
  auto r = data::split_documents(docs, cfg);
  fs::create_directories(out);
  const std::vector<std::string>* sets[] = {&r.pretrain, &r.finetune, &r.eval};
  for (int i = 0; i < 3; ++i) write_text_file_atomic(out / names[i], data::documents_jsonl(*sets[i]));
  std::cout << "split " << docs.size() << " documents (" << r.duplicates_dropped
            << " duplicates dropped), seed " << cfg.seed << ": pretrain " << r.pretrain.size()
            << ", finetune " << r.finetune.size() << ", eval " << r.eval.size() << " -> " << out.string()
            << "/{pretrain,finetune,eval}.jsonl\n";
  return 0;
}

int pretrain(const Args& args) {
  po::options_description d = tokenized_data_options("ropelab data pretrain");
  d.add_options()("window", po::value<int64_t>()->default_value(256),
                  "tokens per document at most (BOS+EOS counted)")("count", po::value<size_t>()->required(),
                                                                   "number of documents")(
      "mix",
      po::value<std::string>()->default_value(
          "text=0.4,passkey=0.2,sdqa=0.1,mdqa=0.1,fewshot=0.1,retrieval=0.1"),
      "share of each kind: text, repeat (text, then part of it again), randrepeat (a random word line "
      "written again and again), randfacts (random key-value facts stated and mentioned again), passkey, "
      "sdqa, mdqa, fewshot, retrieval, kv, recite (sums to 1)")(
      "questions", po::value<int>()->default_value(1),
      "questions answered per task document (passkey: always 1), each answer supervised")(
      "min-fraction", po::value<double>()->default_value(0.5),
      "task documents draw their budget from [min-fraction*window, window]")(
      "chat", po::value<double>()->default_value(0.0),
      "share of task documents written as LLaMA-2 conversations (one turn per question, \"[INST] prompt "
      "[/INST] answer\" or LongBench's \"[INST]prompt[/INST] answer\", turns joined by </s><s> = EOS + BOS), "
      "as a chat model's instruction tuning")("out", po::value<std::string>()->required(),
                                              "output JSON Lines file");
  add_seed_overwrite(d);
  const auto vm = parse_command(
      "ropelab data pretrain --tokenizer T --docs FILE --window 256 --count N --out FILE.jsonl", d, args);
  data::PretrainConfig cfg;
  cfg.window = vm["window"].as<int64_t>();
  cfg.count = vm["count"].as<size_t>();
  cfg.mix = data::parse_mix(vm["mix"].as<std::string>(), "--mix", true);
  cfg.min_fraction = vm["min-fraction"].as<double>();
  cfg.chat = vm["chat"].as<double>();
  cfg.questions = vm["questions"].as<int>();
  cfg.seed = vm["seed"].as<uint64_t>();
  cfg.validate();
  const std::string out = vm["out"].as<std::string>();
  check_output_path(out, vm["overwrite"].as<bool>());
  const auto [tok, docs] = open_tokenized_inputs(vm);
  std::cout << "pretrain data: " << cfg.count << " documents <= " << cfg.window << " tokens, mix "
            << data::mix_to_string(cfg.mix) << ", " << cfg.questions
            << " question(s) per task document, seed " << cfg.seed << ", " << docs.size()
            << " filler documents\n";
  auto t0 = Clock::now();
  auto made = data::make_pretrain_docs(tok, docs, cfg);
  std::map<std::string, std::vector<int64_t>> per;
  std::map<std::string, size_t> answers;
  for (const auto& m : made) {
    per[m.task].push_back(m.tokens);
    answers[m.task] += m.questions;
  }
  make_parent(out);
  write_text_file_atomic(out, data::pretrain_jsonl(made));
  for (const auto& [k, v] : per) {
    std::cout << "  " << std::setw(10) << k << ": " << v.size() << " (tokens " << token_summary(v);
    if (k != "text")
      std::cout << "; questions mean " << std::setprecision(2) << double(answers[k]) / double(v.size());
    std::cout << ")\n";
  }
  std::cout << "wrote " << out << " in " << std::fixed << std::setprecision(1) << seconds_since(t0) << " s\n";
  return 0;
}

int conversations(const Args& args) {
  po::options_description d = tokenized_data_options("ropelab data conversations");
  d.add_options()("length", po::value<int64_t>()->default_value(1024),
                  "tokens per conversation at most, in the LLaMA-2 chat format")(
      "count", po::value<size_t>()->default_value(100), "number of conversations")(
      "turns", po::value<std::string>()->default_value("2-4"),
      "question/answer pairs per conversation: N or MIN-MAX")(
      "mix", po::value<std::string>()->default_value("sdqa=0.25,mdqa=0.25,fewshot=0.25,retrieval=0.25"),
      "share of each task: passkey, sdqa, mdqa, fewshot, retrieval (sums to 1)")(
      "system", po::value<std::string>()->default_value(""), "system prompt (default: none)")(
      "style", po::value<std::string>()->default_value("task"),
      "task (the evaluation templates, short answers) or pasted (a pasted text asked about in other "
      "words, with continue-the-text turns)")(
      "continuations", po::value<int>()->default_value(0),
      "pasted: continue-the-text turns per conversation (answers of 40-70 words)")(
      "out", po::value<std::string>()->required(), "output JSON file (ShareGPT array)");
  add_seed_overwrite(d);
  const auto vm = parse_command(
      "ropelab data conversations --tokenizer T --docs FILE --length 1024 --count 100 --out FILE.json", d,
      args);
  data::ConversationConfig cfg;
  cfg.length = vm["length"].as<int64_t>();
  cfg.count = vm["count"].as<size_t>();
  std::tie(cfg.min_turns, cfg.max_turns) = data::parse_turns(vm["turns"].as<std::string>());
  cfg.mix = data::parse_mix(vm["mix"].as<std::string>(), "--mix", false);
  cfg.system = vm["system"].as<std::string>();
  cfg.style = vm["style"].as<std::string>();
  cfg.continuations = vm["continuations"].as<int>();
  cfg.seed = vm["seed"].as<uint64_t>();
  cfg.validate();
  const std::string out = vm["out"].as<std::string>();
  check_output_path(out, vm["overwrite"].as<bool>());
  const auto [tok, docs] = open_tokenized_inputs(vm);
  std::cout << "conversations (" << cfg.style << "): " << cfg.count << " x <= " << cfg.length
            << " tokens, turns " << cfg.min_turns << "-" << cfg.max_turns << ", mix "
            << data::mix_to_string(cfg.mix) << ", seed " << cfg.seed << "\n";
  auto t0 = Clock::now();
  data::ConversationStats stats;
  auto json = data::make_conversations(tok, docs, cfg, &stats);
  make_parent(out);
  write_text_file_atomic(out, json.dump(1) + "\n");
  int64_t all = 0;
  for (int64_t n : stats.tokens) all += n;
  std::cout << "  tokens per conversation: " << token_summary(stats.tokens) << "; " << stats.turns
            << " question/answer pairs; responses " << stats.response_tokens << " tokens ("
            << std::setprecision(1) << std::fixed
            << 100.0 * double(stats.response_tokens) / double(std::max<int64_t>(1, all)) << " %)\nwrote "
            << out << " in " << std::fixed << std::setprecision(1) << seconds_since(t0) << " s\n";
  return 0;
}

int longbench(const Args& args) {
  po::options_description d = tokenized_data_options("ropelab data longbench");
  d.add_options()("lengths", po::value<std::string>()->default_value("256,512,1024,2048"),
                  "context lengths in tokens")("per-length", po::value<size_t>()->default_value(50),
                                               "instances per length and dataset")(
      "distractors", po::value<int>()->default_value(2),
      "multifieldqa_en: facts of the asked attribute about other people (0-4)")(
      "out", po::value<std::string>()->required(), "output directory");
  add_seed_overwrite(d);
  const auto vm = parse_command(
      "ropelab data longbench --tokenizer T --docs FILE --lengths 256,512,1024,2048 --per-length N "
      "--out DIR",
      d, args);
  data::LongBenchSuiteConfig cfg;
  cfg.lengths = parse_int_list(vm["lengths"].as<std::string>(), "--lengths");
  cfg.per_length = vm["per-length"].as<size_t>();
  cfg.seed = vm["seed"].as<uint64_t>();
  cfg.distractors = vm["distractors"].as<int>();
  cfg.validate();
  AtomicDir dir(vm["out"].as<std::string>(), vm["overwrite"].as<bool>());
  const auto [tok, docs] = open_tokenized_inputs(vm);
  std::cout << "longbench suite: lengths " << vm["lengths"].as<std::string>() << ", " << cfg.per_length
            << " per length and dataset, " << cfg.distractors << " distractor facts in multifieldqa_en, seed "
            << cfg.seed << "\n";
  auto t0 = Clock::now();
  auto files = data::make_longbench_suite(tok, docs, cfg);
  for (const auto& [name, text] : files) write_text_file_atomic(dir.path() / name, text);
  dir.commit();
  for (const auto& ds : data::suite_datasets())
    std::cout << "  " << ds.key << ".jsonl: " << cfg.per_length * cfg.lengths.size() << " instances\n";
  std::cout << "wrote " << dir.target().string() << " in " << std::fixed << std::setprecision(1)
            << seconds_since(t0) << " s\n";
  return 0;
}

int ruler_data(const Args& args) {
  po::options_description d("ropelab data ruler");
  add_common_options(d);
  d.add_options()("tokenizer", po::value<std::string>()->required(),
                  "the model's SentencePiece tokenizer.model (sizes every input)")(
      "docs", po::value<std::string>(),
      "haystack documents for the essay-haystack tasks (JSONL {\"text\"} or blank-line separated; default: "
      "noise "
      "sentences)")("lengths", po::value<std::string>()->default_value("4096"),
                    "max_seq_length of each folder (prompt + tokens_to_generate), comma-separated")(
      "num-samples", po::value<size_t>()->default_value(50), "samples per task and length")(
      "tasks", po::value<std::string>()->default_value("all"),
      "all (the 13 RULER tasks) or a comma-separated list")(
      "tokens-to-generate", po::value<std::string>(),
      "task=N,... or a JSON file: overrides RULER's per-task values (niah 128, vt 30, cwe 120, fwe 50, qa "
      "32)")("chat", po::bool_switch(),
             "wrap inputs in LLaMA-2's [INST] ... [/INST] (RULER's meta-chat template)")(
      "out", po::value<std::string>()->required(), "output directory: <length>/<task>/validation.jsonl");
  add_seed_overwrite(d);
  const auto vm = parse_command(
      "ropelab data ruler --tokenizer T [--docs FILE] --lengths 256,512 --num-samples N --out DIR", d, args);
  data::RulerDataConfig cfg;
  cfg.lengths = parse_int_list(vm["lengths"].as<std::string>(), "--lengths");
  cfg.num_samples = vm["num-samples"].as<size_t>();
  if (vm["tasks"].as<std::string>() != "all")
    cfg.tasks = ruler::parse_task_list(vm["tasks"].as<std::string>(), ruler::TaskTable());
  if (vm.count("tokens-to-generate"))
    cfg.tokens_to_generate = ruler::parse_tokens_to_generate(vm["tokens-to-generate"].as<std::string>());
  cfg.chat = vm["chat"].as<bool>();
  cfg.seed = vm["seed"].as<uint64_t>();
  cfg.validate();
  AtomicDir dir(vm["out"].as<std::string>(), vm["overwrite"].as<bool>());
  auto tok = open_tokenizer_option(vm);
  const auto docs =
      vm.count("docs") ? read_documents(vm["docs"].as<std::string>()) : std::vector<std::string>{};
  std::cout << "ruler data: lengths " << vm["lengths"].as<std::string>() << ", " << cfg.num_samples
            << " samples per task, haystack "
            << (docs.empty() ? "noise sentences" : vm["docs"].as<std::string>()) << ", seed " << cfg.seed
            << "\n";
  auto t0 = Clock::now();
  for (const auto& [name, text] : data::make_ruler_data(tok, docs, cfg)) {
    make_parent(dir.path() / name);
    write_text_file_atomic(dir.path() / name, text);
  }
  dir.commit();
  std::cout << "wrote " << dir.target().string() << " in " << std::fixed << std::setprecision(1)
            << seconds_since(t0) << " s (run with: ropelab ruler run --data-dir " << dir.target().string()
            << "/<length> --tokens-to-generate " << dir.target().string()
            << "/tokens_to_generate.json ...)\n";
  return 0;
}

}  // namespace

int run_data(const Args& args) {
  return dispatch_action("data", args,
                         {{"split", split},
                          {"pretrain", pretrain},
                          {"conversations", conversations},
                          {"longbench", longbench},
                          {"ruler", ruler_data}});
}

}  // namespace ropelab::cli
