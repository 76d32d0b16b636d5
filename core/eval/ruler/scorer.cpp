#include "core/eval/ruler/scorer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <regex>

#include "core/eval/longbench/metrics.h"
#include "core/eval/longbench/text.h"
#include "core/io/jsonl.h"
#include "core/util/error.h"
#include "core/util/strings.h"

namespace ropelab::ruler {

namespace fs = std::filesystem;

std::string postprocess_pred(std::string_view pred) {
  std::string s = longbench::py_strip(pred);
  for (char& c : s)  // UTF-8 continuation and lead bytes are >= 0x80: only ASCII controls match
    if (static_cast<unsigned char>(c) <= 0x1f) c = '\n';
  return longbench::py_strip(s);
}

double sample_match(Metric m, const std::string& pred, const std::vector<std::string>& refs) {
  const std::string p = longbench::py_lower(pred);
  double hits = 0, best = 0;
  for (const auto& r : refs) {
    const double hit = p.find(longbench::py_lower(r)) != std::string::npos ? 1.0 : 0.0;
    hits += hit;
    best = std::max(best, hit);
  }
  return m == Metric::string_match_all ? hits / double(refs.size()) : best;
}

double string_match(Metric m, const std::vector<std::string>& preds,
                    const std::vector<std::vector<std::string>>& refs) {
  if (preds.empty()) return 0.0;
  double sum = 0;
  for (size_t i = 0; i < preds.size(); ++i) sum += sample_match(m, preds[i], refs[i]);
  return longbench::py_round(sum / double(preds.size()) * 100, 2);
}

std::string py_float_repr(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  const double a = std::fabs(x);
  const bool fixed = a == 0 || (a >= 1e-4 && a < 1e16);
  auto r = std::to_chars(buf, buf + sizeof buf, x,
                         fixed ? std::chars_format::fixed : std::chars_format::scientific);
  std::string s(buf, r.ptr);
  if (fixed && s.find('.') == std::string::npos) s += ".0";
  if (!fixed) {  // C++ writes 1e+16 like Python; Python writes at least two exponent digits too
    const size_t e = s.find('e');
    if (e != std::string::npos && s.size() - e == 3) s.insert(e + 2, "0");
  }
  return s;
}

namespace {

struct Line {
  std::string pred;
  std::vector<std::string> refs;
  nlohmann::json id;
};

std::vector<Line> read_prediction_lines_of(const std::string& path) {
  std::vector<Line> out;
  for (auto& rec : read_jsonl(path)) {
    const auto& v = rec.value;
    check_input(v.is_object(), rec.where, ": expected a JSON object (a RULER prediction line)");
    check_input(v.contains("input"), rec.where, ": missing \"input\"");
    check_input(v.contains("pred") && v["pred"].is_string(), rec.where, ": missing string \"pred\"");
    check_input(v.contains("others") && v["others"].is_object(), rec.where, ": missing \"others\" object");
    Line l;
    l.pred = postprocess_pred(v["pred"].get<std::string>());
    if (v["others"].contains("id")) {
      l.id = v["others"]["id"];
    } else {
      check_input(v.contains("index"), rec.where, ": missing \"index\" (and others has no \"id\")");
      l.id = v["index"];
    }
    if (v.contains("outputs")) {
      check_input(v["outputs"].is_array() && !v["outputs"].empty(), rec.where,
                  ": \"outputs\" must be a non-empty list of reference strings");
      for (const auto& o : v["outputs"]) {
        check_input(o.is_string(), rec.where, ": \"outputs\" must hold strings");
        l.refs.push_back(o.get<std::string>());
      }
    } else {
      const nlohmann::json o = v.value("output", nlohmann::json(""));
      check_input(o.is_string(), rec.where, ": \"output\" must be a string");
      l.refs.push_back(o.get<std::string>());
    }
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace

std::vector<TaskScore> score_ruler_dir(const fs::path& dir, const TaskTable& table) {
  check_input(fs::is_directory(dir), dir.string(),
              ": not a directory (a folder of RULER <task>.jsonl predictions)");
  // evaluate.py's aggregate_chunk: re.match(r'.*[^_]+-\d+\.jsonl'), task = name up to the last '-'.
  static const std::regex chunk_re(R"(.*[^_]+-\d+\.jsonl)");
  std::map<std::string, std::vector<std::string>> files;  // task -> files, in name order
  std::map<std::string, bool> whole;                      // task -> has <task>.jsonl
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".jsonl") entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  for (const auto& p : entries) {
    const std::string name = p.filename().string();
    std::string task = p.stem().string();
    const bool chunk = std::regex_match(name, chunk_re) && !table.known(task);
    if (chunk) task = name.substr(0, name.rfind('-'));
    check_input(table.known(task), p.string(), ": '", task, "' is not a RULER task (known: ", table.names(),
                ")");
    if (!chunk) whole[task] = true;
    files[task].push_back(p.string());
  }
  for (const auto& [task, f] : files)
    check_input(!(whole.count(task) && f.size() > 1), dir.string(), ": both ", task,
                ".jsonl and chunk files ", task, "-<k>.jsonl; keep one (evaluate.py would replace ", task,
                ".jsonl with the chunks)");
  check_input(!files.empty(), dir.string(), ": no RULER prediction files (<task>.jsonl)");

  std::vector<TaskScore> out;
  for (const auto& task : table.order()) {
    const auto it = files.find(task);
    if (it == files.end()) continue;
    TaskScore ts;
    ts.task = task;
    ts.base = table.base(task);
    ts.files = it->second;
    std::vector<std::string> preds;
    std::vector<std::vector<std::string>> refs;
    for (const auto& f : it->second)
      for (auto& l : read_prediction_lines_of(f)) {
        ts.num_nulls += l.pred.empty();
        preds.push_back(l.pred);
        refs.push_back(std::move(l.refs));
        ts.ids.push_back(std::move(l.id));
      }
    ts.num_samples = preds.size();
    ts.score = string_match(metric_of(ts.base), preds, refs);
    ts.predictions = std::move(preds);
    out.push_back(std::move(ts));
  }
  return out;
}

std::string summary_file_name(const std::vector<TaskScore>& scores) {
  return scores.size() > 1 ? "summary.csv" : "summary-" + scores.at(0).task + ".csv";
}

namespace {

std::string id_text(const nlohmann::json& id) {
  if (id.is_string()) return id.get<std::string>();
  if (id.is_number_float()) return py_float_repr(id.get<double>());
  return id.dump();
}

}  // namespace

std::string summary_csv(const std::vector<TaskScore>& scores) {
  std::string header = "0", tasks = "Tasks", score = "Score", nulls = "Nulls";
  for (size_t i = 0; i < scores.size(); ++i) {
    header += "," + std::to_string(i + 1);
    tasks += "," + csv_field(scores[i].task);
    score += "," + py_float_repr(scores[i].score);
    nulls += "," + scores[i].nulls();
  }
  return header + "\n" + tasks + "\n" + score + "\n" + nulls + "\n";
}

std::string submission_csv(const std::vector<TaskScore>& scores) {
  std::string out = "Task,ID,Prediction\n";
  for (const auto& t : scores)
    for (size_t i = 0; i < t.predictions.size(); ++i)
      out +=
          csv_field(t.task) + "," + csv_field(id_text(t.ids[i])) + "," + csv_field(t.predictions[i]) + "\n";
  return out;
}

nlohmann::json summary_json(const std::vector<TaskScore>& scores) {
  nlohmann::json tasks = nlohmann::json::array();
  for (const auto& t : scores)
    tasks.push_back({{"task", t.task},
                     {"base_task", to_string(t.base)},
                     {"metric", to_string(metric_of(t.base))},
                     {"score", t.score},
                     {"nulls", t.nulls()},
                     {"num_samples", t.num_samples},
                     {"num_nulls", t.num_nulls},
                     {"files", t.files}});
  return {{"benchmark", "RULER"}, {"summary_csv", summary_file_name(scores)}, {"tasks", tasks}};
}

}  // namespace ropelab::ruler
