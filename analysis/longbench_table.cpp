#include "analysis/longbench_table.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "core/eval/longbench/scorer.h"
#include "core/eval/longbench/tasks.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/strings.h"

namespace ropelab::analysis {

namespace fs = std::filesystem;
namespace lb = ropelab::longbench;

namespace {

// eval.py writes empty LongBench-E buckets as the bare token NaN (json.dump's default); turn
// those tokens (outside strings) into null so a standard parser accepts the file.
std::string nan_to_null(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < text.size())
        out.push_back(text[++i]);
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
      out.push_back(c);
    } else if (text.compare(i, 3, "NaN") == 0) {
      out += "null";
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

double score_value(const nlohmann::json& v, const fs::path& path, const std::string& key) {
  if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!v.is_number())
    fail_input(path.string(), ": score of '", key, "' must be a number, got ", v.type_name());
  return v.get<double>();
}

std::string run_name(const fs::path& path) {
  const fs::path parent = fs::absolute(path).lexically_normal().parent_path();
  return parent.filename().string();
}

struct Column {
  std::string md_label, csv_label;
};

std::string fmt2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

std::string latex_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '_':
      case '&':
      case '%':
      case '#':
      case '$':
      case '{':
      case '}':
        out += '\\';
        out += c;
        break;
      case '~':
        out += "\\textasciitilde{}";
        break;
      case '^':
        out += "\\textasciicircum{}";
        break;
      case '\\':
        out += "\\textbackslash{}";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<LongBenchRow> read_longbench_result(const fs::path& path) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(nan_to_null(read_text_file(path)));
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range.406 ("1e999")
    fail_input(path.string(), ": invalid JSON (", e.what(), ")");
  }
  if (!j.is_object() || j.empty())
    fail_input(path.string(),
               ": expected a non-empty object {dataset: score} as written by LongBench's eval.py");
  bool any_plain = false, any_buckets = false;
  for (const auto& [key, v] : j.items()) {
    if (!lb::find_task(key))
      fail_input(path.string(), ": '", key,
                 "' is not a LongBench dataset; valid: ", join(lb::all_task_names(), ", "));
    (v.is_object() ? any_buckets : any_plain) = true;
  }
  if (any_plain && any_buckets)
    fail_input(path.string(), ": mixes LongBench scores and LongBench-E bucket objects");
  const std::string run = run_name(path);
  if (any_plain) {
    LongBenchRow row{run, "", {}};
    for (const auto& [key, v] : j.items()) row.scores[key] = score_value(v, path, key);
    return {row};
  }
  std::vector<LongBenchRow> rows;
  for (const char* bucket : lb::kLengthBuckets) {
    LongBenchRow row{run, bucket, {}};
    for (const auto& [key, v] : j.items()) {
      auto it = v.find(bucket);
      if (it == v.end()) fail_input(path.string(), ": '", key, "' has no \"", bucket, "\" bucket");
      row.scores[key] = score_value(*it, path, key + "/" + bucket);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

TableFormat table_format_from_string(const std::string& s) {
  if (s == "md") return TableFormat::md;
  if (s == "latex") return TableFormat::latex;
  if (s == "csv") return TableFormat::csv;
  fail_input("unknown table format '", s, "'; valid: md, latex, csv");
}

std::string longbench_table(const std::vector<LongBenchRow>& rows, const std::vector<std::string>& tasks,
                            TableFormat format) {
  bool with_bucket = false;
  for (const auto& r : rows) with_bucket |= !r.bucket.empty();
  bool with_zh = false;
  for (const auto& t : tasks) with_zh |= lb::task_info(t).language == lb::Language::zh;

  std::vector<Column> columns = {{"Run", "run"}};
  if (with_bucket) columns.push_back({"Length", "bucket"});
  for (const auto& t : tasks) columns.push_back({t, t});
  columns.push_back({"Macro (12 EN)", "paper_macro12"});
  columns.push_back({"LongBench EN avg", "longbench_en_avg"});
  if (with_zh) columns.push_back({"LongBench ZH avg", "longbench_zh_avg"});

  // Cells as optional numbers after the label columns.
  std::vector<std::vector<std::optional<double>>> values;
  for (const auto& r : rows) {
    std::vector<std::optional<double>> v;
    for (const auto& t : tasks) {
      auto it = r.scores.find(t);
      v.push_back(it == r.scores.end() || std::isnan(it->second) ? std::nullopt
                                                                 : std::optional<double>(it->second));
    }
    const lb::Aggregates a = lb::aggregate_scores(r.scores);
    v.push_back(a.paper_macro);
    v.push_back(a.longbench_en.value);
    if (with_zh) v.push_back(a.longbench_zh.value);
    values.push_back(std::move(v));
  }
  const size_t label_cols = with_bucket ? 2 : 1;

  std::ostringstream os;
  const std::string note =
      "Macro (12 EN): unweighted mean of the paper's 12 English task scores. LongBench EN avg: mean of the 6 "
      "category means over the 16 English and code tasks (the LongBench leaderboard's average)." +
      std::string(with_zh ? " LongBench ZH avg: mean of the 5 Chinese tasks and the Code category mean."
                          : "") +
      " Averages use the rounded task scores and are left blank when a task they cover is missing.";
  if (format == TableFormat::csv) {
    for (size_t c = 0; c < columns.size(); ++c) os << (c ? "," : "") << csv_field(columns[c].csv_label);
    os << "\n";
    for (size_t r = 0; r < rows.size(); ++r) {
      os << csv_field(rows[r].run);
      if (with_bucket) os << "," << csv_field(rows[r].bucket);
      for (const auto& v : values[r]) os << "," << (v ? nlohmann::json(*v).dump() : "");
      os << "\n";
    }
    return os.str();
  }
  if (format == TableFormat::md) {
    os << "|";
    for (const auto& c : columns) os << " " << c.md_label << " |";
    os << "\n|";
    for (size_t c = 0; c < columns.size(); ++c) os << (c < label_cols ? "---|" : "---:|");
    os << "\n";
    for (size_t r = 0; r < rows.size(); ++r) {
      os << "| " << rows[r].run << " |";
      if (with_bucket) os << " " << rows[r].bucket << " |";
      for (const auto& v : values[r]) os << " " << (v ? fmt2(*v) : "–") << " |";
      os << "\n";
    }
    os << "\n" << note << "\n";
    return os.str();
  }
  os << "% " << note << "\n";
  os << "\\begin{tabular}{" << std::string(label_cols, 'l') << std::string(columns.size() - label_cols, 'r')
     << "}\n";
  os << "\\toprule\n";
  for (size_t c = 0; c < columns.size(); ++c) os << (c ? " & " : "") << latex_escape(columns[c].md_label);
  os << " \\\\\n\\midrule\n";
  for (size_t r = 0; r < rows.size(); ++r) {
    os << latex_escape(rows[r].run);
    if (with_bucket) os << " & " << latex_escape(rows[r].bucket);
    for (const auto& v : values[r]) os << " & " << (v ? fmt2(*v) : "--");
    os << " \\\\\n";
  }
  os << "\\bottomrule\n\\end{tabular}\n";
  return os.str();
}

}  // namespace ropelab::analysis
