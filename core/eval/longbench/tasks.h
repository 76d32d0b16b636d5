// The LongBench v1 task table (docs/longbench-scoring.md §1) and the named task sets we report.
//
// Invariants: one row per dataset key, in the order of the spec table; the key is exactly the
// prediction file stem eval.py uses (`filename.split('.')[0]`). Task sets keep a fixed column
// order: `paper12` is the EABF paper's order (method.md §5), `en16` the LongBench English
// leaderboard's order, `all` the spec table's order. Parsing never falls back to a default set:
// an unknown name is an InputError that lists every valid name.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ropelab::longbench {

enum class Language { en, zh, code };

enum class Category { single_doc_qa, multi_doc_qa, summarization, few_shot, synthetic, code };

// The metric functions of LongBench's metrics.py (§7).
enum class MetricKind {
  qa_f1,           // qa_f1_score
  qa_f1_zh,        // qa_f1_zh_score (jieba)
  rouge,           // rouge_score (pltrdy rouge 1.0.1, ROUGE-L f)
  rouge_zh,        // rouge_zh_score (jieba + rouge)
  classification,  // classification_score
  retrieval,       // retrieval_score
  retrieval_zh,    // retrieval_zh_score
  count,           // count_score
  code_sim,        // code_sim_score (fuzzywuzzy ratio)
};

struct TaskInfo {
  std::string name;  // dataset key, e.g. "multifieldqa_en"
  Language language;
  Category category;
  MetricKind metric;
  bool stop_at_newline;  // pred.py: samsum stops at the first newline (after >= 1 new token)
  int num_samples;       // LongBench v1 test split
  bool chat_template;    // false for trec, triviaqa, samsum, lsht, lcc, repobench-p
  bool first_line_trim;  // eval.py keeps only the first line for trec, triviaqa, samsum, lsht
  bool longbench_e;      // part of LongBench-E (13 tasks)
};

// All 21 tasks in the order of the spec table.
const std::vector<TaskInfo>& all_tasks();

// nullptr when `name` is not a LongBench v1 dataset key.
const TaskInfo* find_task(std::string_view name);

// InputError naming the valid keys when `name` is unknown.
const TaskInfo& task_info(std::string_view name);

// The 12 English tasks of the paper, in its column order.
const std::vector<std::string>& paper12_tasks();
// The 16 tasks of the LongBench English leaderboard (14 en + lcc, repobench-p).
const std::vector<std::string>& en16_tasks();
// All 21 keys.
const std::vector<std::string>& all_task_names();

// "paper12", "en16", "all", or a comma-separated list of dataset keys (no duplicates).
std::vector<std::string> parse_task_set(const std::string& spec);

// False for the metrics that need jieba (qa_f1_zh, rouge_zh): we have no segmenter that matches
// Python jieba, so those datasets are reported as unsupported instead of being scored wrongly.
bool metric_supported(MetricKind m);

const char* to_string(Language l);
const char* to_string(Category c);    // "Single-Doc QA", ...
const char* to_string(MetricKind m);  // the metrics.py function name

}  // namespace ropelab::longbench
