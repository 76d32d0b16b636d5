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

FillerText::FillerText(const std::vector<std::string>& docs, uint64_t seed) {
  auto order = shuffled_order(docs.size(), seed);
  for (size_t i : order) {
    auto w = split_words(docs[i]);
    if (w.empty()) continue;
    total_words_ += w.size();
    docs_.push_back(std::move(w));
  }
  check_input(!docs_.empty(), "filler documents: no words found (is the `docs` file empty?)");
}

Span FillerText::take(size_t start_doc, size_t n) const {
  Span s;
  s.words.reserve(n);
  s.doc_start.reserve(n);
  size_t d = start_doc % docs_.size();
  while (s.words.size() < n) {
    const auto& doc = docs_[d];
    for (size_t i = 0; i < doc.size() && s.words.size() < n; ++i) {
      s.words.push_back(doc[i]);
      s.doc_start.push_back(i == 0);
    }
    d = (d + 1) % docs_.size();
  }
  return s;
}

}  // namespace ropelab::data
