#include "experiments/cli.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cctype>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "core/model/checkpoint.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/numbers.h"
#include "core/util/threads.h"
#include "experiments/field_flags.h"
#include "experiments/parse_options.h"

namespace ropelab::cli {

namespace {
std::string& command_line_storage() {
  static std::string line;
  return line;
}
// Boost parses "-1" for an unsigned option as 18446744073709551615; refuse it as itself.
template <typename T>
bool is_unsigned_option(const po::value_semantic* sem) {
  return dynamic_cast<const po::typed_value<T>*>(sem) != nullptr;
}

void refuse_negative_unsigned(const po::parsed_options& parsed, const po::options_description& d,
                              const std::string& where) {
  for (const auto& opt : parsed.options) {
    const po::option_description* od = d.find_nothrow(opt.string_key, false);
    if (!od) continue;
    const po::value_semantic* sem = od->semantic().get();
    if (!(is_unsigned_option<uint64_t>(sem) || is_unsigned_option<unsigned>(sem) ||
          is_unsigned_option<unsigned long long>(sem)))
      continue;
    for (const auto& v : opt.value)
      check_input(v.empty() || v.find('-') == std::string::npos, where, "--", opt.string_key, " (", v,
                  ") must be a non-negative integer");
  }
}
}  // namespace

void set_command_line(const std::string& line) { command_line_storage() = line; }
const std::string& command_line() { return command_line_storage(); }

void add_common_options(po::options_description& d) {
  d.add_options()("help,h", "show this help")(
      "config", po::value<std::vector<std::string>>()->composing(),
      "INI file with options of this subcommand (key = value); repeatable: a base file plus a method file, "
      "each key set in one file only, the command line overriding both")(
      "threads", po::value<int>()->default_value(int(std::max(1u, std::thread::hardware_concurrency()))),
      "CPU threads for LibTorch");
}

void add_model_options(po::options_description& d, bool model_required) {
  auto model = po::value<std::string>();
  if (model_required) model->required();
  d.add_options()("model", model, "model directory (Hugging Face layout)")(
      "device", po::value<std::string>()->default_value("cpu"), "cpu, cuda or cuda:N")(
      "dtype", po::value<std::string>()->default_value("auto"),
      "compute dtype: fp32, bf16, fp16, auto (fp32 on CPU, the checkpoint's dtype on GPU)");
}

void add_rope_options(po::options_description& d) {
  // Method and policy names come from the registries (core/rope/schedules, policies, presets).
  static const std::string rope_help = "RoPE method: " + rope_type_names();
  static const std::string policy_help = "logit-scale policy: " + logit_scale_names();
  d.add_options()("rope", po::value<std::string>(), rope_help.c_str())(
      "rope-factor", po::value<double>(), "scale factor s")("rope-theta", po::value<double>(),
                                                            "RoPE base (abf/eabf default 500000)")(
      "rope-original-max-position", po::value<int64_t>(), "original window L0 (= c)")(
      "rope-beta-fast", po::value<double>(), "yarn/ntk_by_parts beta_fast (32)")(
      "rope-beta-slow", po::value<double>(), "yarn/ntk_by_parts beta_slow (1)")(
      "rope-attention-factor", po::value<double>(), "override attention_factor (yarn, longrope)")(
      "rope-low-freq-factor", po::value<double>(), "llama3 low_freq_factor (1)")(
      "rope-high-freq-factor", po::value<double>(), "llama3 high_freq_factor (4)")(
      "rope-logit-scale", po::value<std::string>(), policy_help.c_str())(
      "rope-logit-scale-base", po::value<int64_t>(), "c in t = ln(p+1)/ln c")(
      "rope-logit-scale-floor", po::value<bool>(), "apply max(1, t) (true/false)")(
      "rope-logit-scale-value", po::value<double>(), "t for the constant policy")(
      "rope-exempt-layers", po::value<int64_t>(), "first N layers left unscaled")(
      "rope-set", po::value<std::vector<std::string>>()->composing(),
      "KEY=VALUE: any key of the method (repeatable; VALUE read as JSON, else a string), e.g. mixed_b=1.5")(
      "rope-json", po::value<std::string>(),
      "HF-style rope_scaling object as JSON (rope_theta may appear inside); excludes --rope*");
}

void add_eval_run_options(po::options_description& d, const std::string& kind, const std::string& csv_what) {
  d.add_options()("out", po::value<std::string>()->required(), "HDF5 file (runs are added to it)")(
      "run", po::value<std::string>()->default_value(kind), ("run name: /eval/<run>/" + kind).c_str())(
      "csv", po::value<std::string>(), ("also write " + csv_what + " as CSV").c_str())(
      "overwrite", po::bool_switch(), "replace an existing run / CSV");
}

po::options_description model_command_options(const std::string& title, bool model_required) {
  po::options_description d(title);
  add_common_options(d);
  add_model_options(d, model_required);
  add_rope_options(d);
  return d;
}

namespace {

// Boost.Program_options builds an error's message by replacing placeholders such as
// %canonical_option% and %value% with the option and the value, in a loop that never ends when
// the replacement holds the placeholder again (found by fuzz/targets/cli_inputs.cpp: an INI key
// "x%canonical_option%" hung `what()` forever). When the input has a '%' the message is built here
// from the option's name alone, without calling what().
std::string po_message(const po::error& e, bool input_has_percent) {
  if (!input_has_percent) return e.what();
  const auto* named = dynamic_cast<const po::error_with_option_name*>(&e);
  std::string option = named ? named->get_option_name() : "";
  for (auto& ch : option)
    if (ch == '%') ch = '?';
  const std::string what = dynamic_cast<const po::unknown_option*>(&e)     ? "unrecognised option"
                           : dynamic_cast<const po::required_option*>(&e)  ? "missing required option"
                           : dynamic_cast<const po::validation_error*>(&e) ? "invalid value for option"
                                                                           : "cannot parse option";
  return what + (option.empty() ? std::string() : " '" + option + "'");
}

bool has_percent(const Args& args) {
  for (const auto& a : args)
    if (a.find('%') != std::string::npos) return true;
  return false;
}

// --config files, in order. A study states each fact once: a key set by two files is refused
// (naming both) rather than one silently winning; the command line, stored first, overrides them.
void store_config_files(const std::vector<std::string>& paths, const po::options_description& d,
                        po::variables_map& vm, bool& percent) {
  std::map<std::string, std::string> set_by;  // key -> the file that set it
  for (const std::string& path : paths) {
    check_input(std::ifstream(path).good(), "--config ", path, ": cannot open file");
    const std::string text = read_text_file(path);
    percent = percent || text.find('%') != std::string::npos;
    std::istringstream in(text);
    try {
      const po::parsed_options parsed = po::parse_config_file(in, d, /*allow_unregistered=*/false);
      refuse_negative_unsigned(parsed, d, "--config " + path + ": ");
      for (const auto& opt : parsed.options) {
        check_input(opt.string_key != "config", "--config ", path,
                    ": a config file cannot name another one (give each with its own --config)");
        auto [it, fresh] = set_by.emplace(opt.string_key, path);
        check_input(fresh || it->second == path, "--config ", path, ": '", opt.string_key,
                    "' is already set by ", it->second,
                    " (set each key in one file; the command line overrides both)");
      }
      po::store(parsed, vm);
    } catch (const po::error& e) {
      fail_input("--config ", path, ": ", po_message(e, percent));
    }
  }
}

}  // namespace

po::variables_map parse_command(const std::string& usage, const po::options_description& d, const Args& args,
                                const po::positional_options_description* pos) {
  po::variables_map vm;
  bool percent = has_percent(args);
  note_options(d);
  try {
    auto parser = po::command_line_parser(args).options(d);
    if (pos) parser.positional(*pos);
    const po::parsed_options parsed = parser.run();
    // Without a positional description Boost keeps a bare word under the empty key, and store()
    // then reports it as an option "ambiguous" with every option: name the word instead.
    for (const auto& opt : parsed.options)
      if (opt.string_key.empty() && !opt.original_tokens.empty())
        fail_input("unexpected argument '", opt.original_tokens.front(),
                   "': this command takes only --options (see --help)");
    refuse_negative_unsigned(parsed, d, "");
    po::store(parsed, vm);
    if (vm.count("help")) {
      std::cout << "usage: " << usage << "\n\n" << d << "\n";
      throw HelpShown{};
    }
    if (vm.count("config")) store_config_files(vm["config"].as<std::vector<std::string>>(), d, vm, percent);
    po::notify(vm);
  } catch (const po::error& e) {
    fail_input(po_message(e, percent), " (see --help)");
  }
  if (vm.count("threads")) apply_threads(vm);
  return vm;
}

void apply_threads(const po::variables_map& vm) {
  int n = vm.count("threads") ? vm["threads"].as<int>() : int(std::thread::hardware_concurrency());
  check_input(n >= 1 && n <= 1024, "--threads (", n, ") must be in [1, 1024]");
  set_compute_threads(n);
}

std::optional<RopeSpec> rope_override(const po::variables_map& vm, const ModelConfig& base) {
  static const std::vector<std::pair<std::string, std::string>> kFlagKeys = {
      {"rope-factor", "factor"},
      {"rope-theta", "rope_theta"},
      {"rope-original-max-position", "original_max_position_embeddings"},
      {"rope-beta-fast", "beta_fast"},
      {"rope-beta-slow", "beta_slow"},
      {"rope-attention-factor", "attention_factor"},
      {"rope-low-freq-factor", "low_freq_factor"},
      {"rope-high-freq-factor", "high_freq_factor"},
      {"rope-logit-scale", "logit_scale"},
      {"rope-logit-scale-base", "logit_scale_base"},
      {"rope-logit-scale-floor", "logit_scale_floor"},
      {"rope-logit-scale-value", "logit_scale_value"},
      {"rope-exempt-layers", "exempt_layers"}};
  bool any_flag = vm.count("rope") > 0;
  for (const auto& [flag, key] : kFlagKeys) any_flag |= vm.count(flag) > 0;
  any_flag |= vm.count("rope-set") > 0;
  if (!any_flag && !vm.count("rope-json")) return std::nullopt;
  check_input(!(any_flag && vm.count("rope-json")),
              "--rope-json cannot be combined with --rope or --rope-* flags");

  nlohmann::json rs;
  std::string where;
  if (vm.count("rope-json")) {
    where = "--rope-json";
    try {
      rs = nlohmann::json::parse(vm["rope-json"].as<std::string>());
    } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range.406 ("1e999")
      fail_input("--rope-json: invalid JSON (", e.what(), ")");
    }
    check_input(rs.is_object(),
                "--rope-json must be a JSON object like {\"rope_type\": \"yarn\", \"factor\": 4}");
  } else {
    where = "--rope";
    check_input(vm.count("rope") > 0, "--rope-* flags need --rope METHOD (", rope_type_names(), ")");
    rs["rope_type"] = vm["rope"].as<std::string>();
    for (const auto& [flag, key] : kFlagKeys) {
      if (!vm.count(flag)) continue;
      const auto& v = vm[flag].value();
      if (v.type() == typeid(double))
        rs[key] = boost::any_cast<double>(v);
      else if (v.type() == typeid(int64_t))
        rs[key] = boost::any_cast<int64_t>(v);
      else if (v.type() == typeid(bool))
        rs[key] = boost::any_cast<bool>(v);
      else
        rs[key] = boost::any_cast<std::string>(v);
    }
    // Keys without a flag of their own (each method's, from its registry file): KEY=VALUE.
    if (vm.count("rope-set"))
      for (const auto& kv : vm["rope-set"].as<std::vector<std::string>>()) {
        const auto eq = kv.find('=');
        check_input(eq != std::string::npos && eq > 0, "--rope-set '", kv, "': expected KEY=VALUE");
        nlohmann::json value;
        try {
          value = nlohmann::json::parse(kv.substr(eq + 1));
        } catch (const nlohmann::json::exception&) {
          value = kv.substr(eq + 1);
        }
        rs[kv.substr(0, eq)] = value;
      }
  }
  RopeContext ctx;
  ctx.head_dim = base.head_dim();
  ctx.max_position_embeddings = base.max_position_embeddings;
  if (base.extra.contains("partial_rotary_factor"))
    ctx.partial_rotary_factor = base.extra["partial_rotary_factor"].get<double>();
  if (base.extra.contains("original_max_position_embeddings"))
    ctx.top_level_original_max_position = base.extra["original_max_position_embeddings"].get<int64_t>();
  // The model's base theta stays unless the override sets one (abf/eabf default to 500,000).
  return RopeSpec::from_json(rs, base.rope.theta, ctx, where);
}

