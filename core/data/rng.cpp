#include "core/data/rng.h"

#include <stdexcept>

namespace ropelab::data {

uint64_t DataRng::below(uint64_t n) {
  if (n == 0) throw std::logic_error("DataRng::below(0)");
  // Largest multiple of n that fits: values at or past it would bias the low residues.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % n + 1) % n;
  uint64_t x;
  do x = gen_();
  while (x > limit);
  return x % n;
}

int64_t DataRng::between(int64_t lo, int64_t hi) {
  if (lo > hi) throw std::logic_error("DataRng::between: lo > hi");
  return lo + int64_t(below(uint64_t(hi - lo) + 1));
}

double DataRng::unit() { return double(gen_() >> 11) * (1.0 / 9007199254740992.0); }

std::vector<size_t> DataRng::distinct(size_t n, size_t k) {
  if (k > n) throw std::logic_error("DataRng::distinct: k > n");
  std::vector<size_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = i;
  for (size_t i = 0; i < k; ++i) std::swap(v[i], v[i + size_t(below(n - i))]);
  v.resize(k);
  return v;
}

}  // namespace ropelab::data
