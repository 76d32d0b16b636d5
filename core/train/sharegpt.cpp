#include "core/train/sharegpt.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "core/io/jsonl.h"  // valid_utf8
#include "core/util/error.h"
#include "core/util/files.h"

namespace ropelab {

namespace {

struct RecordText {
  std::string_view text;
  int64_t line;  // 1-based line where the record starts
};

std::pair<int64_t, int64_t> line_col(std::string_view text, size_t offset) {
  int64_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n')
      ++line, col = 1;
    else
      ++col;
  }
  return {line, col};
}

[[noreturn]] void not_json(const std::string& path, std::string_view text, size_t offset,
                           const std::string& what) {
  auto [line, col] = line_col(text, offset);
  fail_input(path, ":", line, ":", col, ": not ShareGPT JSON (", what,
             "); expected a JSON array of {\"id\", \"conversations\"} records or one record per line");
}

// Splits a top-level JSON array into element spans without decoding strings, so that one record
// with invalid UTF-8 can be skipped without rejecting the file.
std::vector<RecordText> split_array(const std::string& path, std::string_view text, size_t open) {
  std::vector<RecordText> out;
  int depth = 0;
  bool in_string = false, escaped = false;
  size_t start = std::string_view::npos;
  int64_t line = line_col(text, open).first, start_line = line;
  for (size_t i = open + 1; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') ++line;
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (depth == 0 && (c == ',' || c == ']')) {
      if (start == std::string_view::npos) {
        if (c == ']' && out.empty()) {  // empty array
          for (size_t j = i + 1; j < text.size(); ++j)
            if (!std::isspace(static_cast<unsigned char>(text[j])))
              not_json(path, text, j, "text after the array");
          return out;
        }
        not_json(path, text, i, "empty array element");
      }
      out.push_back({text.substr(start, i - start), start_line});
      start = std::string_view::npos;
      if (c == ']') {
        for (size_t j = i + 1; j < text.size(); ++j)
          if (!std::isspace(static_cast<unsigned char>(text[j])))
            not_json(path, text, j, "text after the array");
        return out;
      }
      continue;
    }
    if (start == std::string_view::npos) start = i, start_line = line;
    if (c == '"')
      in_string = true;
    else if (c == '{' || c == '[')
      ++depth;
    else if (c == '}' || c == ']') {
      if (--depth < 0) not_json(path, text, i, "unbalanced bracket");
    }
  }
  not_json(path, text, text.size(), "the array is not closed");
}

std::vector<RecordText> split_lines(std::string_view text) {
  std::vector<RecordText> out;
  int64_t line = 1;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(pos, end - pos);
    if (l.find_first_not_of(" \t\r") != std::string_view::npos) out.push_back({l, line});
    ++line;
    pos = end + 1;
  }
  return out;
}

// Returns "" when the record is usable (filling `conv`), else the reason it is skipped.
std::string parse_record(const nlohmann::json& j, Conversation& conv, ShareGptStats& stats) {
  if (!j.is_object()) return "record is not an object";
  if (!j.contains("conversations")) return "missing field 'conversations'";
  const auto& turns = j["conversations"];
  if (!turns.is_array()) return "'conversations' is not an array";
  if (j.contains("id")) conv.id = j["id"].is_string() ? j["id"].get<std::string>() : j["id"].dump();
  std::vector<std::pair<std::string, std::string>> msgs;
  for (const auto& t : turns) {
    if (!t.is_object() || !t.contains("from") || !t.contains("value")) return "turn without 'from'/'value'";
    if (!t["from"].is_string() || !t["value"].is_string()) return "turn 'from'/'value' is not a string";
    std::string from = t["from"].get<std::string>();
    if (from != "system" && from != "human" && from != "gpt")
      return "unknown role (valid: system, human, gpt)";
    msgs.emplace_back(from, t["value"].get<std::string>());
  }
  size_t i = 0;
  if (i < msgs.size() && msgs[i].first == "system") conv.system = msgs[i++].second;
  bool dropped_leading = false, dropped_trailing = false;
  if (i < msgs.size() && msgs[i].first == "gpt") ++i, dropped_leading = true;
  for (; i < msgs.size(); i += 2) {
    if (msgs[i].first != "human") return "roles do not alternate human/gpt";
    if (i + 1 == msgs.size()) {
      dropped_trailing = true;
      break;
    }
    if (msgs[i + 1].first != "gpt") return "roles do not alternate human/gpt";
    if (msgs[i + 1].second.find_first_not_of(" \t\r\n") == std::string::npos) return "empty assistant answer";
    conv.turns.push_back({msgs[i].second, msgs[i + 1].second});
  }
  if (conv.turns.empty()) return "empty conversation (no human/gpt pair)";
  stats.leading_gpt_dropped += dropped_leading;
  stats.trailing_human_dropped += dropped_trailing;
  return "";
}

}  // namespace

std::string ShareGptStats::summary() const {
  std::ostringstream os;
  os << records << " records: " << kept << " kept";
  for (const auto& [reason, n] : skipped) os << "; " << n << " skipped (" << reason << ")";
  if (leading_gpt_dropped) os << "; " << leading_gpt_dropped << " leading gpt turns dropped";
  if (trailing_human_dropped) os << "; " << trailing_human_dropped << " unanswered final human turns dropped";
  return os.str();
}

std::vector<Conversation> read_sharegpt(const std::string& path, ShareGptStats& stats) {
  const std::string text = read_text_file(path);
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) fail_input(path, ": empty file; expected ShareGPT JSON");
  std::vector<RecordText> records;
  if (text[first] == '[')
    records = split_array(path, text, first);
  else if (text[first] == '{')
    records = split_lines(text);
  else
    not_json(path, text, first, "starts with neither '[' nor '{'");

  std::vector<Conversation> out;
  for (const auto& r : records) {
    ++stats.records;
    if (!valid_utf8(r.text)) {
      ++stats.skipped["invalid UTF-8"];
      continue;
    }
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(r.text);
    } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range.406 ("1e999")
      // A JSON Lines file with a broken line is not JSON: fail with the position.
      fail_input(path, ":", r.line, ": invalid JSON (", e.what(), ")");
    }
    Conversation conv;
    std::string reason = parse_record(j, conv, stats);
    if (!reason.empty()) {
      ++stats.skipped[reason];
      continue;
    }
    if (conv.id.empty()) conv.id = "line-" + std::to_string(r.line);
    out.push_back(std::move(conv));
    ++stats.kept;
  }
  return out;
}

}  // namespace ropelab
