#include "core/data/conversations.h"

#include <cstdio>

#include "core/data/filler.h"
#include "core/data/tasks.h"
#include "core/text/chat_template.h"
#include "core/util/error.h"
#include "core/util/numbers.h"

namespace ropelab::data {

constexpr int kMaxTurns = 8;  // mdqa has at most 8 distinct values of one attribute

void ConversationConfig::validate() const {
  check_input(length >= 16, "`length` (", length, ") must be >= 16 tokens");
  check_input(count >= 1, "`count` (", count, ") must be >= 1");
  check_input(min_turns >= 1 && min_turns <= max_turns && max_turns <= kMaxTurns, "`turns` (", min_turns, "-",
              max_turns, ") must satisfy 1 <= min <= max <= ", kMaxTurns);
  check_input(!mix.empty(), "`mix`: empty mix");
  for (const auto& m : mix) check_input(m.key != "text", "`mix`: 'text' is not a conversation task");
}

std::pair<int, int> parse_turns(const std::string& s) {
  auto dash = s.find('-');
  auto num = [&](const std::string& x) {
    const auto v = parse_int64(x);
    check_input(v && *v >= INT32_MIN && *v <= INT32_MAX, "`turns`: '", s, "' is not N or MIN-MAX (e.g. 2-4)");
    return int(*v);
  };
  if (dash == std::string::npos) {
    int v = num(s);
    return {v, v};
  }
  return {num(s.substr(0, dash)), num(s.substr(dash + 1))};
}

namespace {

std::vector<ChatTurn> chat_turns(const TaskInstance& t) {
  std::vector<ChatTurn> turns;
  for (size_t q = 0; q < t.qa.size(); ++q)
    turns.push_back({q ? followup_text(t, q) : prompt_text(t, 0), t.qa[q].answer});
  return turns;
}

}  // namespace

nlohmann::json make_conversations(const Tokenizer& tok, const std::vector<std::string>& docs,
                                  const ConversationConfig& cfg, ConversationStats* stats) {
  cfg.validate();
  Rng rng(cfg.seed);
  FillerText filler(docs, rng.split());
  auto schedule = mix_schedule(cfg.mix, cfg.count, rng.split());
  const std::string system = cfg.system;
  auto out = nlohmann::json::array();
  for (size_t i = 0; i < schedule.size(); ++i) {
    auto kind = task_from_string(schedule[i], "`mix`");
    TaskRequest req;
    req.target_tokens = cfg.length;
    req.questions = kind == TaskKind::passkey ? 1 : int(rng.between(cfg.min_turns, cfg.max_turns));
    req.measure = [&tok, &system](const TaskInstance& t) {
      return int64_t(llama2_chat_tokens(tok, chat_turns(t), system).ids.size());
    };
    auto t = make_task(kind, tok, filler, req, rng);
    auto conv = nlohmann::json::array();
    if (!system.empty()) conv.push_back({{"from", "system"}, {"value", system}});
    for (const auto& turn : chat_turns(t)) {
      conv.push_back({{"from", "human"}, {"value", turn.user}});
      conv.push_back({{"from", "gpt"}, {"value", turn.assistant}});
    }
    char id[64];
    std::snprintf(id, sizeof id, "%s-%05zu", schedule[i].c_str(), i);
    out.push_back({{"id", id}, {"conversations", conv}});
    if (stats) {
      stats->tokens.push_back(t.measured_tokens);
      stats->turns += t.qa.size();
    }
  }
  return out;
}

}  // namespace ropelab::data
