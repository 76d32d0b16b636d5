#include "experiments/field_flags.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace ropelab::cli {

namespace {

std::set<std::string>& noted() {
  static std::set<std::string> options;
  return options;
}

// Fields whose option is not the field's name with '_' -> '-'.
const std::map<std::string, std::string>& renamed() {
  static const std::map<std::string, std::string> m = {
      {"max_steps", "steps"},         // TrainConfig
      {"warmup_steps", "warmup"},     // TrainConfig, LrSchedule
      {"resume_from", "resume"},      // TrainOutput
      {"adamw.beta1", "adam-beta1"},  // TrainConfig::adamw
      {"adamw.beta2", "adam-beta2"}, {"adamw.eps", "adam-eps"}, {"adamw.weight_decay", "weight-decay"},
      {"timeout", "dist-timeout"},                         // DistConfig
      {"seq_len", "max-length"},                           // PlanConfig
      {"zero_stage", "zero"},        {"inputs", "input"},  // TokenizerTrainOptions
      {"output_model", "out"},
  };
  return m;
}

bool is_field(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::islower(c) || std::isdigit(c) || c == '_' || c == '.';
  });
}

}  // namespace

void note_options(const boost::program_options::options_description& d) {
  for (const auto& o : d.options()) noted().insert(o->long_name());
}

std::string flag_message(const std::string& message) {
  std::string out;
  size_t i = 0;
  while (i < message.size()) {
    const size_t open = message.find('`', i);
    const size_t close = open == std::string::npos ? open : message.find('`', open + 1);
    if (close == std::string::npos) break;
    const std::string field = message.substr(open + 1, close - open - 1);
    std::string option = field;
    if (auto it = renamed().find(field); it != renamed().end()) option = it->second;
    std::replace(option.begin(), option.end(), '_', '-');
    if (is_field(field) && noted().count(option)) {
      out += message.substr(i, open - i) + "--" + option;
      i = close + 1;
    } else {  // not a field of this subcommand: keep the backquote, look on after it
      out += message.substr(i, open + 1 - i);
      i = open + 1;
    }
  }
  return out + message.substr(std::min(i, message.size()));
}

}  // namespace ropelab::cli
