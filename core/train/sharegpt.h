// ShareGPT conversations, as in the paper's released fine-tuning set: a JSON array or JSON Lines of
//   {"id": "...", "conversations": [{"from": "system"|"human"|"gpt", "value": "..."}, ...]}
//
// Invariants: the file format is chosen from the content ('[' = array, '{' = JSON Lines). A file
// that is not JSON at all is an InputError naming FILE:LINE:COLUMN. A *record* that is JSON but
// unusable (missing field, unknown role, roles out of order, empty conversation, invalid UTF-8)
// is skipped and counted by reason — one bad conversation never stops a 3,500-record run.
// Normalisations are counted too, never silent: a leading "gpt" turn (ShareGPT often starts
// with the bot's greeting) and a trailing unanswered "human" turn are dropped.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/text/chat_template.h"

namespace ropelab {

struct Conversation {
  std::string id;
  std::string system;           // "" when the record has no system turn
  std::vector<ChatTurn> turns;  // user/assistant pairs, every assistant answer non-empty
};

struct ShareGptStats {
  int64_t records = 0;                     // records seen in the file
  int64_t kept = 0;                        // conversations returned
  std::map<std::string, int64_t> skipped;  // reason -> count
  int64_t leading_gpt_dropped = 0;
  int64_t trailing_human_dropped = 0;
  std::string summary() const;  // one line per non-zero count
};

std::vector<Conversation> read_sharegpt(const std::string& path, ShareGptStats& stats);

}  // namespace ropelab
