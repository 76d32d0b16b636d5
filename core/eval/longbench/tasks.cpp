#include "core/eval/longbench/tasks.h"

#include <algorithm>
#include <sstream>

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

const char* to_string(Language l) {
  switch (l) {
    case Language::en:
      return "en";
    case Language::zh:
      return "zh";
    case Language::code:
      return "code";
  }
  return "?";
}

const char* to_string(Category c) {
  switch (c) {
    case Category::single_doc_qa:
      return "Single-Doc QA";
    case Category::multi_doc_qa:
      return "Multi-Doc QA";
    case Category::summarization:
      return "Summarization";
    case Category::few_shot:
      return "Few-shot";
    case Category::synthetic:
      return "Synthetic";
    case Category::code:
      return "Code";
  }
  return "?";
}

const char* to_string(MetricKind m) {
  switch (m) {
    case MetricKind::qa_f1:
      return "qa_f1_score";
    case MetricKind::qa_f1_zh:
      return "qa_f1_zh_score";
    case MetricKind::rouge:
      return "rouge_score";
    case MetricKind::rouge_zh:
      return "rouge_zh_score";
    case MetricKind::classification:
      return "classification_score";
    case MetricKind::retrieval:
      return "retrieval_score";
    case MetricKind::retrieval_zh:
      return "retrieval_zh_score";
    case MetricKind::count:
      return "count_score";
    case MetricKind::code_sim:
      return "code_sim_score";
  }
  return "?";
}

}  // namespace ropelab::longbench
