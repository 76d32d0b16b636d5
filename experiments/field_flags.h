// Config fields as the CLI spells them. core/ names a config field in its messages in backquotes
// (`max_new_tokens (0) must be >= 1` is written "`max_new_tokens` (0) must be >= 1", see
// core/util/error.h); the CLI shows such a field as the option that sets it (--max-new-tokens)
// when the running subcommand has that option, so a user reads the flag they typed. The option
// is the field with '_' -> '-', except for the fields listed in field_flags.cpp.
#pragma once
#include <boost/program_options/options_description.hpp>
#include <string>

namespace ropelab::cli {

// Records the options of a parsed subcommand (cli::parse_command calls it; the union of all parses is kept).
void note_options(const boost::program_options::options_description& d);

// `message` with every backquoted field that maps to a noted option replaced by --option; other
// backquoted text stays as it is.
std::string flag_message(const std::string& message);

}  // namespace ropelab::cli