LlamaForCausalLM load_model_from_options(const po::variables_map& vm, bool verbose) {
  const std::string dir = vm["model"].as<std::string>();
  ModelConfig cfg = read_checkpoint_config(dir);
  LoadOptions lo;
  lo.device = parse_device(vm["device"].as<std::string>());
  lo.dtype = resolve_compute_dtype(vm["dtype"].as<std::string>(), lo.device, cfg.torch_dtype);
  lo.rope = rope_override(vm, cfg);
  auto model = load_model(dir, lo);
  if (verbose) {
    std::cerr << "model " << dir << ": " << model->num_parameters() << " parameters, "
              << c10::toString(model->dtype()) << " on " << model->device().str() << "\n"
              << "rope: " << model->config.rope.to_json().dump() << "\n";
  }
  return model;
}

int dispatch_action(const std::string& command, const Args& args,
                    const std::vector<std::pair<std::string, Action>>& actions) {
  std::string names;
  for (const auto& [name, fn] : actions) names += (names.empty() ? "" : "|") + name;
  const std::string usage = "usage: ropelab " + command + " " + names + " [options]  (each takes --help)";
  check_input(!args.empty(), usage);
  if (args[0] == "--help" || args[0] == "-h") {
    std::cout << usage << "\n";
    return 0;
  }
  for (const auto& [name, fn] : actions)
    if (args[0] == name) return fn(Args(args.begin() + 1, args.end()));
  fail_input("unknown ", command, " action '", args[0], "'; valid: ", names);
}

