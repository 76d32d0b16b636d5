// `ruler run`: predictions on RULER manifests, as RULER's scripts/pred/call_api.py makes them.
//
// Invariants:
// - The prompt is manifest `input` + `answer_prefix`, encoded with BOS (the model template is
//   already inside `input`: RULER's prepare.py applies it), never truncated: RULER sizes its data
//   to fit max_seq_length - tokens_to_generate.
// - Greedy decoding, at most tokens_to_generate new tokens (per task, see tasks.h), stop at EOS.
// - Each prediction line is RULER's: {index, pred, input, outputs, others, truncation, length}.
// - Resuming, sharding, the identity check, run_config.json and merging are the shared prediction
//   loop's (core/eval/predictions/run.h), as for `longbench run`; the identity adds limit and each
//   task's tokens_to_generate.
#pragma once
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/eval/predictions/run.h"
#include "core/eval/ruler/tasks.h"
#include "core/model/llama.h"
#include "core/text/tokenizer.h"

namespace ropelab::ruler {

struct RunConfig {
  std::string data_dir;                               // holds <task>/validation.jsonl
  std::vector<std::string> tasks;                     // RULER task names
  std::map<std::string, int64_t> tokens_to_generate;  // resolved, one per task
  int64_t limit = 0;                                  // first N samples of each task; 0 = all
  predictions::Shard shard;
  int64_t prefill_chunk = 0;
  bool overwrite = false;
  void validate() const;
};

predictions::RunSummary run_ruler(LlamaForCausalLM& model, const Tokenizer& tok, const RunConfig& cfg,
                                  const std::filesystem::path& out_dir, nlohmann::json identity,
                                  const nlohmann::json& provenance, bool verbose = true);

}  // namespace ropelab::ruler
