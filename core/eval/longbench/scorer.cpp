#include "core/eval/longbench/scorer.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/eval/longbench/text.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/strings.h"

namespace ropelab::longbench {

namespace fs = std::filesystem;

namespace {

// Python's text-mode line iteration (universal newlines): "\n", "\r\n" and a lone "\r" end a
// line; a final line without terminator counts, an empty tail after the last terminator doesn't.
std::vector<std::string_view> text_lines(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\n' && s[i] != '\r') continue;
    out.push_back(s.substr(start, i - start));
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < s.size()) out.push_back(s.substr(start));
  return out;
}

std::vector<std::string> string_list(const nlohmann::json& v, const fs::path& path, size_t line,
                                     const char* key) {
  if (!v.is_array())
    fail_input(path.string(), ":", line, ": \"", key, "\" must be a list of strings, got ", v.type_name());
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string())
      fail_input(path.string(), ":", line, ": \"", key, "\" must be a list of strings, but holds a ",
                 e.type_name());
    out.push_back(e.get<std::string>());
  }
  return out;
}

// A non-negative integer field of a prediction line, when present.
std::optional<int64_t> count_field(const nlohmann::json& j, const char* key, const fs::path& path,
                                   size_t line) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (!it->is_number_integer() || it->get<int64_t>() < 0)
    fail_input(path.string(), ":", line, ": \"", key, "\" must be a non-negative integer, got ", it->dump());
  return it->get<int64_t>();
}

ItemInfo parse_item_info(const nlohmann::json& j, const fs::path& path, size_t line) {
  ItemInfo info;
  auto it = j.find("_id");
  if (it != j.end()) {
    if (!it->is_string())
      fail_input(path.string(), ":", line, ": \"_id\" must be a string, got ", it->type_name());
    info.id = it->get<std::string>();
  }
  it = j.find("truncated");
  if (it != j.end()) {
    if (!it->is_boolean())
      fail_input(path.string(), ":", line, ": \"truncated\" must be true or false, got ", it->dump());
    info.truncated = it->get<bool>();
  }
  info.prompt_tokens = count_field(j, "prompt_tokens", path, line);
  info.answer_tokens = count_field(j, "answer_tokens", path, line);
  it = j.find("answer_logprob");
  if (it != j.end() && !it->is_null()) {
    if (!it->is_number() || !(it->get<double>() <= 0))
      fail_input(path.string(), ":", line,
                 ": \"answer_logprob\" must be a number <= 0 (a log-likelihood), got ", it->dump());
    if (!info.answer_tokens)
      fail_input(path.string(), ":", line, ": \"answer_logprob\" without \"answer_tokens\"");
    info.answer_logprob = it->get<double>();
  }
  return info;
}

Prediction parse_line(std::string_view text, const fs::path& path, size_t line,
                      std::optional<std::vector<std::string>>& all_classes) {
  if (line == 1 && text.substr(0, 3) == "\xEF\xBB\xBF")
    fail_input(path.string(), ":1: starts with a UTF-8 byte-order mark (Python's json.loads rejects it)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range.406 ("1e999")
    fail_input(path.string(), ":", line, ": invalid JSON (", e.what(), ")");
  }
  if (!j.is_object()) fail_input(path.string(), ":", line, ": expected a JSON object, got ", j.type_name());
  Prediction p;
  auto it = j.find("pred");
  if (it == j.end() || !it->is_string())
    fail_input(path.string(), ":", line, ": \"pred\" must be present and a string");
  p.pred = it->get<std::string>();
  it = j.find("answers");
  if (it == j.end()) fail_input(path.string(), ":", line, ": \"answers\" is missing");
  p.answers = string_list(*it, path, line, "answers");
  it = j.find("all_classes");
  if (it == j.end()) fail_input(path.string(), ":", line, ": \"all_classes\" is missing (null is allowed)");
  if (it->is_null())
    all_classes.reset();
  else
    all_classes = string_list(*it, path, line, "all_classes");
  it = j.find("length");
  if (it != j.end()) {
    if (!it->is_number())
      fail_input(path.string(), ":", line, ": \"length\" must be a number, got ", it->type_name());
    p.length = it->get<double>();
  }
  p.info = parse_item_info(j, path, line);
  return p;
}

