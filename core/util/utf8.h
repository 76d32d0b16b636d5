// UTF-8 as RFC 3629 defines it, in one place: no overlong forms, no UTF-16 surrogates, nothing past
// U+10FFFF (Unicode Table 3-7) — what Python's codec accepts. Every reader that validates text
// (JSON Lines, documents, ShareGPT, HDF5 strings) and the LongBench text functions that decode it
// go through utf8_sequence().
#pragma once
#include <cstddef>
#include <string_view>

namespace ropelab {

// Length (1..4) of the valid UTF-8 sequence that starts at byte i of s, with its code point in
// *cp when cp is given; 0 when the bytes at i are not one.
inline size_t utf8_sequence(std::string_view s, size_t i, char32_t* cp = nullptr) {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  const unsigned char c = b[i];
  if (c < 0x80) {
    if (cp) *cp = c;
    return 1;
  }
  // The allowed range of the second byte depends on the lead byte; later continuation bytes are
  // always 80..BF.
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  char32_t v;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2, v = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, v = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, v = c & 0x07;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // past U+10FFFF
  } else {
    return 0;  // continuation byte, C0/C1 (always overlong) or F5..FF
  }
  if (i + 1 >= n || b[i + 1] < lo || b[i + 1] > hi) return 0;
  for (size_t k = 1; k < len; ++k) {
    if (i + k >= n || (b[i + k] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b[i + k] & 0x3F);
  }
  if (cp) *cp = v;
  return len;
}

// Byte offset of the first invalid UTF-8 sequence, or std::string_view::npos when valid.
inline size_t find_invalid_utf8(std::string_view s) {
  for (size_t i = 0, len; i < s.size(); i += len)
    if ((len = utf8_sequence(s, i)) == 0) return i;
  return std::string_view::npos;
}
inline bool valid_utf8(std::string_view s) { return find_invalid_utf8(s) == std::string_view::npos; }

}  // namespace ropelab