namespace {
// INI lists are often written "1024, 2048".
std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// "a,b,c" with each item read by parse_one (nullopt = not a T: "'<item>' <not_what>").
template <typename T, typename ParseOne>
std::vector<T> parse_list(const std::string& s, const std::string& option, const ParseOne& parse_one,
                          const char* not_what) {
  std::vector<T> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const std::optional<T> v = parse_one(trim_spaces(item));
    check_input(v.has_value(), option, ": '", item, "' ", not_what);
    out.push_back(*v);
  }
  check_input(!out.empty(), option, ": empty list");
  return out;
}
}  // namespace

std::vector<int64_t> parse_int_list(const std::string& s, const std::string& option) {
  return parse_list<int64_t>(
      s, option, [](std::string_view v) { return parse_int64(v); },
      "is not an integer (expected e.g. 1024,2048)");
}

std::vector<double> parse_double_list(const std::string& s, const std::string& option) {
  return parse_list<double>(
      s, option, [](std::string_view v) { return parse_double(v); }, "is not a number");
}

std::vector<int64_t> read_token_file(const std::string& path) {
  std::string text = read_text_file(path);
  std::vector<int64_t> ids;
  std::istringstream in(text);
  std::string tok;
  while (in >> tok) {
    auto v = parse_int64(tok);
    check_input(v.has_value() && *v >= 0, path, ": token ", ids.size() + 1, " ('", tok,
                "') is not a non-negative integer id");
    ids.push_back(*v);
  }
  check_input(!ids.empty(), path, ": no token ids found");
  return ids;
}

}  // namespace ropelab::cli
