// Two-word subcommands: `ropelab longbench <action>` and `ropelab report <what>`.
#include "experiments/commands.h"

namespace ropelab::cli {

int run_longbench(const Args& args) {
  return dispatch_action(
      "longbench", args,
      {{"run", run_longbench_run}, {"merge", run_longbench_merge}, {"score", run_longbench_score}});
}

int run_report(const Args& args) {
  return dispatch_action(
      "report", args,
      {{"longbench", run_report_longbench}, {"entropy", run_report_entropy}, {"ruler", run_report_ruler}});
}

}  // namespace ropelab::cli
