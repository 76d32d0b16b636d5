// Every `ropelab` subcommand, one function each (one file each in experiments/).
#pragma once
#include "experiments/cli.h"

namespace ropelab::cli {

int run_init(const Args& args);
int run_info(const Args& args);
int run_generate(const Args& args);
int run_tokenizer(const Args& args);
int run_rope(const Args& args);
int run_bench(const Args& args);

}  // namespace ropelab::cli
