// passkey: exactly the text and placement of passkey_prompt_text (the format `ropelab passkey`
// evaluates), so the size knob is the number of whole filler sentences and the fit is within one.
#include "core/data/passkey_text.h"
#include "core/data/task_fit.h"

namespace ropelab::data {

TaskInstance make_passkey(const TaskEnv& env, Rng& rng) {
  const std::string key = std::to_string(rng.between(10000, 99999));
  const double depth = rng.unit();
  auto build = [&](size_t n) {
    const PasskeyPlacement at = place_passkey(int64_t(n), depth);
    TaskInstance t;
    t.kind = TaskKind::passkey;
    t.context = passkey_haystack(at.before, at.after, key);
    t.qa.push_back({passkey_question(), key, n ? double(at.before) / double(n) : 0.0});
    return t;
  };
  // Each filler sentence is several tokens, so target/4 repetitions always overshoot.
  return fit_task(env, "passkey", size_t(env.req.target_tokens / 4 + 1), build);
}

}  // namespace ropelab::data
