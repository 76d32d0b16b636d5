#include "core/data/split.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "core/io/documents.h"
#include "core/util/error.h"

namespace ropelab::data {

void SplitConfig::validate() const {
  check_input(fractions.size() == 3, "`fractions`: expected three values (pretrain,finetune,eval), got ",
              fractions.size());
  double sum = 0;
  for (double f : fractions) {
    check_input(std::isfinite(f) && f >= 0, "`fractions`: ", f, " is not a fraction >= 0");
    sum += f;
  }
  check_input(std::fabs(sum - 1.0) <= 1e-6, "`fractions`: values must sum to 1, got ", sum);
}

std::vector<size_t> apportion(size_t total, const std::vector<double>& weights) {
  std::vector<size_t> n(weights.size());
  std::vector<std::pair<double, size_t>> rem;
  size_t used = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    double exact = weights[i] * double(total);
    n[i] = size_t(std::floor(exact));
    used += n[i];
    rem.push_back({exact - std::floor(exact), i});
  }
  // Ties go to the earlier entry, so the result does not depend on the sort's stability.
  std::sort(rem.begin(), rem.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (size_t k = 0; used < total && k < rem.size(); ++k, ++used) ++n[rem[k].second];
  return n;
}

SplitResult split_documents(const std::vector<std::string>& docs, const SplitConfig& cfg) {
  cfg.validate();
  SplitResult r;
  std::vector<std::string> unique;
  std::unordered_set<std::string> seen;
  for (const auto& d : docs) {
    if (seen.insert(d).second)
      unique.push_back(d);
    else
      ++r.duplicates_dropped;
  }
  auto sizes = apportion(unique.size(), cfg.fractions);
  static const char* names[] = {"pretrain", "finetune", "eval"};
  for (int i = 0; i < 3; ++i)
    check_input(sizes[i] > 0, "`fractions`: the ", names[i], " set would be empty (", unique.size(),
                " distinct documents, fraction ", cfg.fractions[i], ")");
  // set_of[doc] = which set; the shuffled order decides membership, corpus order is kept inside.
  auto order = shuffled_order(unique.size(), cfg.seed);
  std::vector<int> set_of(unique.size());
  for (size_t k = 0; k < order.size(); ++k)
    set_of[order[k]] = k < sizes[0] ? 0 : k < sizes[0] + sizes[1] ? 1 : 2;
  for (size_t i = 0; i < unique.size(); ++i) {
    auto& dst = set_of[i] == 0 ? r.pretrain : set_of[i] == 1 ? r.finetune : r.eval;
    dst.push_back(std::move(unique[i]));
  }
  return r;
}

std::string documents_jsonl(const std::vector<std::string>& docs) {
  std::string out;
  for (const auto& d : docs) out += nlohmann::json{{"text", d}}.dump() + "\n";
  return out;
}

}  // namespace ropelab::data
