// Python-3 string semantics on UTF-8, as LongBench's metrics.py relies on them.
//
// Every function takes and returns UTF-8 and behaves like the named Python expression on the
// decoded `str` (a sequence of code points). Invariants:
// - Character properties come from ICU (Unicode 15 in Debian 12's ICU 72). CPython 3.11 uses
//   Unicode 14; the two differ only for characters added in Unicode 15, which never occur in
//   LongBench data.
// - `py_lower` is full, locale-independent case mapping with the Final_Sigma rule, as
//   str.lower() (ICU root locale; no Turkish/Lithuanian tailoring).
// - Invalid UTF-8 is an InputError naming the byte offset: Python could never have produced it.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ropelab::longbench {

std::u32string decode_utf8(std::string_view s);
std::string encode_utf8(std::u32string_view s);

// str.isspace() for one code point: bidi class WS/B/S or category Zs (29 code points).
bool py_isspace(char32_t c);
// str.isalnum(): categories L* (Lu Ll Lt Lm Lo) or any Numeric_Type.
bool py_isalnum(char32_t c);
// The `\w` of a Python 3 str regex: isalnum or '_'. `\b` is a change of this property.
bool py_is_word(char32_t c);
// The `\d` of a Python 3 str regex: a Unicode decimal digit (category Nd).
bool py_isdecimal(char32_t c);

// s.lower()
std::string py_lower(std::string_view s);
// s.split() with no argument: runs of py_isspace separate; no empty pieces.
std::vector<std::string> py_split(std::string_view s);
// s.strip() with no argument: leading and trailing py_isspace code points removed.
std::string py_strip(std::string_view s);
// " ".join(s.split())
std::string py_collapse_whitespace(std::string_view s);
// s.split(sep) for a one-byte ASCII separator: keeps empty pieces, n separators -> n+1 pieces.
std::vector<std::string> split_on(std::string_view s, char sep);
// s.lstrip('\n').split('\n')[0]
std::string first_line(std::string_view s);

// "".join(ch for ch in s if ch not in string.punctuation): the 32 ASCII punctuation characters
// only; Unicode punctuation such as ’ “ — is kept.
std::string remove_ascii_punctuation(std::string_view s);
// re.sub(r"\b(a|an|the)\b", " ", s): every maximal run of word characters that is exactly
// "a", "an" or "the" becomes one space (case-sensitive).
std::string replace_articles(std::string_view s);
// re.findall(r"\d+", s): maximal runs of decimal digits, as strings (full-width digits included).
std::vector<std::string> find_digit_runs(std::string_view s);
// re.findall(prefix + r"(\d+)", s): the digit run after each non-overlapping occurrence of the
// literal `prefix` that is followed by at least one digit.
std::vector<std::string> find_digit_runs_after(std::string_view s, std::string_view prefix);

}  // namespace ropelab::longbench
