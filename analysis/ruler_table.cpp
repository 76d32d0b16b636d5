#include "analysis/ruler_table.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/numbers.h"
#include "core/util/strings.h"

namespace ropelab::analysis {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) out.push_back(cell);
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

std::string ruler_fmt2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

double RulerSummary::average() const {
  double sum = 0;
  for (double s : scores) sum += s;
  return scores.empty() ? 0.0 : sum / double(scores.size());
}

RulerSummary read_ruler_summary(const fs::path& path) {
  std::istringstream in(read_text_file(path));
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) rows.push_back(split_csv_line(line));
  }
  const std::string bad =
      path.string() +
      ": not a RULER summary.csv (evaluate.py writes a header, then Tasks, Score, Nulls rows)";
  check_input(rows.size() == 4 && rows[1].size() >= 2 && rows[1][0] == "Tasks" &&
                  rows[2].size() == rows[1].size() && rows[2][0] == "Score" && rows[3][0] == "Nulls",
              bad);
  RulerSummary s;
  s.path = path;
  for (size_t c = 1; c < rows[1].size(); ++c) {
    s.tasks.push_back(rows[1][c]);
    char* end = nullptr;
    const double v = std::strtod(rows[2][c].c_str(), &end);
    check_input(!rows[2][c].empty() && end && *end == '\0', path.string(), ": score of ", rows[1][c], " ('",
                rows[2][c], "') is not a number");
    s.scores.push_back(v);
  }
  return s;
}

RulerRun read_ruler_run(const std::string& spec) {
  const size_t eq = spec.find('=');
  RulerRun run;
  fs::path dir = eq == std::string::npos ? fs::path(spec) : fs::path(spec.substr(eq + 1));
  run.name =
      eq == std::string::npos ? fs::absolute(dir).lexically_normal().filename().string() : spec.substr(0, eq);
  if (run.name.empty()) run.name = dir.parent_path().filename().string();
  check_input(fs::is_directory(dir), "--run ", spec, ": ", dir.string(), " is not a directory");
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    if (!e.is_directory() || !all_digits(n)) continue;
    fs::path csv = e.path() / "summary.csv";
    if (!fs::exists(csv)) csv = e.path() / "pred" / "summary.csv";
    check_input(fs::exists(csv), e.path().string(),
                ": no summary.csv (nor pred/summary.csv); run `ropelab ruler score` there");
    const auto length = parse_int64(n);
    check_input(length.has_value(), e.path().string(), ": length folder name is out of range");
    run.by_length[*length] = read_ruler_summary(csv);
  }
  check_input(!run.by_length.empty(), "--run ", spec, ": no length folders (DIR/<length>/summary.csv) in ",
              dir.string());
  return run;
}

std::optional<int64_t> effective_length(const RulerRun& run, double threshold) {
  std::optional<int64_t> eff;
  for (const auto& [len, s] : run.by_length) {  // ascending lengths
    if (s.average() < threshold) break;
    eff = len;
  }
  return eff;
}

std::string ruler_table(const std::vector<RulerRun>& runs, double threshold, TableFormat format) {
  check_input(!runs.empty(), "report ruler: no runs");
  const RulerSummary& first = runs.front().by_length.begin()->second;
  std::set<int64_t> lengths;
  for (const auto& r : runs)
    for (const auto& [len, s] : r.by_length) {
      lengths.insert(len);
      std::set<std::string> a(s.tasks.begin(), s.tasks.end()), b(first.tasks.begin(), first.tasks.end());
      check_input(a == b, s.path.string(), ": tasks (", ropelab::join(s.tasks, ", "), ") differ from ",
                  first.path.string(), " (", ropelab::join(first.tasks, ", "),
                  "); averages over different task sets are not comparable");
    }
  auto eff_text = [&](const RulerRun& r, const std::string& none) {
    const auto e = effective_length(r, threshold);
    return e ? std::to_string(*e) : none;
  };
  std::ostringstream os;
  // One line per run, in any of the formats: begin + name(run), then sep + each length's average
  // (fmt) or `missing`, then sep + the effective length (or `none`) + end.
  auto rows = [&](const auto& name, const std::string& begin, const std::string& sep, const auto& fmt,
                  const std::string& missing, const std::string& none, const std::string& end) {
    for (const auto& r : runs) {
      os << begin << name(r.name);
      for (auto L : lengths) {
        const auto it = r.by_length.find(L);
        os << sep << (it == r.by_length.end() ? missing : fmt(it->second.average()));
      }
      os << sep << eff_text(r, none) << end;
    }
  };
  auto json_number = [](double v) { return nlohmann::json(v).dump(); };
  if (format == TableFormat::csv) {
    os << "run";
    for (auto L : lengths) os << "," << L;
    os << ",effective_length,threshold\n";
    rows([](const std::string& n) { return csv_field(n); }, "", ",", json_number, "", "",
         "," + json_number(threshold) + "\n");
    return os.str();
  }
  const std::string none = "< " + std::to_string(*lengths.begin());
  const std::string note =
      "Average of the " + std::to_string(first.tasks.size()) +
      " RULER task scores per length; effective length: the longest length whose average, "
      "and every shorter one's, is >= " +
      ruler_fmt2(threshold) + ".";
  if (format == TableFormat::md) {
    os << "| Run |";
    for (auto L : lengths) os << " " << L << " |";
    os << " Effective length |\n|---|";
    for (size_t i = 0; i < lengths.size(); ++i) os << "---:|";
    os << "---:|\n";
    rows([](const std::string& n) { return n; }, "| ", " | ", ruler_fmt2, "–", none, " |\n");
    os << "\n" << note << "\n";
    return os.str();
  }
  os << "\\begin{tabular}{l";
  for (size_t i = 0; i <= lengths.size(); ++i) os << "r";
  os << "}\n\\toprule\nRun";
  for (auto L : lengths) os << " & " << L;
  os << " & Effective \\\\\n\\midrule\n";
  rows([](const std::string& n) { return latex_escape(n); }, "", " & ", ruler_fmt2, "--",
       "$<$ " + std::to_string(*lengths.begin()), " \\\\\n");
  os << "\\bottomrule\n\\end{tabular}\n% " << note << "\n";
  return os.str();
}

}  // namespace ropelab::analysis
