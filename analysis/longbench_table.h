// LongBench result tables: reads eval.py-style result.json files (ours or LongBench's own) and
// renders one row per run with the chosen tasks in a fixed column order, plus both averages:
// the paper's Macro (mean of its 12 English tasks) and the LongBench leaderboard average (mean
// of 6 category means), each labelled as such.
//
// Invariants: the run name is the result file's parent directory name (eval.py writes
// pred/<model>/result.json). A LongBench-E result gives one row per length bucket. Missing
// scores print as a dash (empty in CSV) and make the averages that need them missing too; they
// are never treated as zero. Python's non-standard `NaN` (empty LongBench-E bucket) is accepted.
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ropelab::analysis {

struct LongBenchRow {
  std::string run;                       // parent directory name of the result file
  std::string bucket;                    // "" for LongBench, "0-4k" / "4-8k" / "8k+" for LongBench-E
  std::map<std::string, double> scores;  // dataset -> percent; NaN for an empty bucket
};

// InputError for unreadable files, invalid JSON, unknown dataset keys or non-numeric scores.
std::vector<LongBenchRow> read_longbench_result(const std::filesystem::path& path);

enum class TableFormat { md, latex, csv };
TableFormat table_format_from_string(const std::string& s);  // md | latex | csv
std::string latex_escape(const std::string& s);              // _ & % # $ { } ~ ^ \ escaped

// Columns: run, [bucket when any row has one], `tasks` in the given order, the paper Macro, the
// LongBench EN average, and the LongBench ZH average when `tasks` has a Chinese task.
std::string longbench_table(const std::vector<LongBenchRow>& rows, const std::vector<std::string>& tasks,
                            TableFormat format);

}  // namespace ropelab::analysis
