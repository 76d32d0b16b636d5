// What reaches the toolkit through options: an INI --config file (here with every option of the
// training commands, then turned into a TrainConfig and validated as finetune/pretrain do), a
// --tokens-file of whitespace-separated ids, and the list / size values of options such as
// --lengths, --depths and --max-memory.
#include <boost/program_options.hpp>

#include "experiments/cli.h"
#include "experiments/parse_options.h"
#include "experiments/train_cli.h"
#include "fuzz/fuzz_target.h"

using namespace ropelab;
using namespace ropelab::fuzz;
namespace po = boost::program_options;

ROPELAB_FUZZ_TARGET(cli_inputs) {
  const auto c = choose(input, 5);
  switch (c.which) {
    case 0: {
      po::options_description d;
      cli::add_common_options(d);
      cli::add_model_options(d, /*model_required=*/true);
      cli::add_rope_options(d);
      cli::add_train_options(d);
      const std::string ini = write_scratch("run.ini", c.payload);
      po::variables_map vm;
      try {
        vm = cli::parse_command("fuzz", d, {"--config", ini, "--model", "m"});
      } catch (const cli::HelpShown&) {
        return;  // an INI that asks for help (`help = 1`) gets it, as on the command line
      }
      cli::train_config_from(vm).validate(/*world_size=*/1);
      break;
    }
    case 1:
      (void)cli::read_token_file(write_scratch("ids.txt", c.payload));
      break;
    case 2:
      (void)cli::parse_int_list(std::string(c.payload), "--lengths");
      break;
    case 3:
      (void)cli::parse_double_list(std::string(c.payload), "--depths");
      break;
    default:
      (void)parse_byte_size(std::string(c.payload), "--max-memory");
      break;
  }
}
