// Scoring a folder of LongBench predictions like LongBench's eval.py (docs/longbench-scoring.md
// §5), and the leaderboard/paper aggregations of §6 and method.md §5.
//
// Invariants:
// - Every `*.jsonl` regular file in the folder is a dataset named by the file name up to its
//   first '.'; an unknown name, two files for one dataset, or an empty folder is an InputError.
// - Each line must be one JSON object {"pred": str, "answers": [str], "all_classes": [str] | null,
//   "length": number (required for LongBench-E)}; anything else is an InputError naming the file
//   and the 1-based line number. (eval.py would crash on the same lines.)
// - Sample score = max(0., max over answers); dataset score = Python round(100 * sum / N, 2),
//   summing in file order. LongBench-E buckets by `length` (< 4000, < 8000, else) and uses
//   numpy's mean (pairwise sum) and numpy's round; an empty bucket is NaN (null in JSON, where
//   Python writes the non-standard NaN).
// - ropelab's extra fields (core/eval/longbench/runner.h: `_id`, `truncated`, `prompt_tokens`,
//   `answer_logprob`, `answer_tokens`) are optional per line, so pred.py's files and lines from
//   older ropelab runs score as before; when present they must have the right type (InputError
//   FILE:LINE otherwise). They never change the official score; they give the `fit` score (over
//   lines with truncated == false; lines without `truncated` count as unknown and are in neither
//   fit nor truncated) and answer_nll (over lines with both answer fields; a null answer_logprob,
//   what a non-finite value is written as, counts as absent).
// - Datasets whose metric needs jieba are never scored: they are listed as unsupported.
// - Aggregates use the rounded per-task scores and are computed only when every task they need
//   is present; otherwise they are absent and the missing tasks are named.
#pragma once
#include <array>
#include <cstddef>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/eval/longbench/metrics.h"
#include "core/eval/longbench/tasks.h"

namespace ropelab::longbench {

struct ScoreOptions {
  CodeSimBackend code_sim_backend = CodeSimBackend::difflib;  // the official result.json's backend
  bool longbench_e = false;                                   // eval.py's "e" flag (LongBench-E)
};

// ropelab's per-line fields beside pred.py's; each absent on lines that lack it.
struct ItemInfo {
  std::optional<std::string> id;         // "_id"
  std::optional<bool> truncated;         // middle truncation cut the prompt
  std::optional<int64_t> prompt_tokens;  // untruncated prompt length, BOS included
  std::optional<double> answer_logprob;  // teacher-forced ln p(reference answer), summed (<= 0)
  std::optional<int64_t> answer_tokens;  // present whenever answer_logprob is
};

// One line of a pred.py output file.
struct Prediction {
  std::string pred;
  std::vector<std::string> answers;
  std::optional<double> length;  // the `length` field (words or characters), when present
  ItemInfo info;
};

struct PredictionFile {
  std::filesystem::path path;
  std::string dataset;
  std::vector<Prediction> records;
  // eval.py keeps `all_classes` of the last line read; nullopt when that value is null.
  std::optional<std::vector<std::string>> all_classes;
};

PredictionFile read_prediction_file(const std::filesystem::path& path);

// max(0., max over answers of metric(pred, answer)), with the first-line trim where the task
// has one. `all_classes` is required only by classification tasks (InputError if null there).
// std::logic_error for a task whose metric is unsupported (check metric_supported first).
double score_sample(const TaskInfo& task, const std::string& pred, const std::vector<std::string>& answers,
                    const std::optional<std::vector<std::string>>& all_classes, CodeSimBackend backend);

constexpr std::array<const char*, 3> kLengthBuckets = {"0-4k", "4-8k", "8k+"};
size_t length_bucket(double length);  // 0: < 4000, 1: < 8000, 2: otherwise

struct DatasetScore {
  std::string dataset;
  size_t num_samples = 0;
  double score = 0;                 // round(100 * mean, 2)
  std::array<double, 3> buckets{};  // LongBench-E only; NaN where empty
  std::array<size_t, 3> bucket_sizes{};
  // The official metric over the items whose prompt fit (truncated == false), rounded as `score`;
  // absent when no line says it fit.
  std::optional<double> fit_score;
  size_t n_fit = 0, n_truncated = 0, n_truncation_unknown = 0;
  // Mean per-token negative log-likelihood of the reference answers, sum(-answer_logprob) /
  // sum(answer_tokens) over the lines having both; absent when those tokens sum to 0.
  std::optional<double> answer_nll;
  size_t n_answer_logprob = 0;    // lines that have it
  int64_t answer_tokens_sum = 0;  // over those lines
};

struct SampleScore {
  std::string dataset;
  size_t index;  // 0-based line number
  double score;  // in [0, 1]
  ItemInfo info;
};

struct ScoreReport {
  ScoreOptions options;
  std::vector<DatasetScore> datasets;    // sorted by dataset name
  std::vector<std::string> unsupported;  // datasets found but not scored (jieba metrics)
  std::vector<SampleScore> samples;      // every sample of every scored dataset
};

DatasetScore score_predictions(const PredictionFile& file, const ScoreOptions& options,
                               std::vector<SampleScore>* samples = nullptr);
ScoreReport score_prediction_dir(const std::filesystem::path& dir, const ScoreOptions& options);

// eval.py's result.json: {dataset: score}, or {dataset: {"0-4k": s, "4-8k": s, "8k+": s}}.
nlohmann::json result_json(const ScoreReport& report);
// [{"dataset": ..., "index": ..., "score": ...}, ...]
nlohmann::json per_sample_json(const ScoreReport& report);

// --- aggregation --------------------------------------------------------------------------------

constexpr const char* kPaperMacroLabel = "Macro (paper: mean of 12 EN tasks)";
constexpr const char* kLongBenchEnAvgLabel = "LongBench EN avg (mean of 6 category means)";
constexpr const char* kLongBenchZhAvgLabel = "LongBench ZH avg (mean of 6 category means)";

struct CategoryAverage {
  std::optional<double> value;                              // absent when a task is missing
  std::vector<std::pair<Category, double>> category_means;  // categories that are complete
  std::vector<std::string> missing;
};

struct Aggregates {
  std::optional<double> paper_macro;  // unweighted mean of the 12 paper tasks
  std::vector<std::string> paper_missing;
  CategoryAverage longbench_en;  // 6 categories over the 16 en + code tasks
  CategoryAverage longbench_zh;  // 5 one-task Chinese categories + the shared Code category
};

// `scores`: dataset -> score (percent, as in result.json); NaN counts as missing.
Aggregates aggregate_scores(const std::map<std::string, double>& scores);

}  // namespace ropelab::longbench
