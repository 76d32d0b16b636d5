// RULER results over context lengths: reads evaluate.py's summary.csv files (ours or RULER's own),
// averages the task scores per length and finds the effective length.
//
// Invariants:
// - A run is NAME=DIR; DIR holds one folder per length named by the length in tokens (RULER's
//   benchmark_root/<model>/synthetic/<length>/ layout), each with summary.csv directly or in
//   pred/. A run without any length folder, or a summary.csv not in evaluate.py's format
//   (header, Tasks, Score, Nulls rows), is an InputError naming the path.
// - The average at a length is the unweighted mean of that summary's (rounded) task scores, as
//   RULER's paper averages its 13 tasks. All summaries of all runs must hold the same task set,
//   otherwise the averages are not comparable (an InputError naming the file).
// - Effective length: the largest length L such that the average is >= threshold at L and at
//   every shorter length of the run; none when the shortest length already falls below (RULER:
//   the threshold 85.6 is LLaMA-2-7B's average at 4k).
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/longbench_table.h"

namespace ropelab::analysis {

struct RulerSummary {
  std::filesystem::path path;
  std::vector<std::string> tasks;
  std::vector<double> scores;
  double average() const;
};

RulerSummary read_ruler_summary(const std::filesystem::path& path);

struct RulerRun {
  std::string name;
  std::map<int64_t, RulerSummary> by_length;
};

// "NAME=DIR" (or DIR, named by its last component).
RulerRun read_ruler_run(const std::string& spec);

std::optional<int64_t> effective_length(const RulerRun& run, double threshold);

// Rows: runs; columns: every length of any run (blank where a run lacks it), the effective length.
std::string ruler_table(const std::vector<RulerRun>& runs, double threshold, TableFormat format);

}  // namespace ropelab::analysis
