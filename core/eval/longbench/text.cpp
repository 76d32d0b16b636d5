#include "core/eval/longbench/text.h"

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "core/util/error.h"
#include "core/util/utf8.h"

namespace ropelab::longbench {

std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  char32_t c = 0;
  for (size_t i = 0, len; i < s.size(); i += len) {
    len = utf8_sequence(s, i, &c);
    if (len == 0) fail_input("invalid UTF-8 at byte ", i, " of a ", s.size(), "-byte string");
    out.push_back(c);
  }
  return out;
}

std::string encode_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) {
    if (c < 0x80) {
      out.push_back(char(c));
    } else if (c < 0x800) {
      out.push_back(char(0xC0 | (c >> 6)));
      out.push_back(char(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(char(0xE0 | (c >> 12)));
      out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(char(0x80 | (c & 0x3F)));
    } else {
      out.push_back(char(0xF0 | (c >> 18)));
      out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(char(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

bool py_isspace(char32_t c) {
  // CPython's table (_PyUnicode_IsWhitespace): bidi class WS, B or S, or category Zs. This set
  // has been stable since Unicode 6.3 removed U+180E.
  if (c <= 0x20) return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
  switch (c) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

bool py_isalnum(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  switch (u_charType(UChar32(c))) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
      return true;
    default:
      return u_getIntPropertyValue(UChar32(c), UCHAR_NUMERIC_TYPE) != U_NT_NONE;
  }
}

bool py_is_word(char32_t c) { return c == U'_' || py_isalnum(c); }

bool py_isdecimal(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return u_charType(UChar32(c)) == U_DECIMAL_DIGIT_NUMBER;
}

std::string py_lower(std::string_view s) {
  bool ascii = true;
  for (char ch : s) ascii &= static_cast<unsigned char>(ch) < 0x80;
  if (ascii) {
    std::string out(s);
    for (char& ch : out)
      if (ch >= 'A' && ch <= 'Z') ch = char(ch - 'A' + 'a');
    return out;
  }
  decode_utf8(s);  // validates: ICU would silently substitute U+FFFD
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), int32_t(s.size())));
  u.toLower(icu::Locale::getRoot());
  std::string out;
  u.toUTF8String(out);
  return out;
}

std::vector<std::string> py_split(std::string_view s) {
  std::vector<std::string> out;
  const std::u32string u = decode_utf8(s);
  size_t i = 0;
  while (i < u.size()) {
    while (i < u.size() && py_isspace(u[i])) ++i;
    size_t j = i;
    while (j < u.size() && !py_isspace(u[j])) ++j;
    if (j > i) out.push_back(encode_utf8(std::u32string_view(u).substr(i, j - i)));
    i = j;
  }
  return out;
}

std::string py_strip(std::string_view s) {
  const std::u32string u = decode_utf8(s);
  size_t b = 0, e = u.size();
  while (b < e && py_isspace(u[b])) ++b;
  while (e > b && py_isspace(u[e - 1])) --e;
  return encode_utf8(std::u32string_view(u).substr(b, e - b));
}

std::string py_collapse_whitespace(std::string_view s) {
  std::string out;
  for (const auto& w : py_split(s)) {
    if (!out.empty()) out.push_back(' ');
    out += w;
  }
  return out;
}

std::vector<std::string> split_on(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t p = s.find(sep, start);
    if (p == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      return out;
    }
    out.emplace_back(s.substr(start, p - start));
    start = p + 1;
  }
}

std::string first_line(std::string_view s) {
  const size_t b = s.find_first_not_of('\n');
  if (b == std::string_view::npos) return "";
  const size_t e = s.find('\n', b);
  return std::string(s.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b));
}

std::string remove_ascii_punctuation(std::string_view s) {
  static const std::string_view kPunct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  std::string out;
  out.reserve(s.size());
  // Multi-byte UTF-8 sequences contain only bytes >= 0x80, so byte-wise removal is exact.
  for (char ch : s)
    if (kPunct.find(ch) == std::string_view::npos) out.push_back(ch);
  return out;
}

std::string replace_articles(std::string_view s) {
  // \b(a|an|the)\b matches exactly when a maximal run of word characters equals one of the three
  // words: every character of them is a word character, so the outer \b's force the run to end
  // there, and the alternation tries "a" before "an" without changing which runs match.
  const std::u32string u = decode_utf8(s);
  std::u32string out;
  out.reserve(u.size());
  size_t i = 0;
  while (i < u.size()) {
    if (!py_is_word(u[i])) {
      out.push_back(u[i++]);
      continue;
    }
    size_t j = i;
    while (j < u.size() && py_is_word(u[j])) ++j;
    const std::u32string_view run = std::u32string_view(u).substr(i, j - i);
    if (run == U"a" || run == U"an" || run == U"the")
      out.push_back(U' ');
    else
      out.append(run);
    i = j;
  }
  return encode_utf8(out);
}

std::vector<std::string> find_digit_runs(std::string_view s) {
  std::vector<std::string> out;
  const std::u32string u = decode_utf8(s);
  size_t i = 0;
  while (i < u.size()) {
    if (!py_isdecimal(u[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < u.size() && py_isdecimal(u[j])) ++j;
    out.push_back(encode_utf8(std::u32string_view(u).substr(i, j - i)));
    i = j;
  }
  return out;
}

std::vector<std::string> find_digit_runs_after(std::string_view s, std::string_view prefix) {
  std::vector<std::string> out;
  const std::u32string u = decode_utf8(s);
  const std::u32string pre = decode_utf8(prefix);
  size_t pos = 0;
  while (true) {
    const size_t p = u.find(pre, pos);
    if (p == std::u32string::npos) return out;
    size_t end = p + pre.size();
    while (end < u.size() && py_isdecimal(u[end])) ++end;
    if (end == p + pre.size()) {
      pos = p + 1;  // no digit: the regex engine retries at the next position
      continue;
    }
    out.push_back(encode_utf8(std::u32string_view(u).substr(p + pre.size(), end - p - pre.size())));
    pos = end;
  }
}

}  // namespace ropelab::longbench
