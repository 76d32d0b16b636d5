// result_items.json: what `longbench score` and `sweep` write beside eval.py's result.json for an
// analysis that needs more than one number per task — the score over the items whose prompt fit
// the window, the reference answers' teacher-forced log-likelihood, and every item's values so
// that confidence intervals can be bootstrapped over items.
//
// Schema ("format": "ropelab-longbench-result-items/1"):
//   {"format", "code_sim_backend", "longbench_e",
//    "datasets": {TASK: {"metric", "n", "overall",             // overall == result.json's score
//                        "fit", "n_fit", "n_truncated", "n_truncation_unknown",
//                        "answer_nll", "n_answer_logprob", "answer_tokens",
//                        "items": [{"index", "_id", "score", "truncated", "prompt_tokens",
//                                   "answer_logprob", "answer_tokens"}, ...]}}}
// - overall / fit: percent, eval.py's rounding (2 decimals); fit is over truncated == false and
//   null when no item is known to fit. Lines without `truncated` (pred.py's files, older ropelab
//   runs) count in n_truncation_unknown only.
// - answer_nll: nats per token, sum(-answer_logprob) / sum(answer_tokens) over the n_answer_logprob
//   items having both; null when they hold no token. answer_tokens here is that sum.
// - items: in prediction-file order; index is the 0-based line; score in [0, 1]; a field the
//   line lacks is null. Every item key is always present.
// result.json itself stays byte-for-byte what eval.py writes.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/eval/longbench/scorer.h"

namespace ropelab::longbench {

nlohmann::json result_items_json(const ScoreReport& report);

// Writes DIR/result.json (eval.py's format) and DIR/result_items.json, each atomically.
void write_result_files(const std::filesystem::path& dir, const ScoreReport& report);

}  // namespace ropelab::longbench
