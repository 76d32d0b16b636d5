#include "core/eval/passkey.h"

#include <torch/torch.h>

#include <cmath>

#include "core/data/passkey_text.h"
#include "core/eval/generate.h"
#include "core/util/error.h"
#include "core/util/rng.h"

namespace ropelab {

void PasskeyConfig::validate() const {
  check_input(!lengths.empty(), "`lengths`: empty list");
  for (int64_t L : lengths) check_input(L > 0, "`lengths`: ", L, " must be > 0");
  check_input(!depths.empty(), "`depths`: empty list");
  for (double d : depths) check_input(d >= 0.0 && d <= 1.0, "`depths`: ", d, " must be in [0, 1]");
  check_input(trials >= 1, "`trials` (", trials, ") must be >= 1");
  check_input(max_new_tokens >= 1, "`max_new_tokens` (", max_new_tokens, ") must be >= 1");
  check_input(prefill_chunk >= 0, "`prefill_chunk` (", prefill_chunk, ") must be >= 0");
}

std::string next_passkey(Rng& rng) { return std::to_string(10000 + rng.below(90000)); }

namespace {

int64_t prompt_tokens(const Tokenizer& tok, int64_t n, double depth, const std::string& key) {
  const PasskeyPlacement s = place_passkey(n, depth);
  return int64_t(tok.encode(passkey_prompt_text(s.before, s.after, key), true).size());
}

}  // namespace

PasskeyPrompt build_passkey_prompt(const Tokenizer& tok, int64_t length, double depth,
                                   const std::string& key) {
  const int64_t base = prompt_tokens(tok, 0, depth, key);
  check_input(base <= length, "`lengths`: ", length, " is shorter than the passkey prompt without filler (",
              base, " tokens)");
  // Token counts grow (almost exactly) linearly with n; start from the estimate, then walk to
  // the largest n that fits.
  const int64_t per = std::max<int64_t>(1, prompt_tokens(tok, 1, depth, key) - base);
  int64_t n = (length - base) / per;
  while (n > 0 && prompt_tokens(tok, n, depth, key) > length) --n;
  while (prompt_tokens(tok, n + 1, depth, key) <= length) ++n;

  PasskeyPrompt p;
  p.key = key;
  const PasskeyPlacement s = place_passkey(n, depth);
  p.filler_before = s.before;
  p.filler_after = s.after;
  const std::string text = passkey_prompt_text(s.before, s.after, key);
  p.ids = tok.encode(text, true);
  const std::string prefix = text.substr(0, text.find(passkey_key_line(key)));
  p.key_token_pos = int64_t(tok.encode(prefix, true).size());
  return p;
}

PasskeyResult run_passkey(LlamaForCausalLM& model, const Tokenizer& tok, const PasskeyConfig& cfg,
                          const std::function<void(int64_t, int64_t)>& on_trial) {
  cfg.validate();
  PasskeyResult r;
  r.config = cfg;
  const int64_t nl = int64_t(cfg.lengths.size()), nd = int64_t(cfg.depths.size()), nt = cfg.trials;
  Rng rng(uint64_t(cfg.seed));
  // All prompts first: a length that cannot hold the prompt fails before any compute.
  std::vector<PasskeyPrompt> prompts;
  for (int64_t L : cfg.lengths)
    for (double d : cfg.depths)
      for (int64_t t = 0; t < nt; ++t) prompts.push_back(build_passkey_prompt(tok, L, d, next_passkey(rng)));
  GenerateOptions go;
  go.max_new_tokens = cfg.max_new_tokens;
  go.stop_ids = {tok.eos_id()};
  go.prefill_chunk = cfg.prefill_chunk;
  r.accuracy.assign(size_t(nl * nd), 0.0);
  for (size_t i = 0; i < prompts.size(); ++i) {
    const auto& p = prompts[i];
    const std::string out = tok.decode(generate(model, p.ids, go));
    const bool ok = out.find(p.key) != std::string::npos;
    r.correct.push_back(ok ? 1 : 0);
    r.prompt_tokens.push_back(int64_t(p.ids.size()));
    r.key_token_pos.push_back(p.key_token_pos);
    r.keys.push_back(std::stoll(p.key));
    r.outputs.push_back(out);
    r.accuracy[i / size_t(nt)] += (ok ? 1.0 : 0.0) / double(nt);
    if (on_trial) on_trial(int64_t(i + 1), int64_t(prompts.size()));
  }
  return r;
}

}  // namespace ropelab
