#include "core/eval/predictions/shard.h"

#include <vector>

#include "core/eval/predictions/pred_file.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/numbers.h"

namespace ropelab::predictions {

Shard Shard::parse(const std::string& spec) {
  const size_t slash = spec.find('/');
  auto number = [&](const std::string& s) -> int64_t {
    const auto v = parse_int64(s);
    check_input(v.has_value(), "`shard`: '", spec, "' must be i/n with integers, e.g. 0/4");
    return *v;
  };
  check_input(slash != std::string::npos, "`shard`: '", spec, "' must be i/n (0-based), e.g. 0/4");
  Shard s{number(spec.substr(0, slash)), number(spec.substr(slash + 1))};
  check_input(s.count >= 1, "`shard`: n (", s.count, ") must be >= 1");
  check_input(s.index >= 0 && s.index < s.count, "`shard`: i (", s.index, ") must be in [0, ", s.count, ")");
  return s;
}

size_t Shard::owned(size_t n) const {
  return n > size_t(index) ? (n - size_t(index) + size_t(count) - 1) / size_t(count) : 0;
}

std::string Shard::tag() const { return "shard-" + std::to_string(index) + "-of-" + std::to_string(count); }

std::string prediction_file_name(const std::string& dataset, const Shard& shard) {
  return shard.sharded() ? dataset + "." + shard.tag() + ".part" : dataset + ".jsonl";
}

size_t merge_shards(const std::filesystem::path& dir, const std::string& dataset, int64_t count,
                    size_t n_samples, bool overwrite) {
  const auto target = dir / (dataset + ".jsonl");
  check_output_path(target, overwrite);
  std::vector<std::vector<nlohmann::json>> parts;
  for (int64_t i = 0; i < count; ++i) {
    const Shard s{i, count};
    const auto path = dir / prediction_file_name(dataset, s);
    check_input(std::filesystem::exists(path), path.string(), ": missing (run `shard` ", i, "/", count,
                " first)");
    parts.push_back(read_prediction_lines(path));
    check_input(parts.back().size() == s.owned(n_samples), path.string(), ": incomplete (",
                parts.back().size(), " of ", s.owned(n_samples),
                " lines); finish that shard first (rerun it to resume)");
  }
  std::string text;
  for (size_t k = 0; k < n_samples; ++k)
    text += prediction_line(parts[k % size_t(count)][k / size_t(count)]) + "\n";
  write_text_file_atomic(target, text);
  return n_samples;
}

}  // namespace ropelab::predictions
