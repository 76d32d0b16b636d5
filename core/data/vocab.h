// The small fixed vocabularies synthetic facts and few-shot examples are made of. Words were
// chosen to be absent from the shipped corpus (data/corpus/fortunes-min.txt), so an answer
// appears in a context only where a fact put it; generators still check this per instance.
#pragma once
#include <string>
#include <vector>

namespace ropelab::data {

struct Attribute {
  std::string phrase;               // "secret city"
  std::vector<std::string> values;  // "Lisbon", ...
};

const std::vector<std::string>& person_names();
const std::vector<Attribute>& attributes();
const std::vector<std::string>& fewshot_keywords();  // nouns a fewshot text is classified by
const std::vector<std::string>& fewshot_labels();    // the classes (none is a substring of another)

// Keys of key-value needles ("amber-anchor"): adjective x noun, 900 distinct keys (RULER niah, kv).
const std::vector<std::string>& key_adjectives();
const std::vector<std::string>& key_nouns();

// "The secret city of Mara is Lisbon." / "What is the secret city of Mara?"
std::string fact_sentence(const std::string& name, const Attribute& a, const std::string& value);
std::string fact_question(const std::string& name, const Attribute& a);

}  // namespace ropelab::data
