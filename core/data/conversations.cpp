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
  check_input(style == "task" || style == "pasted", "`style` '", style, "': valid: task, pasted");
  check_input(continuations >= 0 && continuations <= kMaxTurns, "`continuations` (", continuations,
              ") must be in [0, ", kMaxTurns, "]");
  check_input(style == "pasted" || continuations == 0, "`continuations` needs `style` = pasted");
  if (style == "pasted")
    for (const auto& m : mix)
      check_input(m.key == "sdqa" || m.key == "mdqa" || m.key == "retrieval", "`mix`: '", m.key,
                  "' has no pasted-text form (pasted: sdqa, mdqa, retrieval)");
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

// Openings of a pasted text: none is an evaluation template's instruction.
const std::vector<std::string>& pastes() {
  static const std::vector<std::string> v = {
      "I pasted a text below. Please read it, I have some questions.",
      "Here is something I am reading:",
      "Can you help me with this text?",
      "Below is a document. I will ask you about it.",
  };
  return v;
}

std::string pasted_question(const TaskInstance& t, size_t q) {
  const auto& input = t.qa[q].input;
  if (t.kind == TaskKind::retrieval)
    return "In which paragraph of my text does this appear: \"" + input + "\"?";
  return input;  // sdqa / mdqa: already a question in plain words
}

// Pre-drawn numbers of one pasted conversation, so its turns are a pure function of the instance
// (the fitting search rebuilds them for every candidate size).
struct PastedDraws {
  size_t opening = 0;
  std::vector<double> where;   // continuation cue positions, fractions of the context's words
  std::vector<size_t> length;  // continuation answers, words
};

// "Continue the text after <cue>": the cue is 8 words of the context starting at a drawn position,
// moved on until it occurs once in `written`; the answer is the words that follow it.
ChatTurn continuation(const std::vector<std::string>& words, const std::string& written, double where,
                      size_t length) {
  constexpr size_t kCue = 8;
  if (words.size() < kCue + length + 1) return {};
  const size_t positions = words.size() - kCue - length + 1;  // the whole answer lies inside the text
  const size_t first = std::min(positions - 1, size_t(where * double(words.size())));
  auto slice = [&](size_t from, size_t n) {
    return join_words(std::vector<std::string>(words.begin() + long(from), words.begin() + long(from + n)));
  };
  for (size_t tries = 0; tries < 64; ++tries) {
    const size_t i = (first + tries) % positions;
    const std::string cue = slice(i, kCue);
    if (count_occurrences(written, cue) == 1)
      return {"Go on from \"" + cue + "\" in my text: how does it continue?", slice(i + kCue, length)};
  }
  return {};
}

std::vector<ChatTurn> chat_turns(const TaskInstance& t, const ConversationConfig& cfg, const PastedDraws& d) {
  std::vector<ChatTurn> turns;
  if (cfg.style == "task") {
    for (size_t q = 0; q < t.qa.size(); ++q)
      turns.push_back({q ? followup_text(t, q) : prompt_text(t, 0), t.qa[q].answer});
    return turns;
  }
  const auto words = split_words(t.context);
  std::vector<ChatTurn> asks;
  // A cue must be unique in everything the user wrote: the context and the questions (a retrieval
  // question quotes the context).
  std::string written = t.context;
  for (size_t q = 0; q < t.qa.size(); ++q) {
    asks.push_back({pasted_question(t, q), t.qa[q].answer});
    written += "\n" + asks.back().user;
  }
  for (size_t k = 0; k < d.where.size(); ++k) {
    auto turn = continuation(words, written, d.where[k], d.length[k]);
    if (!turn.user.empty()) asks.push_back(std::move(turn));
  }
  for (size_t k = 0; k < asks.size(); ++k) {
    if (k == 0) asks[k].user = pastes()[d.opening] + "\n\n" + t.context + "\n\n" + asks[k].user;
    turns.push_back(std::move(asks[k]));
  }
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
    PastedDraws draws;
    if (cfg.style == "pasted") {
      draws.opening = rng.below(pastes().size());
      for (int k = 0; k < cfg.continuations; ++k) {
        draws.where.push_back(rng.unit());
        draws.length.push_back(size_t(rng.between(40, 70)));
      }
    }
    req.measure = [&](const TaskInstance& t) {
      return int64_t(llama2_chat_tokens(tok, chat_turns(t, cfg, draws), system).ids.size());
    };
    auto t = make_task(kind, tok, filler, req, rng);
    const auto turns = chat_turns(t, cfg, draws);
    auto conv = nlohmann::json::array();
    if (!system.empty()) conv.push_back({{"from", "system"}, {"value", system}});
    for (const auto& turn : turns) {
      conv.push_back({{"from", "human"}, {"value", turn.user}});
      conv.push_back({{"from", "gpt"}, {"value", turn.assistant}});
    }
    char id[64];
    std::snprintf(id, sizeof id, "%s-%05zu", schedule[i].c_str(), i);
    out.push_back({{"id", id}, {"conversations", conv}});
    if (stats) {
      stats->tokens.push_back(t.measured_tokens);
      stats->turns += turns.size();
      for (uint8_t a : llama2_chat_tokens(tok, turns, system).is_assistant) stats->response_tokens += a;
    }
  }
  return out;
}

}  // namespace ropelab::data
