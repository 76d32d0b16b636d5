#include "core/data/passkey_text.h"

#include <algorithm>
#include <cmath>

namespace ropelab {

const std::string& passkey_intro() {
  static const std::string s =
      "There is an important info hidden inside a lot of irrelevant text. Find it and memorize it. "
      "I will quiz you about the important information there.";
  return s;
}

const std::string& passkey_filler() {
  static const std::string s =
      "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again.";
  return s;
}

std::string passkey_key_line(const std::string& key) {
  return "The pass key is " + key + ". Remember it. " + key + " is the pass key.";
}

const std::string& passkey_question() {
  static const std::string s = "What is the pass key? The pass key is";
  return s;
}

PasskeyPlacement place_passkey(int64_t n, double depth) {
  const int64_t before = std::min<int64_t>(n, std::llround(depth * double(n)));
  return {before, n - before};
}

std::string passkey_haystack(int64_t filler_before, int64_t filler_after, const std::string& key) {
  std::string out;
  for (int64_t i = 0; i < filler_before; ++i) out += passkey_filler() + " ";
  out += passkey_key_line(key);
  for (int64_t i = 0; i < filler_after; ++i) out += " " + passkey_filler();
  return out;
}

std::string passkey_prompt_text(int64_t filler_before, int64_t filler_after, const std::string& key) {
  return passkey_intro() + " " + passkey_haystack(filler_before, filler_after, key) + " " +
         passkey_question();
}

}  // namespace ropelab
