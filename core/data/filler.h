// Natural-language filler for synthetic tasks: the documents of one split as a stream of words,
// read from any document onwards and wrapping around at the end.
//
// Invariants: whitespace inside documents is collapsed (a word never contains a space, tab or
// newline), so joining words with single spaces yields clean one-line prose; empty documents are
// dropped; the document order is a seeded shuffle fixed at construction; a Span remembers where
// each document starts so facts can be inserted between sentences rather than inside one.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ropelab::data {

struct Span {
  std::vector<std::string> words;
  std::vector<uint8_t> doc_start;  // 1 where words[i] begins a document

  // Largest index <= pos that begins a document, or `floor` when none lies in [floor, pos].
  size_t snap_to_doc_start(size_t pos, size_t floor = 0) const;
  std::string join(size_t from, size_t to) const;  // words[from, to) joined by single spaces
};

class FillerText {
 public:
  FillerText(const std::vector<std::string>& docs, uint64_t seed);  // InputError when no words
  size_t doc_count() const { return docs_.size(); }
  size_t word_count() const { return total_words_; }
  // n words starting at the first word of document `start_doc` (mod doc_count), wrapping.
  Span take(size_t start_doc, size_t n) const;

 private:
  std::vector<std::vector<std::string>> docs_;
  size_t total_words_ = 0;
};

std::vector<std::string> split_words(const std::string& text);
std::string join_words(const std::vector<std::string>& words);

// Occurrences of `needle` in `hay` (overlapping ones counted).
size_t count_occurrences(const std::string& hay, const std::string& needle);

}  // namespace ropelab::data
