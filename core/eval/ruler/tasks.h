// RULER's task names, their base tasks and metrics, and the per-task generation budget
// (NVIDIA/RULER: scripts/synthetic.yaml maps a task name to a base task; scripts/eval/synthetic/
// constants.py gives each base task its metric; scripts/data/synthetic/constants.py its
// tokens_to_generate).
//
// Invariants:
// - The 13 tasks of RULER's synthetic.yaml are built in, in that file's order (evaluate.py scores
//   and lists tasks in this order): niah_single_1..3, niah_multikey_1..3, niah_multivalue,
//   niah_multiquery, vt, cwe, fwe, qa_1, qa_2. With a RULER checkout, its synthetic.yaml's tasks
//   replace them (its names, bases and order); any other name is an InputError.
// - niah, variable_tracking, common_words_extraction, freq_words_extraction use string_match_all,
//   qa uses string_match_part.
// - tokens_to_generate has no built-in default: it comes from the checkout's data constants.py
//   or from a per-task value; a task with neither is an InputError naming the task.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/data/ruler_base_tasks.h"  // BaseTask, its names, the built-in task names

namespace ropelab::ruler {

enum class Metric { string_match_all, string_match_part };

const char* to_string(Metric m);
Metric metric_of(BaseTask b);

// Task name -> base task, in scoring order; built-in unless a RULER checkout says otherwise.
class TaskTable {
 public:
  TaskTable();  // the 13 built-in tasks
  // Reads RULER_DIR/scripts/synthetic.yaml (task: base) and, when present,
  // RULER_DIR/scripts/data/synthetic/constants.py (base -> tokens_to_generate).
  static TaskTable from_ruler_checkout(const std::string& ruler_dir);

  BaseTask base(const std::string& task) const;  // InputError for an unknown task
  bool known(const std::string& task) const;
  const std::vector<std::string>& order() const { return order_; }
  std::string names() const;  // "a, b, c" in order, for messages
  // tokens_to_generate from the checkout for the task's base task; nullopt when none was read.
  std::optional<int64_t> checkout_tokens(const std::string& task) const;
  std::string source() const { return source_; }  // "built-in" or the files read

 private:
  std::vector<std::string> order_;
  std::map<std::string, BaseTask> base_;
  std::map<BaseTask, int64_t> tokens_;
  std::string source_ = "built-in";
};

// Parses "niah_single_1=128,vt=30" (task or base-task names) or a JSON file {"name": N, ...}
// (when `spec` names an existing file). Values must be >= 1; InputError naming `tokens_to_generate`.
std::map<std::string, int64_t> parse_tokens_to_generate(const std::string& spec);

// The tokens to generate for `task`: an explicit value for the task, else for its base task, else
// the checkout's; InputError naming the task when there is none.
int64_t tokens_to_generate_for(const std::string& task, const TaskTable& table,
                               const std::map<std::string, int64_t>& explicit_values);

// Parses "all" or a comma-separated list of task names (each checked against `table`).
std::vector<std::string> parse_task_list(const std::string& spec, const TaskTable& table);

}  // namespace ropelab::ruler
