// LongBench prompt text: Python `str.format(**sample)` on a dataset2prompt template, and the
// prompt-config files (dataset2prompt.json / dataset2maxlen.json) a user supplies.
//
// Invariants: format_prompt follows Python's str.format exactly for what LongBench's templates can
// contain: `{name}` is replaced by the field's value inserted literally (braces inside values are
// harmless), `{{` and `}}` are literal braces. Everything Python would reject is an InputError
// naming the template and the problem: a field the sample lacks (KeyError), a lone `}` or an
// unclosed `{` (ValueError), `{}` / `{0}` (positional, IndexError). Conversions, format specs,
// attribute and index access (`{x!r}`, `{x:>5}`, `{x.y}`, `{x[0]}`) are valid Python but never
// appear in LongBench's prompts; they are refused rather than half-implemented.
#pragma once
#include <map>
#include <string>

namespace ropelab::longbench {

// `fields`: name -> value (Python's str() of the JSON value). `where` names the template in
// messages (e.g. "dataset2prompt.json: hotpotqa").
std::string format_prompt(const std::string& templ, const std::map<std::string, std::string>& fields,
                          const std::string& where);

// dataset2prompt.json (dataset -> template string) and dataset2maxlen.json (dataset -> int).
struct PromptConfig {
  std::string prompt_path, maxlen_path;
  std::string prompt_sha256, maxlen_sha256;
  std::map<std::string, std::string> prompts;
  std::map<std::string, int> maxlen;

  // InputError naming the file and the task when `task` has no entry.
  const std::string& prompt_for(const std::string& task) const;
  int maxlen_for(const std::string& task) const;
};

// Reads both files (InputError naming a missing file, a non-object, a non-string template or a
// non-positive/non-integer length).
PromptConfig read_prompt_config(const std::string& prompt_path, const std::string& maxlen_path);

}  // namespace ropelab::longbench
