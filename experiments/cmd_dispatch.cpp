// Two-word subcommands: `ropelab longbench <action>` and `ropelab report <what>`.
#include <iostream>

#include "core/util/error.h"
#include "experiments/commands.h"

namespace ropelab::cli {

int run_longbench(const Args& args) {
  check_input(!args.empty(), "usage: ropelab longbench score [options]");
  Args rest(args.begin() + 1, args.end());
  if (args[0] == "score") return run_longbench_score(rest);
  if (args[0] == "--help" || args[0] == "-h") {
    std::cout << "usage: ropelab longbench score --pred-dir DIR [--per-sample] [--e]\n";
    return 0;
  }
  fail_input("unknown longbench action '", args[0], "'; valid: score");
}

int run_report(const Args& args) {
  check_input(!args.empty(), "usage: ropelab report longbench RESULT.json... [--format md|latex|csv]");
  Args rest(args.begin() + 1, args.end());
  if (args[0] == "longbench") return run_report_longbench(rest);
  if (args[0] == "entropy") return run_report_entropy(rest);
  if (args[0] == "--help" || args[0] == "-h") {
    std::cout << "usage: ropelab report longbench RESULT.json... [--format md|latex|csv]\n"
                 "       ropelab report entropy FILE.h5\n";
    return 0;
  }
  fail_input("unknown report '", args[0], "'; valid: longbench, entropy");
}

}  // namespace ropelab::cli
