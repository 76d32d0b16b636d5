// `ropelab report ruler`: RULER averages per length and the effective length of one or more runs,
// from evaluate.py's summary.csv files (written by `ropelab ruler score` or by RULER itself).
#include "analysis/ruler_table.h"
#include "core/util/error.h"
#include "experiments/eval_cli.h"

namespace ropelab {

int run_report_ruler(const cli::Args& args) {
  cli::po::options_description d("ropelab report ruler");
  cli::add_common_options(d);
  d.add_options()(
      "run", cli::po::value<std::vector<std::string>>(),
      "NAME=DIR (repeatable, or positional): DIR/<length>/summary.csv (or DIR/<length>/pred/summary.csv)")(
      "threshold", cli::po::value<double>()->default_value(85.6),
      "effective-length threshold: RULER's, LLaMA-2-7B's average at 4k")(
      "format", cli::po::value<std::string>()->default_value("md"), "md, latex or csv");
  cli::add_table_output_options(d);
  cli::po::positional_options_description pos;
  pos.add("run", -1);
  const auto vm = cli::parse_command(
      "ropelab report ruler NAME=DIR... [--threshold 85.6] [--format md|latex|csv] [--out FILE]", d, args,
      &pos);
  check_input(vm.count("run") > 0, "report ruler needs at least one NAME=DIR (see --help)");
  const double threshold = vm["threshold"].as<double>();
  check_input(threshold >= 0 && threshold <= 100, "--threshold (", threshold, ") must be in [0, 100]");
  const auto format = analysis::table_format_from_string(vm["format"].as<std::string>());
  std::vector<analysis::RulerRun> runs;
  for (const auto& spec : vm["run"].as<std::vector<std::string>>())
    runs.push_back(analysis::read_ruler_run(spec));
  cli::write_table_output(vm, analysis::ruler_table(runs, threshold, format));
  return 0;
}

}  // namespace ropelab
