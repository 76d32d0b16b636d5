#include "core/data/vocab.h"

namespace ropelab::data {

const std::vector<std::string>& person_names() {
  static const std::vector<std::string> v = {"Mara",  "Tobin", "Elsa",  "Brann", "Ilya",  "Odile",  "Pavel",
                                             "Quinn", "Rosa",  "Soren", "Talia", "Umar",  "Wendel", "Yara",
                                             "Zeno",  "Anouk", "Bruno", "Cleo",  "Dario", "Nadia"};
  return v;
}

const std::vector<Attribute>& attributes() {
  static const std::vector<Attribute> v = {
      {"secret city",
       {"Lisbon", "Oslo", "Cairo", "Quito", "Dakar", "Hanoi", "Perth", "Tunis", "Sofia", "Accra", "Minsk",
        "Kyoto", "Porto", "Nairobi", "Dublin", "Zagreb"}},
      {"favourite fruit", {"mango", "papaya", "lychee", "guava", "kiwi", "quince", "durian", "apricot"}},
      {"spirit animal",
       {"lynx", "heron", "gecko", "bison", "marmot", "ibis", "tapir", "okapi", "puffin", "lemur"}},
      {"chosen instrument", {"violin", "cello", "banjo", "oboe", "flute", "tuba", "sitar", "ukulele"}},
  };
  return v;
}

const std::vector<std::string>& fewshot_keywords() {
  static const std::vector<std::string> v = {"kettle", "lantern", "walrus", "tulip",  "compass", "falcon",
                                             "igloo",  "jigsaw",  "kayak",  "nectar", "orchid",  "thimble"};
  return v;
}

const std::vector<std::string>& fewshot_labels() {
  static const std::vector<std::string> v = {"coral", "cobalt", "ivory", "jade", "ruby", "slate"};
  return v;
}

std::string fact_sentence(const std::string& name, const Attribute& a, const std::string& value) {
  return "The " + a.phrase + " of " + name + " is " + value + ".";
}

std::string fact_question(const std::string& name, const Attribute& a) {
  return "What is the " + a.phrase + " of " + name + "?";
}

const std::vector<std::string>& key_adjectives() {
  static const std::vector<std::string> v = {
      "amber", "brisk", "cobalt", "dusty",  "eager", "frosty", "gentle", "hollow", "ivory",  "jolly",
      "keen",  "lunar", "mellow", "nimble", "olive", "plucky", "quiet",  "rustic", "silver", "tidy",
      "umber", "vivid", "woolly", "young",  "zesty", "bold",   "crisp",  "dapper", "fancy",  "grand"};
  return v;
}

const std::vector<std::string>& key_nouns() {
  static const std::vector<std::string> v = {"anchor",  "beacon", "canyon",   "dolphin", "ember",  "falcon",
                                             "glacier", "harbor", "island",   "jasmine", "kettle", "lantern",
                                             "meadow",  "nectar", "orchard",  "pebble",  "quartz", "raven",
                                             "saddle",  "tulip",  "umbrella", "violin",  "walnut", "yacht",
                                             "zephyr",  "badger", "candle",   "donkey",  "engine", "feather"};
  return v;
}

}  // namespace ropelab::data
