// Shared pieces of every `ropelab` subcommand: option groups, parsing (command line first, then
// an INI file given by --config; unknown options are errors), threads, device/dtype, RoPE
// overrides and model loading. Progress lines: core/util/progress.h.
//
// A subcommand is a function `int run_xxx(const std::vector<std::string>& args)` registered in
// main.cpp. It throws InputError for bad input (exit 2); main prints one line.
#pragma once
#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/config/model_config.h"
#include "core/model/llama.h"

namespace ropelab::cli {

namespace po = boost::program_options;

using Args = std::vector<std::string>;

// --help, --config FILE (INI; repeatable, a key in one file only), --threads N.
void add_common_options(po::options_description& d);
// --model DIR, --device, --dtype.
void add_model_options(po::options_description& d, bool model_required = true);
// --rope METHOD, --rope-factor, --rope-theta, --rope-original-max-position, ..., --rope-json.
void add_rope_options(po::options_description& d);
// Where an evaluation writes: --out FILE.h5 (runs are added to it), --run NAME (/eval/<run>/<kind>,
// default `kind`), --csv FILE (csv_what: what the CSV holds), --overwrite.
void add_eval_run_options(po::options_description& d, const std::string& kind, const std::string& csv_what);
// The options of a subcommand that runs a model: common + model + RoPE options, under `title`.
po::options_description model_command_options(const std::string& title, bool model_required = true);

// What parse_command throws once it has printed --help: main() ends the command with status 0.
// Not a std::exception, so no error handler on the way mistakes it for a failure.
struct HelpShown {};

// A command's options: args parsed (command line, then the --config files), then LibTorch's
// threads set from --threads. Throws HelpShown after printing --help; `usage` is the one-line
// synopsis shown there.
po::variables_map parse_command(const std::string& usage, const po::options_description& d, const Args& args,
                                const po::positional_options_description* pos = nullptr);

// Applies --threads (default: all cores).
void apply_threads(const po::variables_map& vm);

// The RoPE override from --rope*/--rope-json for a model, or nullopt when none was given.
std::optional<RopeSpec> rope_override(const po::variables_map& vm, const ModelConfig& base);

// Loads --model with --device/--dtype and the RoPE override; prints the resolved config.
LlamaForCausalLM load_model_from_options(const po::variables_map& vm, bool verbose = true);

// Splits "1024,2048,4096" into integers; the option name goes into errors.
std::vector<int64_t> parse_int_list(const std::string& s, const std::string& option);
std::vector<double> parse_double_list(const std::string& s, const std::string& option);

// Reads whitespace-separated token ids from a file (errors name file and position).
std::vector<int64_t> read_token_file(const std::string& path);

// Two-word subcommands (`ropelab tokenizer train ...`): runs the action named by args[0] with
// the remaining arguments; --help lists the actions; an unknown action is an InputError.
using Action = int (*)(const Args&);
int dispatch_action(const std::string& command, const Args& args,
                    const std::vector<std::pair<std::string, Action>>& actions);

// Records the exact command line (for provenance in outputs); set by main.
void set_command_line(const std::string& line);
const std::string& command_line();

}  // namespace ropelab::cli
