#include "core/eval/ruler/tasks.h"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>

#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/numbers.h"
#include "core/util/strings.h"

namespace ropelab::ruler {

namespace {

std::string trim_ascii(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// synthetic.yaml: top-level keys are task names; each has an indented `task: <base>` line.
std::vector<std::pair<std::string, BaseTask>> read_synthetic_yaml(const fs::path& path) {
  std::istringstream in(read_text_file(path));
  std::vector<std::pair<std::string, std::optional<BaseTask>>> tasks;
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const size_t hash = line.find('#');
    if (hash != std::string::npos) line = line.substr(0, hash);
    if (trim_ascii(line).empty()) continue;
    const std::string where = path.string() + ":" + std::to_string(lineno);
    if (line[0] != ' ' && line[0] != '\t') {
      const std::string key = trim_ascii(line);
      check_input(key.size() > 1 && key.back() == ':', where, ": expected 'task_name:'");
      tasks.push_back({key.substr(0, key.size() - 1), std::nullopt});
      continue;
    }
    const std::string body = trim_ascii(line);
    if (body.rfind("task:", 0) == 0 && !tasks.empty() && !tasks.back().second) {
      // Only the first-level `task:` key (args never has one).
      tasks.back().second = base_task_from_string(trim_ascii(body.substr(5)), where);
    }
  }
  std::vector<std::pair<std::string, BaseTask>> out;
  for (const auto& [name, base] : tasks) {
    check_input(base.has_value(), path.string(), ": task ", name, " has no 'task:' (its base task)");
    out.push_back({name, *base});
  }
  check_input(!out.empty(), path.string(), ": no tasks");
  return out;
}

// data/synthetic/constants.py: TASKS = {'niah': {'tokens_to_generate': 128, ...}, ...}.
std::map<BaseTask, int64_t> read_data_constants(const fs::path& path) {
  const std::string text = read_text_file(path);
  std::map<BaseTask, int64_t> out;
  static const std::regex tokens_re("['\"]tokens_to_generate['\"]\\s*:\\s*([0-9]+)");
  for (const BaseTask b : all_base_tasks()) {
    const char* name = to_string(b);
    const std::regex key_re(std::string("['\"]") + name + "['\"]\\s*:\\s*\\{");
    std::smatch m;
    if (!std::regex_search(text, m, key_re)) continue;
    const auto from = m.suffix().first;
    std::smatch t;
    if (!std::regex_search(from, text.cend(), t, tokens_re)) continue;
    // [0-9]+ can still overflow int64 (std::stoll threw out_of_range; found by fuzzing).
    const auto v = parse_int64(t[1].str());
    check_input(v.has_value(), path.string(), ": tokens_to_generate ", t[1].str(), " of '", name,
                "' is out of range");
    out[b] = *v;
  }
  check_input(!out.empty(), path.string(), ": no 'tokens_to_generate' of any base task found");
  return out;
}

}  // namespace

const char* to_string(Metric m) {
  return m == Metric::string_match_all ? "string_match_all" : "string_match_part";
}

Metric metric_of(BaseTask b) {
  return b == BaseTask::qa ? Metric::string_match_part : Metric::string_match_all;
}

TaskTable::TaskTable() {
  for (const auto& [name, base] : builtin_tasks()) {
    order_.push_back(name);
    base_[name] = base;
  }
}

TaskTable TaskTable::from_ruler_checkout(const std::string& ruler_dir) {
  const fs::path root = ruler_dir;
  check_input(fs::is_directory(root), "`ruler_dir` ", ruler_dir,
              ": not a directory (a clone of NVIDIA/RULER)");
  const fs::path yaml = root / "scripts" / "synthetic.yaml";
  const fs::path consts = root / "scripts" / "data" / "synthetic" / "constants.py";
  check_input(fs::is_regular_file(yaml), yaml.string(), ": missing (`ruler_dir` must be a RULER checkout)");
  TaskTable t;  // the checkout's tasks only, in its order: what its evaluate.py scores
  t.order_.clear();
  t.base_.clear();
  for (const auto& [name, base] : read_synthetic_yaml(yaml)) {
    check_input(!t.base_.count(name), yaml.string(), ": task ", name, " defined twice");
    t.order_.push_back(name);
    t.base_[name] = base;
  }
  t.source_ = yaml.string();
  if (fs::is_regular_file(consts)) {
    t.tokens_ = read_data_constants(consts);
    t.source_ += ", " + consts.string();
  }
  return t;
}

std::string TaskTable::names() const { return join(order_, ", "); }

bool TaskTable::known(const std::string& task) const { return base_.count(task) > 0; }

BaseTask TaskTable::base(const std::string& task) const {
  const auto it = base_.find(task);
  if (it == base_.end()) fail_unknown_task(task, names());
  return it->second;
}

std::optional<int64_t> TaskTable::checkout_tokens(const std::string& task) const {
  const auto it = tokens_.find(base(task));
  if (it == tokens_.end()) return std::nullopt;
  return it->second;
}

std::map<std::string, int64_t> parse_tokens_to_generate(const std::string& spec) {
  std::map<std::string, int64_t> out;
  auto put = [&](const std::string& name, int64_t v, const std::string& where) {
    check_input(!name.empty(), where, ": empty task name");
    check_input(v >= 1, where, ": tokens_to_generate of ", name, " (", v, ") must be >= 1");
    out[name] = v;
  };
  if (fs::is_regular_file(spec)) {
    const auto j = read_json_file(spec);
    check_input(j.is_object(), spec, ": expected a JSON object {\"task\": tokens_to_generate}");
    for (const auto& [k, v] : j.items()) {
      check_input(v.is_number_integer(), spec, ": ", k, " must be an integer");
      put(k, v.get<int64_t>(), "`tokens_to_generate` " + spec);
    }
    return out;
  }
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const std::string where = "`tokens_to_generate` '" + item + "'";
    const size_t eq = item.find('=');
    check_input(eq != std::string::npos, where, ": expected task=N (or a JSON file)");
    const auto v = parse_int64(item.substr(eq + 1));
    check_input(v.has_value(), where, ": N must be an integer");
    put(trim_ascii(item.substr(0, eq)), *v, where);
  }
  return out;
}

int64_t tokens_to_generate_for(const std::string& task, const TaskTable& table,
                               const std::map<std::string, int64_t>& explicit_values) {
  const BaseTask b = table.base(task);
  if (auto it = explicit_values.find(task); it != explicit_values.end()) return it->second;
  if (auto it = explicit_values.find(to_string(b)); it != explicit_values.end()) return it->second;
  if (auto t = table.checkout_tokens(task)) return *t;
  fail_input(
      "RULER task ", task, " (base task ", to_string(b),
      "): no tokens_to_generate; pass `ruler_dir` RULER_CHECKOUT (reads scripts/data/synthetic/constants.py) "
      "or `tokens_to_generate` ",
      task, "=N");
}

std::vector<std::string> parse_task_list(const std::string& spec, const TaskTable& table) {
  if (spec == "all") return table.order();
  std::vector<std::string> out;
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item = trim_ascii(item);
    if (item.empty()) continue;
    table.base(item);
    check_input(std::find(out.begin(), out.end(), item) == out.end(), "`tasks`: ", item, " given twice");
    out.push_back(item);
  }
  check_input(!out.empty(), "`tasks`: no task selected");
  return out;
}

}  // namespace ropelab::ruler
