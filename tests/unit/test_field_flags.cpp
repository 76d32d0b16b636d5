// The CLI's view of core's field names: a backquoted config field becomes the option of the
// running subcommand that sets it; anything else in backquotes is left alone.
#include <gtest/gtest.h>

#include "experiments/field_flags.h"

namespace po = boost::program_options;
using ropelab::cli::flag_message;

TEST(FieldFlags, FieldsBecomeTheSubcommandsOptions) {
  po::options_description d;
  d.add_options()("max-new-tokens", po::value<int>(), "")("steps", po::value<int>(), "")(
      "adam-beta1", po::value<double>(), "")("overwrite", "");
  ropelab::cli::note_options(d);
  EXPECT_EQ(flag_message("`max_new_tokens` (0) must be >= 1"), "--max-new-tokens (0) must be >= 1");
  // Renamed fields; two in one message.
  EXPECT_EQ(flag_message("`max_steps` (-1) must be >= 0; `adamw.beta1` too"),
            "--steps (-1) must be >= 0; --adam-beta1 too");
  EXPECT_EQ(flag_message("x: exists; pass `overwrite` to replace it"),
            "x: exists; pass --overwrite to replace it");
  // No such option here (the field keeps its name), not a field, unbalanced, no backquote.
  EXPECT_EQ(flag_message("`no_such_field` (1) and `max_new_tokens`"),
            "`no_such_field` (1) and --max-new-tokens");
  EXPECT_EQ(flag_message("key `Two Words` and `steps`"), "key `Two Words` and --steps");
  EXPECT_EQ(flag_message("a `max_new_tokens"), "a `max_new_tokens");
  EXPECT_EQ(flag_message("--threads (0) must be in [1, 1024]"), "--threads (0) must be in [1, 1024]");
  EXPECT_EQ(flag_message(""), "");
}
