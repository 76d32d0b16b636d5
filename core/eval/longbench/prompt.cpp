#include "core/eval/longbench/prompt.h"

#include "core/util/error.h"
#include "core/util/files.h"

namespace ropelab::longbench {

std::string format_prompt(const std::string& templ, const std::map<std::string, std::string>& fields,
                          const std::string& where) {
  std::string out;
  out.reserve(templ.size());
  const size_t n = templ.size();
  for (size_t i = 0; i < n; ++i) {
    const char c = templ[i];
    if (c == '}') {
      check_input(i + 1 < n && templ[i + 1] == '}', where,
                  ": Single '}' encountered in format string (at byte ", i + 1,
                  "; write '}}' for a literal brace)");
      out += '}';
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < n && templ[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    const size_t close = templ.find('}', i + 1);
    check_input(close != std::string::npos, where,
                ": expected '}' before end of string (unclosed '{' at byte ", i + 1,
                "; write '{{' for a literal brace)");
    const std::string name = templ.substr(i + 1, close - i - 1);
    check_input(name.find('{') == std::string::npos, where, ": unexpected '{' in field name at byte ", i + 1);
    check_input(!name.empty() && name.find_first_not_of("0123456789") != std::string::npos, where,
                ": positional field '{", name,
                "}' (LongBench formats with keyword fields only, e.g. {context})");
    check_input(name.find_first_of("!:.[") == std::string::npos, where, ": field '{", name,
                "}' uses a conversion, format spec, attribute or index, which LongBench prompts never do");
    auto it = fields.find(name);
    if (it == fields.end()) {
      std::string known;
      for (const auto& [k, v] : fields) known += (known.empty() ? "" : ", ") + k;
      fail_input(where, ": unknown field '{", name, "}' (KeyError in Python; the sample has: ", known, ")");
    }
    out += it->second;
    i = close;
  }
  return out;
}

const std::string& PromptConfig::prompt_for(const std::string& task) const {
  auto it = prompts.find(task);
  check_input(it != prompts.end(), prompt_path, ": no prompt for dataset '", task, "'");
  return it->second;
}

int PromptConfig::maxlen_for(const std::string& task) const {
  auto it = maxlen.find(task);
  check_input(it != maxlen.end(), maxlen_path, ": no max_new_tokens for dataset '", task, "'");
  return it->second;
}

PromptConfig read_prompt_config(const std::string& prompt_path, const std::string& maxlen_path) {
  PromptConfig c;
  c.prompt_path = prompt_path;
  c.maxlen_path = maxlen_path;
  check_input(fs::is_regular_file(prompt_path), prompt_path,
              ": prompt config not found (LongBench's config/dataset2prompt.json; give `longbench_dir` or "
              "`prompt_config`)");
  check_input(fs::is_regular_file(maxlen_path), maxlen_path,
              ": max-length config not found (LongBench's config/dataset2maxlen.json; give `longbench_dir` "
              "or `maxlen_config`)");
  const auto p = read_json_file(prompt_path), m = read_json_file(maxlen_path);
  check_input(p.is_object(), prompt_path, ": expected a JSON object {dataset: template}");
  check_input(m.is_object(), maxlen_path, ": expected a JSON object {dataset: max_new_tokens}");
  for (const auto& [k, v] : p.items()) {
    check_input(v.is_string(), prompt_path, ": the template of '", k, "' is not a string");
    c.prompts[k] = v.get<std::string>();
  }
  for (const auto& [k, v] : m.items()) {
    check_input(v.is_number_integer() && v.get<int64_t>() > 0, maxlen_path, ": the value of '", k,
                "' must be a positive integer");
    c.maxlen[k] = int(v.get<int64_t>());
  }
  c.prompt_sha256 = sha256_file(prompt_path);
  c.maxlen_sha256 = sha256_file(maxlen_path);
  return c;
}

}  // namespace ropelab::longbench
