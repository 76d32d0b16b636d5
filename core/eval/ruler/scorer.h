// Scoring a folder of RULER predictions exactly as RULER's scripts/eval/evaluate.py does with
// scripts/eval/synthetic/constants.py.
//
// Invariants:
// - Prediction post-processing (postprocess_pred): Python str.strip(), every character in
//   [\x00-\x1f] replaced by "\n", strip() again — Unicode whitespace as Python's isspace().
// - string_match_all: mean over samples of (references r with r.lower() in pred.lower()) /
//   len(references), times 100; string_match_part: mean of max over references of the same test.
//   lower() is Python's full Unicode lowering (ICU, core/eval/longbench/text.h), `in` a code-point
//   substring test (a byte substring test on UTF-8 is the same). Sums run in file order with
//   Python's float arithmetic ((sum / n) * 100), the score is Python round(x, 2).
// - A task with no predictions scores 0.0 (evaluate.py's `len(references) > 0` guard); nulls are
//   the post-processed predictions of length 0, written "k/n".
// - The folder: every regular `*.jsonl` file is a task named by its stem. evaluate.py first merges
//   RULER's chunk files (`<task>-<k>.jsonl`, name order) into <task>.jsonl; here they are merged
//   in memory and the folder is left as it is (a folder with both is an InputError). A stem that
//   is not a known task is an InputError (evaluate.py skips it silently). Tasks are scored in
//   the task table's order.
// - Each line must be an object with `input`, a string `pred`, `others` (an object) and `index`
//   (unless others has `id`), and references `outputs` (a non-empty list of strings; absent:
//   [`output` or ""]); anything else is an InputError naming FILE:LINE (evaluate.py would crash).
// - summary.csv (summary-<task>.csv for one task) is pandas' DataFrame([['Tasks', ...],
//   ['Score', ...], ['Nulls', ...]]).to_csv(index=False) byte for byte: a header of column
//   numbers, then the three rows, scores as Python's repr of the float. submission.csv is
//   evaluate.py's (Task, ID, Prediction; csv-module quoting).
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/eval/ruler/tasks.h"

namespace ropelab::ruler {

std::string postprocess_pred(std::string_view pred);

// Score of one sample in [0, 1] (before the mean, the * 100 and the rounding).
double sample_match(Metric m, const std::string& pred, const std::vector<std::string>& refs);
// The metric over a task: round(sum(sample_match) / n * 100, 2); 0.0 when preds is empty.
double string_match(Metric m, const std::vector<std::string>& preds,
                    const std::vector<std::vector<std::string>>& refs);

// Python's repr() of a float: shortest round-trip digits, ".0" added to integers, exponent form
// outside [1e-4, 1e16).
std::string py_float_repr(double x);

struct TaskScore {
  std::string task;
  BaseTask base;
  double score = 0;  // percent, rounded to 2 decimals
  size_t num_samples = 0, num_nulls = 0;
  std::vector<std::string> files;        // what was read
  std::vector<std::string> predictions;  // post-processed
  std::vector<nlohmann::json> ids;       // others.id, else index
  std::string nulls() const { return std::to_string(num_nulls) + "/" + std::to_string(num_samples); }
};

std::vector<TaskScore> score_ruler_dir(const std::filesystem::path& dir, const TaskTable& table);

std::string summary_file_name(const std::vector<TaskScore>& scores);  // summary.csv / summary-<task>.csv
std::string summary_csv(const std::vector<TaskScore>& scores);
std::string submission_csv(const std::vector<TaskScore>& scores);
nlohmann::json summary_json(const std::vector<TaskScore>& scores);

}  // namespace ropelab::ruler
