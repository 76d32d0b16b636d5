// The LongBench prediction runner (pred.py re-done): for each task, format → middle-truncate →
// chat-wrap → greedy generation with the KV cache → one prediction line per sample.
//
// Invariants:
// - Inputs are the user's files: <data_dir>/<task>.jsonl and a PromptConfig; their sha256 go into
//   PRED_DIR/run_config.json (run_config.shard-i-of-n.json per shard), never a .jsonl.
// - Resuming, sharding, the identity check and merging are the shared prediction loop's
//   (core/eval/predictions/run.h); the identity adds max_length, limit and the config hashes.
// - Decoding: greedy, max_new_tokens from dataset2maxlen, stop at EOS; samsum also stops at the
//   newline token and generates at least one token (pred.py's samsum rule).
// - Each prediction line holds pred.py's fields (pred, answers, all_classes, length) and ropelab's:
//   `_id` (the sample's, when it has one), `prompt_tokens` (the formatted prompt with BOS before
//   truncation, what pred.py compares with max_length), `input_tokens` (what the model read:
//   truncated, chat-wrapped, BOS), `truncated` (prompt_tokens > max_length), and the reference
//   answer's teacher-forced log-likelihood `answer_logprob` (natural log, summed) over
//   `answer_tokens` tokens (reference_answer_ids), computed with the same model, RoPE and input
//   ids as the generation, through the same KV cache (core/eval/continuation_logprob.h). Lines
//   written before these fields existed are kept when a run resumes (the scorer reads both).
#pragma once
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/eval/longbench/prompt.h"
#include "core/eval/longbench/samples.h"
#include "core/eval/predictions/run.h"
#include "core/model/llama.h"
#include "core/text/tokenizer.h"

namespace ropelab::longbench {

using predictions::merge_run;
using predictions::run_config_name;
using predictions::RunSummary;
using predictions::Shard;

struct RunConfig {
  std::string data_dir;            // holds <task>.jsonl
  std::vector<std::string> tasks;  // LongBench dataset keys
  int64_t max_length = 15500;      // prompt budget in tokens incl. BOS (window - 500)
  int64_t limit = 0;               // first N samples of each task; 0 = all
  Shard shard;
  int64_t prefill_chunk = 0;  // 0 = whole prompt at once
  bool overwrite = false;
  void validate() const;
};

// The tokens whose log-likelihood is `answer_logprob`: the first entry of `answers` encoded as a
// continuation, the way generated tokens decode into `pred` — no BOS, no EOS, the answer string as
// the tokenizer encodes it on its own (SentencePiece's dummy-prefix space included, so "Paris" is
// "▁Paris" as a model writes it after "[/INST]"). No answers, or an empty first one: no tokens.
std::vector<int64_t> reference_answer_ids(const Tokenizer& tok, const Sample& s);

// `identity`: what makes two runs the same (model path, rope_json, dtype, ...); the runner adds
// the hashes of the files it reads and stores it with `provenance` in the run config file.
RunSummary run_longbench(LlamaForCausalLM& model, const Tokenizer& tok, const PromptConfig& prompts,
                         const RunConfig& cfg, const std::filesystem::path& out_dir, nlohmann::json identity,
                         const nlohmann::json& provenance, bool verbose = true);

}  // namespace ropelab::longbench
