// Text documents for corpus measurements (`ropelab entropy`): JSON Lines with a string `text`
// field per line, or plain text where documents are separated by blank lines.
//
// Invariants: the format is chosen from the content, not the name: a file whose first
// non-whitespace character is '{' is JSON Lines, anything else plain text. Every failure is an
// InputError naming FILE:LINE (missing or non-string `text`, invalid JSON or UTF-8). Documents
// keep file order; callers shuffle them with shuffled_order() so an order is fixed by a seed on
// every platform (std::shuffle is not).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ropelab {

std::vector<std::string> read_documents(const std::string& path);

// A permutation of 0..n-1 from a Fisher–Yates shuffle of Rng(seed) (core/util/rng.h).
std::vector<size_t> shuffled_order(size_t n, uint64_t seed);

}  // namespace ropelab
