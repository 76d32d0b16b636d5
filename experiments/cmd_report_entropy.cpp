// `ropelab report entropy FILE.h5...`: per run and layer, entropy over position bands relative to
// the trained window, slope against ln(position) and near-uniform flags (analysis/entropy_report.h).
#include <iostream>

#include "analysis/entropy_report.h"
#include "core/util/error.h"
#include "experiments/commands.h"

namespace ropelab {

int run_report_entropy(const cli::Args& args) {
  cli::po::options_description d("report-entropy options");
  cli::add_common_options(d);
  d.add_options()("file", cli::po::value<std::vector<std::string>>(), "entropy HDF5 files (positional)");
  cli::po::positional_options_description pos;
  pos.add("file", -1);
  const auto vm = cli::parse_command("ropelab report entropy FILE.h5...", d, args, &pos);
  check_input(vm.count("file") > 0, "give at least one entropy FILE.h5");
  for (const auto& f : vm["file"].as<std::vector<std::string>>()) {
    std::cout << "# " << f << "\n\n" << analysis::entropy_report(analysis::read_entropy_file(f));
  }
  return 0;
}

}  // namespace ropelab
