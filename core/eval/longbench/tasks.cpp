#include "core/eval/longbench/tasks.h"

#include <algorithm>
#include <sstream>

#include "core/util/enum_names.h"
#include "core/util/error.h"
#include "core/util/strings.h"

namespace ropelab::longbench {

namespace {

using L = Language;
using C = Category;
using M = MetricKind;

// Values from the spec table (LongBench task.md; the stop rule and trimming from pred.py / eval.py).
const std::vector<TaskInfo> kTasks = {
    // name                  lang      category         metric             nl-stop N   chat   trim   E
    {"narrativeqa", L::en, C::single_doc_qa, M::qa_f1, false, 200, true, false, false},
    {"qasper", L::en, C::single_doc_qa, M::qa_f1, false, 200, true, false, true},
    {"multifieldqa_en", L::en, C::single_doc_qa, M::qa_f1, false, 150, true, false, true},
    {"multifieldqa_zh", L::zh, C::single_doc_qa, M::qa_f1_zh, false, 200, true, false, false},
    {"hotpotqa", L::en, C::multi_doc_qa, M::qa_f1, false, 200, true, false, true},
    {"2wikimqa", L::en, C::multi_doc_qa, M::qa_f1, false, 200, true, false, true},
    {"musique", L::en, C::multi_doc_qa, M::qa_f1, false, 200, true, false, false},
    {"dureader", L::zh, C::multi_doc_qa, M::rouge_zh, false, 200, true, false, false},
    {"gov_report", L::en, C::summarization, M::rouge, false, 200, true, false, true},
    {"qmsum", L::en, C::summarization, M::rouge, false, 200, true, false, false},
    {"multi_news", L::en, C::summarization, M::rouge, false, 200, true, false, true},
    {"vcsum", L::zh, C::summarization, M::rouge_zh, false, 200, true, false, false},
    {"trec", L::en, C::few_shot, M::classification, false, 200, false, true, true},
    {"triviaqa", L::en, C::few_shot, M::qa_f1, false, 200, false, true, true},
    {"samsum", L::en, C::few_shot, M::rouge, true, 200, false, true, true},
    {"lsht", L::zh, C::few_shot, M::classification, false, 200, false, true, false},
    {"passage_count", L::en, C::synthetic, M::count, false, 200, true, false, true},
    {"passage_retrieval_en", L::en, C::synthetic, M::retrieval, false, 200, true, false, true},
    {"passage_retrieval_zh", L::zh, C::synthetic, M::retrieval_zh, false, 200, true, false, false},
    {"lcc", L::code, C::code, M::code_sim, false, 500, false, false, true},
    {"repobench-p", L::code, C::code, M::code_sim, false, 500, false, false, true},
};

}  // namespace

const std::vector<TaskInfo>& all_tasks() { return kTasks; }

const TaskInfo* find_task(std::string_view name) {
  for (const auto& t : kTasks)
    if (t.name == name) return &t;
  return nullptr;
}

const TaskInfo& task_info(std::string_view name) {
  const TaskInfo* t = find_task(name);
  if (!t) fail_input("unknown LongBench dataset '", name, "'; valid: ", join(all_task_names(), ", "));
  return *t;
}

const std::vector<std::string>& paper12_tasks() {
  static const std::vector<std::string> v = {"narrativeqa", "qasper",  "multifieldqa_en", "hotpotqa",
                                             "2wikimqa",    "musique", "gov_report",      "qmsum",
                                             "multi_news",  "trec",    "triviaqa",        "samsum"};
  return v;
}

const std::vector<std::string>& en16_tasks() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out;
    for (const auto& t : kTasks)
      if (t.language != Language::zh) out.push_back(t.name);
    return out;
  }();
  return v;
}

const std::vector<std::string>& all_task_names() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out;
    for (const auto& t : kTasks) out.push_back(t.name);
    return out;
  }();
  return v;
}

std::vector<std::string> parse_task_set(const std::string& spec) {
  if (spec == "paper12") return paper12_tasks();
  if (spec == "en16") return en16_tasks();
  if (spec == "all") return all_task_names();
  std::vector<std::string> out;
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!find_task(item))
      fail_input(
          "unknown LongBench task '", item, "' in '", spec,
          "'; valid: paper12, en16, all, or a comma-separated list of: ", join(all_task_names(), ", "));
    if (std::find(out.begin(), out.end(), item) != out.end())
      fail_input("LongBench task '", item, "' appears twice in '", spec, "'");
    out.push_back(item);
  }
  if (out.empty() || spec.back() == ',')
    fail_input("empty LongBench task list '", spec,
               "'; valid: paper12, en16, all, or a comma-separated list of: ", join(all_task_names(), ", "));
  return out;
}

bool metric_supported(MetricKind m) { return m != MetricKind::qa_f1_zh && m != MetricKind::rouge_zh; }

namespace {
constexpr EnumName<Language> kLanguageNames[] = {{L::en, "en"}, {L::zh, "zh"}, {L::code, "code"}};
constexpr EnumName<Category> kCategoryNames[] = {
    {C::single_doc_qa, "Single-Doc QA"}, {C::multi_doc_qa, "Multi-Doc QA"},
    {C::summarization, "Summarization"}, {C::few_shot, "Few-shot"},
    {C::synthetic, "Synthetic"},         {C::code, "Code"}};
constexpr EnumName<MetricKind> kMetricNames[] = {  // the metrics.py function names
    {M::qa_f1, "qa_f1_score"},
    {M::qa_f1_zh, "qa_f1_zh_score"},
    {M::rouge, "rouge_score"},
    {M::rouge_zh, "rouge_zh_score"},
    {M::classification, "classification_score"},
    {M::retrieval, "retrieval_score"},
    {M::retrieval_zh, "retrieval_zh_score"},
    {M::count, "count_score"},
    {M::code_sim, "code_sim_score"}};
}  // namespace

const char* to_string(Language l) { return name_of(kLanguageNames, l); }
const char* to_string(Category c) { return name_of(kCategoryNames, c); }
const char* to_string(MetricKind m) { return name_of(kMetricNames, m); }

}  // namespace ropelab::longbench
