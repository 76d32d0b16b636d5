// HDF5 and CSV outputs of `ropelab passkey` and `ropelab ppl`.
//
// Layout: one file holds many runs; a run is /eval/<run>/<kind> (kind = passkey | ppl), so one
// method can keep its passkey and perplexity results side by side. The file follows
// core/output/output_file.h with schema output::kEvalSchema: root schema_kind, schema_version and
// the last writer's provenance; each run group its own provenance plus model_path, model_json,
// rope_json, dtype, and `complete`, written last: a killed writer leaves an incomplete run and the
// file's other runs intact. An existing run is refused unless overwrite; the check runs before
// any compute.
#pragma once
#include <string>

#include "core/eval/passkey.h"
#include "core/eval/perplexity.h"

namespace ropelab {

struct EvalRunInfo {
  std::string model_path, model_json, rope_json, dtype, command_line;
  std::string config_json;  // the command's resolved options
};

// InputError when the run exists (and !overwrite), the name is invalid, or the file is not ours.
void check_eval_run_writable(const std::string& path, const std::string& run, const std::string& kind,
                             bool overwrite);

// /eval/<run>/passkey: accuracy [length, depth] f64, correct / prompt_tokens / key_token_pos / keys
// [length, depth, trial], scales lengths [length] i64, depths [depth] f64; attrs trials, seed.
void write_passkey_run(const std::string& path, const std::string& run, const EvalRunInfo& info,
                       const PasskeyResult& r, bool overwrite);

// /eval/<run>/ppl: lengths, windows, n_inside, n_beyond [length]; nll, ppl, nll_inside,
// ppl_inside, nll_beyond, ppl_beyond [length] f64 (NaN where empty); nll_by_position/<T> [T-1]
// f64; attrs trained_window, stride (0 = each length), data_path, data_sha256, n_docs, n_tokens.
struct PplRunData {
  std::vector<PplResult> results;
  int64_t trained_window = 0, stride = 0, n_docs = 0, n_tokens = 0;
  std::string data_path, data_sha256;
};
void write_ppl_run(const std::string& path, const std::string& run, const EvalRunInfo& info,
                   const PplRunData& d, bool overwrite);

// CSV text: length,depth,trials,correct,accuracy,mean_prompt_tokens
std::string passkey_csv(const PasskeyResult& r);
// CSV text: length,stride,windows,ppl,nll,ppl_inside,ppl_beyond,n_inside,n_beyond
std::string ppl_csv(const PplRunData& d);

}  // namespace ropelab
