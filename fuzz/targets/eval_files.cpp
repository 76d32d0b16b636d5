// Evaluation inputs: LongBench samples (data/<task>.jsonl), pred.py prediction files (scored by the
// official metrics), dataset2prompt.json + dataset2maxlen.json (templates formatted as pred.py
// would), result.json; RULER manifests, prediction folders (scored by evaluate.py's rules), a RULER
// checkout's synthetic.yaml + constants.py, summary CSVs and --tokens-to-generate values.
#include <filesystem>

#include "analysis/longbench_table.h"
#include "analysis/ruler_table.h"
#include "core/eval/longbench/prompt.h"
#include "core/eval/longbench/samples.h"
#include "core/eval/longbench/scorer.h"
#include "core/eval/longbench/tasks.h"
#include "core/eval/ruler/manifest.h"
#include "core/eval/ruler/scorer.h"
#include "core/eval/ruler/tasks.h"
#include "fuzz/fuzz_target.h"

using namespace ropelab;
using namespace ropelab::fuzz;
namespace fs = std::filesystem;

namespace {

// The second byte picks a name from `names` (the file name the reader derives a task from).
const std::string& pick(std::string_view& payload, const std::vector<std::string>& names) {
  const size_t i = payload.empty() ? 0 : size_t(static_cast<unsigned char>(payload[0])) % names.size();
  if (!payload.empty()) payload.remove_prefix(1);
  return names[i];
}

}  // namespace

ROPELAB_FUZZ_TARGET(eval_files) {
  auto c = choose(input, 8);
  switch (c.which) {
    case 0: {
      const auto samples = longbench::read_samples(write_scratch("hotpotqa.jsonl", c.payload));
      for (const auto& s : samples)
        (void)longbench::format_prompt("Passage: {context}\nQuestion: {input}\nAnswer:", s.fields, s.where);
      break;
    }
    case 1: {
      const std::string task = pick(c.payload, longbench::all_task_names());
      const auto file = longbench::read_prediction_file(write_scratch("pred/" + task + ".jsonl", c.payload));
      if (longbench::metric_supported(longbench::task_info(task).metric)) {
        (void)longbench::score_predictions(file, {});
        longbench::ScoreOptions e;
        e.longbench_e = true;
        (void)longbench::score_predictions(file, e);
      }
      break;
    }
    case 2: {
      const auto parts = split_parts(c.payload, 2);
      const std::string prompt = write_scratch("dataset2prompt.json", parts[0]);
      const std::string maxlen = write_scratch("dataset2maxlen.json", parts.size() > 1 ? parts[1] : "{}");
      const auto cfg = longbench::read_prompt_config(prompt, maxlen);
      for (const auto& [task, templ] : cfg.prompts) {
        (void)longbench::format_prompt(templ, {{"context", "C"}, {"input", "I"}},
                                       "dataset2prompt.json: " + task);
        (void)cfg.maxlen_for(task);
      }
      break;
    }
    case 3:
      (void)ruler::read_manifest(write_scratch("niah_single_1/validation.jsonl", c.payload));
      break;
    case 4: {
      const ruler::TaskTable table;
      const std::string task = pick(c.payload, table.order());
      write_scratch("preds/" + task + ".jsonl", c.payload);
      const auto scores = ruler::score_ruler_dir(scratch() / "preds", table);
      (void)ruler::summary_csv(scores);
      (void)ruler::summary_json(scores);
      break;
    }
    case 5: {
      const auto parts = split_parts(c.payload, 2);
      write_scratch("RULER/scripts/synthetic.yaml", parts[0]);
      if (parts.size() > 1) write_scratch("RULER/scripts/data/synthetic/constants.py", parts[1]);
      const auto table = ruler::TaskTable::from_ruler_checkout((scratch() / "RULER").string());
      for (const auto& t : table.order()) (void)table.checkout_tokens(t);
      break;
    }
    case 6: {
      (void)analysis::read_ruler_summary(write_scratch("summary.csv", c.payload));
      (void)ruler::parse_tokens_to_generate(std::string(c.payload));
      break;
    }
    default:
      (void)analysis::read_longbench_result(write_scratch("result.json", c.payload));
      break;
  }
}
