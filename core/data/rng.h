// The one random source of the synthetic-data generators: mt19937_64 plus draws we define
// ourselves. std::uniform_int_distribution, std::shuffle and friends are implementation-defined,
// so files generated with them would differ between libstdc++ and libc++; these draws are exact
// on every platform, which makes a seed name the same bytes everywhere.
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ropelab::data {

class DataRng {
 public:
  explicit DataRng(uint64_t seed) : gen_(seed) {}
  // Uniform integer in [0, n), n >= 1, by rejection (no modulo bias).
  uint64_t below(uint64_t n);
  // Uniform integer in [lo, hi] (inclusive), lo <= hi.
  int64_t between(int64_t lo, int64_t hi);
  // Uniform double in [0, 1) from the top 53 bits.
  double unit();
  // A fresh seed for a sub-generator (keeps streams independent of how much a task draws).
  uint64_t split() { return gen_(); }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[size_t(below(v.size()))];
  }
  // k distinct indices of [0, n), in draw order (partial Fisher–Yates), k <= n.
  std::vector<size_t> distinct(size_t n, size_t k);

 private:
  std::mt19937_64 gen_;
};

}  // namespace ropelab::data