// numpy's pairwise summation for a contiguous float64 array (np.add.reduce): blocks of at most
// 128 summed with 8 accumulators, larger ranges split at a multiple of 8 below the middle.
double numpy_pairwise_sum(const double* a, size_t n) {
  if (n < 8) {
    double res = 0.;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (int k = 0; k < 8; ++k) r[k] = a[k];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (int k = 0; k < 8; ++k) r[k] += a[i + k];
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return numpy_pairwise_sum(a, n2) + numpy_pairwise_sum(a + n2, n - n2);
}

// round(100 * np.mean(v), 2): np.float64.__round__ is np.around, i.e. rint(x * 100) / 100.
double numpy_round2_percent_mean(const std::vector<double>& v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double mean = (0.0 + numpy_pairwise_sum(v.data(), v.size())) / double(v.size());
  const double x = 100 * mean;
  return std::nearbyint(x * 100.0) / 100.0;
}

}  // namespace

PredictionFile read_prediction_file(const fs::path& path) {
  PredictionFile file;
  file.path = path;
  const std::string name = path.filename().string();
  file.dataset = name.substr(0, name.find('.'));
  const std::string text = read_text_file(path);
  size_t line = 0;
  for (std::string_view l : text_lines(text)) {
    ++line;
    file.records.push_back(parse_line(l, path, line, file.all_classes));
  }
  return file;
}

double score_sample(const TaskInfo& task, const std::string& pred, const std::vector<std::string>& answers,
                    const std::optional<std::vector<std::string>>& all_classes, CodeSimBackend backend) {
  if (!metric_supported(task.metric))
    throw std::logic_error(std::string("score_sample: ") + to_string(task.metric) + " (" + task.name +
                           ") is not supported (needs jieba)");
  if (task.metric == MetricKind::classification && !all_classes)
    fail_input("all_classes is null in the last line, but ", task.name, " needs its list of classes");
  const std::string p = task.first_line_trim ? first_line(pred) : pred;
  double score = 0.;
  for (const auto& gt : answers) {
    double s = 0;
    switch (task.metric) {
      case MetricKind::qa_f1:
        s = qa_f1_score(p, gt);
        break;
      case MetricKind::rouge:
        s = rouge_score(p, gt);
        break;
      case MetricKind::classification:
        s = classification_score(p, gt, *all_classes);
        break;
      case MetricKind::retrieval:
        s = retrieval_score(p, gt);
        break;
      case MetricKind::retrieval_zh:
        s = retrieval_zh_score(p, gt);
        break;
      case MetricKind::count:
        s = count_score(p, gt);
        break;
      case MetricKind::code_sim:
        s = code_sim_score(p, gt, backend);
        break;
      case MetricKind::qa_f1_zh:
      case MetricKind::rouge_zh:
        break;  // rejected above
    }
    if (s > score) score = s;
  }
  return score;
}

size_t length_bucket(double length) { return length < 4000 ? 0 : length < 8000 ? 1 : 2; }

DatasetScore score_predictions(const PredictionFile& file, const ScoreOptions& options,
                               std::vector<SampleScore>* samples) {
  const TaskInfo& task = task_info(file.dataset);
  check_input(!file.records.empty(), file.path.string(), ": no predictions (eval.py divides by zero here)");
  DatasetScore out;
  out.dataset = file.dataset;
  out.num_samples = file.records.size();
  double total = 0., fit_total = 0., nll_total = 0.;
  std::array<std::vector<double>, 3> buckets;
  for (size_t i = 0; i < file.records.size(); ++i) {
    const Prediction& r = file.records[i];
    double s;
    try {
      s = score_sample(task, r.pred, r.answers, file.all_classes, options.code_sim_backend);
    } catch (const InputError& e) {
      fail_input(file.path.string(), ":", i + 1, ": ", e.what());
    }
    total += s;
    if (options.longbench_e) {
      if (!r.length)
        fail_input(file.path.string(), ":", i + 1, ": \"length\" is missing (needed for LongBench-E)");
      buckets[length_bucket(*r.length)].push_back(s);
    }
    if (!r.info.truncated) {
      ++out.n_truncation_unknown;
    } else if (*r.info.truncated) {
      ++out.n_truncated;
    } else {
      ++out.n_fit;
      fit_total += s;
    }
    if (r.info.answer_logprob) {
      ++out.n_answer_logprob;
      out.answer_tokens_sum += *r.info.answer_tokens;
      nll_total -= *r.info.answer_logprob;
    }
    if (samples) samples->push_back({file.dataset, i, s, r.info});
  }
  out.score = py_round(100 * total / double(file.records.size()), 2);
  if (out.n_fit > 0) out.fit_score = py_round(100 * fit_total / double(out.n_fit), 2);
  if (out.answer_tokens_sum > 0) out.answer_nll = nll_total / double(out.answer_tokens_sum);
  for (size_t b = 0; b < 3; ++b) {
    out.bucket_sizes[b] = buckets[b].size();
    out.buckets[b] = options.longbench_e ? numpy_round2_percent_mean(buckets[b])
                                         : std::numeric_limits<double>::quiet_NaN();
  }
  return out;
}

