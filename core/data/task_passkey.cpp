// passkey: exactly the text of passkey_prompt_text (the format `ropelab passkey` evaluates), so
// the size knob is the number of whole filler sentences and the fit is within one of them.
#include "core/data/task_fit.h"
#include "core/eval/passkey_text.h"

namespace ropelab::data {

TaskInstance make_passkey(const TaskEnv& env, Rng& rng) {
  const std::string key = std::to_string(rng.between(10000, 99999));
  const double depth = rng.unit();
  auto build = [&](size_t n) {
    size_t before = size_t(depth * double(n) + 0.5), after = n - before;
    TaskInstance t;
    t.kind = TaskKind::passkey;
    for (size_t i = 0; i < before; ++i) t.context += passkey_filler() + " ";
    t.context += passkey_key_line(key);
    for (size_t i = 0; i < after; ++i) t.context += " " + passkey_filler();
    t.qa.push_back({passkey_question(), key, n ? double(before) / double(n) : 0.0});
    return t;
  };
  // Each filler sentence is several tokens, so target/4 repetitions always overshoot.
  return fit_task(env, "passkey", size_t(env.req.target_tokens / 4 + 1), build);
}

}  // namespace ropelab::data
