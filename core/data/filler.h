// Natural-language filler for synthetic tasks: the documents of one split as a stream of words,
// read from any paragraph onwards, on through the rest of its document and the next documents,
// wrapping around at the end. A long document therefore fills a long context by itself: the
// context is coherent text, not a concatenation of snippets (issue #12).
//
// Invariants: whitespace inside documents is collapsed (a word never contains a space, tab or
// newline), so joining words with single spaces yields clean one-line prose; empty documents are
// dropped; the document order is a seeded shuffle fixed at construction. A start is a paragraph
// (a blank-line separated block; a corpus of one-paragraph documents has one start per document).
// A Span marks the words at which a fact may be inserted without cutting a sentence: the first
// word of a document, of a paragraph, and of a line that follows a line ending in . ! ? or :
// (a verse of the Bible, a sentence that ends a wrapped line of a manual).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ropelab::data {

struct Span {
  std::vector<std::string> words;
  std::vector<uint8_t> doc_start;  // 1 where words[i] may take an inserted sentence (see above)

  // Largest index <= pos that is such a break, or `floor` when none lies in [floor, pos].
  size_t snap_to_doc_start(size_t pos, size_t floor = 0) const;
  std::string join(size_t from, size_t to) const;  // words[from, to) joined by single spaces
};

class FillerText {
 public:
  FillerText(const std::vector<std::string>& docs, uint64_t seed);  // InputError when no words
  // Places a context can start: paragraphs over all documents (what callers draw from).
  size_t start_count() const { return starts_.size(); }
  size_t word_count() const { return words_.size(); }
  // n words starting at the first word of paragraph `start` (mod start_count), wrapping.
  Span take(size_t start, size_t n) const;

 private:
  std::vector<std::string> words_;  // every document's words, in the shuffled document order
  std::vector<uint8_t> breaks_;     // per word: 1 where a sentence may be inserted
  std::vector<size_t> starts_;      // word index of each paragraph's first word
};

std::vector<std::string> split_words(const std::string& text);
std::string join_words(const std::vector<std::string>& words);

// Occurrences of `needle` in `hay` (overlapping ones counted).
size_t count_occurrences(const std::string& hay, const std::string& needle);

}  // namespace ropelab::data
