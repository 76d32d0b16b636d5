#include "core/data/ruler_base_tasks.h"

#include "core/util/enum_names.h"
#include "core/util/strings.h"

namespace ropelab::ruler {

namespace {
using B = BaseTask;
constexpr EnumName<BaseTask> kBaseTaskNames[] = {{B::niah, "niah"},
                                                 {B::variable_tracking, "variable_tracking"},
                                                 {B::common_words_extraction, "common_words_extraction"},
                                                 {B::freq_words_extraction, "freq_words_extraction"},
                                                 {B::qa, "qa"}};
}  // namespace

std::vector<BaseTask> all_base_tasks() { return values_of(kBaseTaskNames); }

const char* to_string(BaseTask b) { return name_of(kBaseTaskNames, b); }

BaseTask base_task_from_string(const std::string& s, const std::string& where) {
  return parse_name(kBaseTaskNames, s, where, "RULER base task");
}

const std::vector<std::pair<std::string, BaseTask>>& builtin_tasks() {
  using B = BaseTask;
  static const std::vector<std::pair<std::string, BaseTask>> v = {{"niah_single_1", B::niah},
                                                                  {"niah_single_2", B::niah},
                                                                  {"niah_single_3", B::niah},
                                                                  {"niah_multikey_1", B::niah},
                                                                  {"niah_multikey_2", B::niah},
                                                                  {"niah_multikey_3", B::niah},
                                                                  {"niah_multivalue", B::niah},
                                                                  {"niah_multiquery", B::niah},
                                                                  {"vt", B::variable_tracking},
                                                                  {"cwe", B::common_words_extraction},
                                                                  {"fwe", B::freq_words_extraction},
                                                                  {"qa_1", B::qa},
                                                                  {"qa_2", B::qa}};
  return v;
}

const std::vector<std::string>& builtin_task_names() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out;
    for (const auto& [name, base] : builtin_tasks()) out.push_back(name);
    return out;
  }();
  return v;
}

bool is_builtin_task(const std::string& task) {
  for (const auto& [name, base] : builtin_tasks())
    if (name == task) return true;
  return false;
}

BaseTask builtin_base_task(const std::string& task) {
  for (const auto& [name, base] : builtin_tasks())
    if (name == task) return base;
  fail_unknown_task(task, join(builtin_task_names(), ", "));
}

void fail_unknown_task(const std::string& task, const std::string& known) {
  fail_input("unknown RULER task '", task, "' (known: ", known, ")");
}

}  // namespace ropelab::ruler
