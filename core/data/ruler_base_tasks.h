// RULER's task vocabulary, shared by the data generator (core/data/ruler_tasks.h) and the
// evaluator (core/eval/ruler/tasks.h): the base tasks and the 13 built-in task names of RULER's
// scripts/synthetic.yaml, in that file's order. It lives in core/data so the generator needs
// nothing from eval/.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace ropelab::ruler {

enum class BaseTask { niah, variable_tracking, common_words_extraction, freq_words_extraction, qa };

std::vector<BaseTask> all_base_tasks();  // in declaration order
const char* to_string(BaseTask b);
BaseTask base_task_from_string(const std::string& s, const std::string& where);  // InputError naming where

// The task names RULER's synthetic.yaml defines, with their base tasks, in its order.
const std::vector<std::pair<std::string, BaseTask>>& builtin_tasks();

const std::vector<std::string>& builtin_task_names();  // the same names, in order
bool is_builtin_task(const std::string& task);
BaseTask builtin_base_task(const std::string& task);  // InputError (fail_unknown_task) if not built in

// InputError "unknown RULER task '<task>' (known: <known>)".
[[noreturn]] void fail_unknown_task(const std::string& task, const std::string& known);

}  // namespace ropelab::ruler
