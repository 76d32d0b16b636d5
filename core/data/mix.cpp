#include "core/data/mix.h"

#include <cmath>
#include <sstream>

#include "core/data/split.h"
#include "core/io/documents.h"
#include "core/util/error.h"
#include "core/util/numbers.h"

namespace ropelab::data {

std::vector<MixEntry> parse_mix(const std::string& spec, const std::string& option, bool allow_text) {
  const std::string valid = (allow_text ? "text, repeat, randrepeat, randfacts, " : "") + task_names();
  std::vector<MixEntry> mix;
  std::stringstream ss(spec);
  std::string item;
  double sum = 0;
  while (std::getline(ss, item, ',')) {
    auto eq = item.find('=');
    check_input(eq != std::string::npos, option, ": '", item, "' is not KEY=WEIGHT (valid keys: ", valid,
                ")");
    MixEntry e{item.substr(0, eq), 0};
    if (!(allow_text &&
          (e.key == "text" || e.key == "repeat" || e.key == "randrepeat" || e.key == "randfacts")))
      check_input(is_task_name(e.key), option, ": unknown key '", e.key, "'; valid: ", valid);
    for (const auto& m : mix) check_input(m.key != e.key, option, ": key '", e.key, "' given twice");
    std::string w = item.substr(eq + 1);
    const auto weight = parse_double(w);
    e.weight = weight.value_or(-1);
    check_input(weight && std::isfinite(e.weight) && e.weight >= 0, option, ": weight '", w, "' of '", e.key,
                "' is not a number >= 0");
    sum += e.weight;
    mix.push_back(e);
  }
  check_input(!mix.empty(), option, ": empty mix");
  check_input(std::fabs(sum - 1.0) <= 1e-3, option, ": weights must sum to 1, got ", sum);
  return mix;
}

std::string mix_to_string(const std::vector<MixEntry>& mix) {
  std::ostringstream os;
  for (size_t i = 0; i < mix.size(); ++i) os << (i ? "," : "") << mix[i].key << "=" << mix[i].weight;
  return os.str();
}

std::vector<std::string> mix_schedule(const std::vector<MixEntry>& mix, size_t count, uint64_t seed) {
  std::vector<double> w;
  double sum = 0;
  for (const auto& m : mix) sum += m.weight;
  for (const auto& m : mix) w.push_back(m.weight / sum);
  auto n = apportion(count, w);
  std::vector<std::string> keys;
  for (size_t i = 0; i < mix.size(); ++i) keys.insert(keys.end(), n[i], mix[i].key);
  std::vector<std::string> out;
  for (size_t i : shuffled_order(keys.size(), seed)) out.push_back(keys[i]);
  return out;
}

}  // namespace ropelab::data
