// `ropelab longbench-score` and `ropelab report-longbench`: LongBench's eval.py on a folder of
// predictions, and result tables over one or more result.json files.
//
// longbench-score writes result.json (eval.py's format), result_items.json (fit/overall scores,
// answer NLL and per-item values: core/eval/longbench/result_items.h) and, with --per-sample, per_sample.json
// into the prediction folder, each atomically. Both are derived from the predictions and are
// regenerated on every run, as eval.py does, with one guard: an existing result.json holding
// scores this run would not write again (LongBench's own file with the Chinese tasks, or the other
// LongBench/LongBench-E mode) is replaced only with --overwrite, so reference results are never
// lost silently. No file it writes ends in ".jsonl", so a rerun never mistakes an output for a
// prediction file. Datasets that need jieba are listed as unsupported and left out of result.json
// instead of being scored wrongly.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>

#include "analysis/longbench_table.h"
#include "core/eval/longbench/result_items.h"
#include "core/eval/longbench/scorer.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/strings.h"
#include "experiments/eval_cli.h"

namespace ropelab {

namespace {

namespace lb = ropelab::longbench;

std::string fmt2(double v) {
  if (std::isnan(v)) return "NaN";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

void print_aggregates(std::ostream& os, const std::map<std::string, double>& scores,
                      const std::string& indent) {
  const lb::Aggregates a = lb::aggregate_scores(scores);
  os << indent << lb::kPaperMacroLabel << ": "
     << (a.paper_macro ? fmt2(*a.paper_macro) : "n/a (missing: " + join(a.paper_missing, ", ") + ")") << "\n";
  os << indent << lb::kLongBenchEnAvgLabel << ": "
     << (a.longbench_en.value ? fmt2(*a.longbench_en.value)
                              : "n/a (missing: " + join(a.longbench_en.missing, ", ") + ")")
     << "\n";
  if (a.longbench_zh.value)
    os << indent << lb::kLongBenchZhAvgLabel << ": " << fmt2(*a.longbench_zh.value) << "\n";
}

// The fit/overall split and the answer NLL, for predictions that carry ropelab's fields.
void print_fit_and_nll(std::ostream& os, const lb::ScoreReport& r) {
  bool any = false;
  for (const auto& d : r.datasets) any |= d.n_truncation_unknown < d.num_samples || d.n_answer_logprob > 0;
  if (!any) return;
  char line[256];
  std::snprintf(line, sizeof line, "  %-22s %14s %14s %9s %12s\n", "dataset", "fit (n)", "overall (n)",
                "unknown", "answer NLL");
  os << line;
  for (const auto& d : r.datasets) {
    const std::string fit = (d.fit_score ? fmt2(*d.fit_score) : "n/a") + " (" + std::to_string(d.n_fit) + ")",
                      all = fmt2(d.score) + " (" + std::to_string(d.num_samples) + ")";
    char nll[32] = "n/a";
    if (d.answer_nll) std::snprintf(nll, sizeof nll, "%.4f", *d.answer_nll);
    std::snprintf(line, sizeof line, "  %-22s %14s %14s %9zu %12s\n", d.dataset.c_str(), fit.c_str(),
                  all.c_str(), d.n_truncation_unknown, nll);
    os << line;
  }
  os << "  (fit: items whose prompt was not truncated; unknown: lines without `truncated`; answer NLL: nats "
        "per reference-answer token, teacher-forced)\n";
}

void print_report(std::ostream& os, const lb::ScoreReport& r) {
  os << "LongBench" << (r.options.longbench_e ? "-E" : "")
     << " scores (code_sim backend: " << lb::to_string(r.options.code_sim_backend) << ")\n";
  char line[256];
  if (!r.options.longbench_e) {
    std::snprintf(line, sizeof line, "  %-22s %-22s %5s %8s\n", "dataset", "metric", "N", "score");
    os << line;
    std::map<std::string, double> scores;
    for (const auto& d : r.datasets) {
      std::snprintf(line, sizeof line, "  %-22s %-22s %5zu %8s\n", d.dataset.c_str(),
                    lb::to_string(lb::task_info(d.dataset).metric), d.num_samples, fmt2(d.score).c_str());
      os << line;
      scores[d.dataset] = d.score;
    }
    print_aggregates(os, scores, "  ");
  } else {
    std::snprintf(line, sizeof line, "  %-22s %-22s %5s %14s %14s %14s\n", "dataset", "metric", "N",
                  "0-4k (n)", "4-8k (n)", "8k+ (n)");
    os << line;
    std::array<std::map<std::string, double>, 3> per_bucket;
    for (const auto& d : r.datasets) {
      std::string cells[3];
      for (size_t b = 0; b < 3; ++b) {
        cells[b] = fmt2(d.buckets[b]) + " (" + std::to_string(d.bucket_sizes[b]) + ")";
        per_bucket[b][d.dataset] = d.buckets[b];
      }
      std::snprintf(line, sizeof line, "  %-22s %-22s %5zu %14s %14s %14s\n", d.dataset.c_str(),
                    lb::to_string(lb::task_info(d.dataset).metric), d.num_samples, cells[0].c_str(),
                    cells[1].c_str(), cells[2].c_str());
      os << line;
    }
    for (size_t b = 0; b < 3; ++b) {
      os << "  [" << lb::kLengthBuckets[b] << "]\n";
      print_aggregates(os, per_bucket[b], "    ");
    }
  }
  print_fit_and_nll(os, r);
  if (!r.unsupported.empty())
    os << "  unsupported (metric needs jieba; not scored, not in result.json): " << join(r.unsupported, ", ")
       << "\n";
}

// Our own earlier result.json (same mode, no extra datasets) is simply regenerated; anything else
// needs --overwrite.
void check_result_replaceable(const fs::path& path, const lb::ScoreReport& fresh, bool overwrite) {
  if (overwrite || !fs::exists(path)) return;
  std::vector<analysis::LongBenchRow> old;
  try {
    old = analysis::read_longbench_result(path);
  } catch (const InputError& e) {
    fail_input(path.string(), ": exists and is not a LongBench result (", e.what(),
               "); pass --overwrite to replace it");
  }
  const bool old_e = !old.front().bucket.empty();
  if (old_e != fresh.options.longbench_e)
    fail_input(path.string(), ": exists and holds LongBench", old_e ? "-E" : "",
               " scores, but this run is LongBench", fresh.options.longbench_e ? "-E" : "",
               "; pass --overwrite to replace it");
  std::vector<std::string> dropped;
  for (const auto& [dataset, score] : old.front().scores) {
    bool kept = false;
    for (const auto& d : fresh.datasets) kept |= d.dataset == dataset;
    if (!kept) dropped.push_back(dataset);
  }
  if (!dropped.empty())
    fail_input(path.string(), ": exists with scores this run would drop (", join(dropped, ", "),
               "); pass --overwrite to replace it");
}

std::string per_sample_text(const lb::ScoreReport& r) {
  // One sample per line keeps the file diffable and greppable.
  const nlohmann::json j = lb::per_sample_json(r);
  std::string out = "[\n";
  for (size_t i = 0; i < j.size(); ++i) out += (i ? ",\n" : "") + j[i].dump();
  return out + "\n]\n";
}

}  // namespace

int run_longbench_score(const cli::Args& args) {
  cli::po::options_description d("longbench-score options");
  cli::add_common_options(d);
  d.add_options()("pred-dir", cli::po::value<std::string>()->required(),
                  "folder of LongBench predictions (<dataset>.jsonl from pred.py or ropelab)")(
      "per-sample", cli::po::bool_switch(),
      "also write per_sample.json: [{dataset, index, score}], score in [0, 1]")(
      "code-sim-backend", cli::po::value<std::string>()->default_value("difflib"),
      "fuzzywuzzy backend for lcc/repobench-p: difflib (LongBench's requirements; the official "
      "result.json) or levenshtein (python-Levenshtein installed)")(
      "e", cli::po::bool_switch(),
      "LongBench-E: scores per length bucket (0-4k, 4-8k, 8k+), like eval.py --e")(
      "overwrite", cli::po::bool_switch(),
      "replace an existing result.json that holds scores this run would not write (other datasets, "
      "or the other LongBench/LongBench-E mode); our own result.json is regenerated without it");
  const auto vm = cli::parse_command(
      "ropelab longbench-score --pred-dir DIR [--per-sample] [--code-sim-backend difflib|levenshtein] "
      "[--e] [--overwrite]",
      d, args);

  lb::ScoreOptions options;
  options.code_sim_backend = lb::code_sim_backend_from_string(vm["code-sim-backend"].as<std::string>());
  options.longbench_e = vm["e"].as<bool>();
  const fs::path dir = vm["pred-dir"].as<std::string>();

  const lb::ScoreReport report = lb::score_prediction_dir(dir, options);
  print_report(std::cout, report);
  check_result_replaceable(dir / "result.json", report, vm["overwrite"].as<bool>());

  lb::write_result_files(dir, report);
  std::cerr << "wrote " << (dir / "result.json").string() << " and result_items.json\n";
  if (vm["per-sample"].as<bool>()) {
    write_text_file_atomic(dir / "per_sample.json", per_sample_text(report));
    std::cerr << "wrote " << (dir / "per_sample.json").string() << "\n";
  } else if (fs::exists(dir / "per_sample.json")) {
    std::cerr << "note: " << (dir / "per_sample.json").string()
              << " is from an earlier run (pass --per-sample to regenerate it)\n";
  }
  return 0;
}

int run_report_longbench(const cli::Args& args) {
  cli::po::options_description d("report-longbench options");
  cli::add_common_options(d);
  d.add_options()("result", cli::po::value<std::vector<std::string>>(), "result.json files (positional)")(
      "format", cli::po::value<std::string>()->default_value("md"), "md, latex or csv")(
      "tasks", cli::po::value<std::string>()->default_value("paper12"),
      "columns: paper12 (the paper's 12 English tasks, its order), en16, all, or a comma-separated list");
  cli::add_table_output_options(d);
  cli::po::positional_options_description pos;
  pos.add("result", -1);
  const auto vm = cli::parse_command(
      "ropelab report-longbench RESULT.json... [--format md|latex|csv] [--tasks SET] [--out FILE]", d, args,
      &pos);

  check_input(vm.count("result") > 0, "report-longbench needs at least one result.json (see --help)");
  const auto format = analysis::table_format_from_string(vm["format"].as<std::string>());
  const auto tasks = lb::parse_task_set(vm["tasks"].as<std::string>());
  std::vector<analysis::LongBenchRow> rows;
  for (const auto& path : vm["result"].as<std::vector<std::string>>())
    for (auto& row : analysis::read_longbench_result(path)) rows.push_back(std::move(row));
  cli::write_table_output(vm, analysis::longbench_table(rows, tasks, format));
  return 0;
}

}  // namespace ropelab
