#include "core/train/sft_examples.h"

#include <algorithm>
#include <numeric>
#include <sstream>

#include "core/io/documents.h"
#include "core/util/error.h"

namespace ropelab {

namespace {

// mask[j] = 1 when token j is an assistant token (answer or its EOS): the target of position j-1.
TrainExample to_example(const ChatTokens& t, std::string source) {
  TrainExample ex;
  ex.ids = t.ids;
  ex.mask = t.is_assistant;
  if (!ex.mask.empty()) ex.mask[0] = 0;
  ex.source = std::move(source);
  return ex;
}

}  // namespace

int64_t TrainExample::num_targets() const { return std::accumulate(mask.begin(), mask.end(), int64_t(0)); }

void SftDataConfig::validate() const {
  check_input(max_length >= 2, "`max_length` (", max_length, ") must be >= 2");
  check_input(min_tokens >= 0, "`min_tokens` (", min_tokens, ") must be >= 0");
  check_input(samples >= 0, "`samples` (", samples, ") must be >= 0 (0 = all)");
}

std::string SftDataStats::summary() const {
  std::ostringstream os;
  os << conversations << " conversations; " << below_min_tokens << " dropped (< `min_tokens`); "
     << split_conversations << " split at turn boundaries; " << truncated_turns
     << " turns truncated to `max_length`; " << chunks_without_targets
     << " chunks dropped (no answer tokens left); " << chunks << " chunks; " << selected << " selected ("
     << tokens << " tokens, " << target_tokens << " loss targets)";
  return os.str();
}

ChatTokens conversation_tokens(const Tokenizer& tok, const Conversation& c) {
  return llama2_chat_tokens(tok, c.turns, c.system);
}

std::vector<TrainExample> build_sft_examples(const std::vector<Conversation>& convs, const Tokenizer& tok,
                                             const SftDataConfig& cfg, SftDataStats& stats) {
  cfg.validate();
  std::vector<TrainExample> chunks;
  for (const auto& c : convs) {
    ++stats.conversations;
    std::vector<ChatTokens> turns;
    size_t total = 0;
    for (size_t i = 0; i < c.turns.size(); ++i) {
      turns.push_back(llama2_turn_tokens(tok, c.turns[i], i == 0 ? c.system : ""));
      total += turns.back().ids.size();
    }
    if (int64_t(total) < cfg.min_tokens) {
      ++stats.below_min_tokens;
      continue;
    }
    int64_t made = 0;
    ChatTokens cur;
    auto flush = [&] {
      if (cur.ids.empty()) return;
      TrainExample ex = to_example(cur, c.id + "#" + std::to_string(made++));
      if (ex.num_targets() == 0)
        ++stats.chunks_without_targets;
      else
        chunks.push_back(std::move(ex));
      cur = {};
    };
    for (size_t i = 0; i < turns.size(); ++i) {
      ChatTokens t = turns[i];
      if (!cur.ids.empty() && int64_t(cur.ids.size() + t.ids.size()) > cfg.max_length) flush();
      if (cur.ids.empty() && i > 0 && !c.system.empty())  // every chunk starts with the system prompt
        t = llama2_turn_tokens(tok, c.turns[i], c.system);
      if (int64_t(t.ids.size()) > cfg.max_length) {
        t.ids.resize(size_t(cfg.max_length));
        t.is_assistant.resize(size_t(cfg.max_length));
        ++stats.truncated_turns;
      }
      cur.ids.insert(cur.ids.end(), t.ids.begin(), t.ids.end());
      cur.is_assistant.insert(cur.is_assistant.end(), t.is_assistant.begin(), t.is_assistant.end());
    }
    flush();
    if (made > 1) ++stats.split_conversations;
  }
  stats.chunks = int64_t(chunks.size());

  std::vector<TrainExample> out;
  if (cfg.samples == 0 || cfg.samples >= int64_t(chunks.size())) {
    check_input(cfg.samples == 0 || cfg.samples == int64_t(chunks.size()), "`samples` (", cfg.samples,
                ") exceeds the ", chunks.size(), " chunks the data yields; use `samples` 0 for all of them");
    out = std::move(chunks);
  } else {
    auto order = shuffled_order(chunks.size(), cfg.seed);
    order.resize(size_t(cfg.samples));
    std::sort(order.begin(), order.end());
    for (size_t k : order) out.push_back(std::move(chunks[k]));
  }
  stats.selected = int64_t(out.size());
  for (const auto& ex : out) stats.tokens += int64_t(ex.ids.size()), stats.target_tokens += ex.num_targets();
  return out;
}

}  // namespace ropelab