ScoreReport score_prediction_dir(const fs::path& dir, const ScoreOptions& options) {
  check_input(fs::is_directory(dir), dir.string(),
              ": not a directory (expected a folder of LongBench *.jsonl predictions)");
  std::map<std::string, fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    // eval.py tests name.endswith("jsonl"); we require the ".jsonl" extension.
    if (!entry.is_regular_file() || name.size() < 6 || name.compare(name.size() - 6, 6, ".jsonl") != 0)
      continue;
    const std::string dataset = name.substr(0, name.find('.'));
    if (!find_task(dataset))
      fail_input(entry.path().string(), ": '", dataset,
                 "' (the file name up to its first '.') is not a LongBench dataset; valid: ",
                 join(all_task_names(), ", "));
    auto [it, inserted] = files.emplace(dataset, entry.path());
    if (!inserted)
      fail_input(dir.string(), ": two prediction files for dataset '", dataset,
                 "': ", it->second.filename().string(), " and ", name,
                 " (eval.py would keep an arbitrary one)");
  }
  check_input(!files.empty(), dir.string(), ": no *.jsonl prediction files");
  ScoreReport report;
  report.options = options;
  for (const auto& [dataset, path] : files) {
    if (!metric_supported(task_info(dataset).metric)) {
      report.unsupported.push_back(dataset);
      continue;
    }
    report.datasets.push_back(score_predictions(read_prediction_file(path), options, &report.samples));
  }
  return report;
}

nlohmann::json result_json(const ScoreReport& report) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& d : report.datasets) {
    if (!report.options.longbench_e) {
      j[d.dataset] = d.score;
      continue;
    }
    nlohmann::json b = nlohmann::json::object();
    for (size_t k = 0; k < 3; ++k)
      b[kLengthBuckets[k]] =
          std::isnan(d.buckets[k]) ? nlohmann::json(nullptr) : nlohmann::json(d.buckets[k]);
    j[d.dataset] = b;
  }
  return j;
}

nlohmann::json per_sample_json(const ScoreReport& report) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& s : report.samples)
    j.push_back({{"dataset", s.dataset}, {"index", s.index}, {"score", s.score}});
  return j;
}

namespace {

CategoryAverage category_average(const std::map<std::string, double>& scores, Language lang) {
  static const Category kCategories[] = {Category::single_doc_qa, Category::multi_doc_qa,
                                         Category::summarization, Category::few_shot,
                                         Category::synthetic,     Category::code};
  CategoryAverage out;
  double sum_of_means = 0;
  for (Category c : kCategories) {
    double sum = 0;
    int n = 0;
    bool complete = true;
    for (const auto& t : all_tasks()) {
      if (t.category != c || (t.language != lang && t.language != Language::code)) continue;
      auto it = scores.find(t.name);
      if (it == scores.end() || std::isnan(it->second)) {
        out.missing.push_back(t.name);
        complete = false;
        continue;
      }
      sum += it->second;
      ++n;
    }
    if (!complete) continue;
    const double mean = sum / n;
    out.category_means.emplace_back(c, mean);
    sum_of_means += mean;
  }
  if (out.missing.empty()) out.value = sum_of_means / 6;
  return out;
}

}  // namespace

Aggregates aggregate_scores(const std::map<std::string, double>& scores) {
  Aggregates a;
  double sum = 0;
  for (const auto& name : paper12_tasks()) {
    auto it = scores.find(name);
    if (it == scores.end() || std::isnan(it->second))
      a.paper_missing.push_back(name);
    else
      sum += it->second;
  }
  if (a.paper_missing.empty()) a.paper_macro = sum / double(paper12_tasks().size());
  a.longbench_en = category_average(scores, Language::en);
  a.longbench_zh = category_average(scores, Language::zh);
  return a;
}

}  // namespace ropelab::longbench
