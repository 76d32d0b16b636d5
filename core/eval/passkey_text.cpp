#include "core/eval/passkey_text.h"

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

std::string passkey_prompt_text(int filler_before, int filler_after, const std::string& key) {
  std::string out = passkey_intro();
  for (int i = 0; i < filler_before; ++i) out += " " + passkey_filler();
  out += " " + passkey_key_line(key);
  for (int i = 0; i < filler_after; ++i) out += " " + passkey_filler();
  out += " " + passkey_question();
  return out;
}

}  // namespace ropelab
