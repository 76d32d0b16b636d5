#include "core/data/filler.h"

#include "core/io/documents.h"
#include "core/util/error.h"
#include "core/util/strings.h"

namespace ropelab::data {

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::string join_words(const std::vector<std::string>& words) { return join(words, " "); }

size_t count_occurrences(const std::string& hay, const std::string& needle) {
  if (needle.empty()) return 0;
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

size_t Span::snap_to_doc_start(size_t pos, size_t floor) const {
  if (pos >= words.size()) return pos;
  for (size_t i = pos + 1; i-- > floor;)
    if (doc_start[i]) return i;
  return floor;
}

std::string Span::join(size_t from, size_t to) const {
  std::string s;
  for (size_t i = from; i < to && i < words.size(); ++i) {
    if (i > from) s += ' ';
    s += words[i];
  }
  return s;
}

namespace {

bool ends_sentence(const std::string& line) {
  size_t e = line.find_last_not_of(" \t\r");
  if (e == std::string::npos) return false;
  char c = line[e];
  if ((c == '"' || c == '\'' || c == ')') && e > 0) c = line[e - 1];  // a quote closing a sentence
  return c == '.' || c == '!' || c == '?' || c == ':';
}

bool blank(const std::string& line) { return line.find_first_not_of(" \t\r\f\v") == std::string::npos; }

}  // namespace

FillerText::FillerText(const std::vector<std::string>& docs, uint64_t seed) {
  auto order = shuffled_order(docs.size(), seed);
  for (size_t i : order) {
    // Line by line: a blank line starts a paragraph; a line after a sentence end is a break.
    bool doc_first = true, para_first = true, after_end = false;
    size_t from = 0;
    const std::string& doc = docs[i];
    while (from <= doc.size()) {
      size_t nl = doc.find('\n', from);
      if (nl == std::string::npos) nl = doc.size();
      const std::string line = doc.substr(from, nl - from);
      from = nl + 1;
      if (blank(line)) {
        para_first = true;
        continue;
      }
      auto w = split_words(line);
      for (size_t k = 0; k < w.size(); ++k) {
        if (k == 0 && para_first) starts_.push_back(words_.size());
        breaks_.push_back(k == 0 && (doc_first || para_first || after_end));
        words_.push_back(std::move(w[k]));
      }
      doc_first = para_first = false;
      after_end = ends_sentence(line);
    }
  }
  check_input(!words_.empty(), "filler documents: no words found (is the `docs` file empty?)");
}

Span FillerText::take(size_t start, size_t n) const {
  Span s;
  s.words.reserve(n);
  s.doc_start.reserve(n);
  for (size_t i = starts_[start % starts_.size()]; s.words.size() < n; i = (i + 1) % words_.size()) {
    s.words.push_back(words_[i]);
    s.doc_start.push_back(breaks_[i]);
  }
  return s;
}

}  // namespace ropelab::data
