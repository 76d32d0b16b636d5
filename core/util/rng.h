// The toolkit's one seeded random source: mt19937_64 plus draws defined here. The standard
// distributions (std::uniform_int_distribution, std::shuffle, ...) are implementation-defined, so
// anything drawn with them would differ between libstdc++ and libc++; these draws are exact on
// every platform, which makes a `--seed` name the same bytes everywhere — synthetic data, document
// orders, training batches and passkeys alike.
#pragma once
#include <cstdint>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

namespace ropelab {

class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  // Uniform integer in [0, n), n >= 1, by rejection (no modulo bias). Equal to `next() % n` except
  // for the top (2^64 mod n) values, a chance of n / 2^64 per draw.
  uint64_t below(uint64_t n) {
    if (n == 0) throw std::logic_error("Rng::below(0)");
    const uint64_t limit = UINT64_MAX - (UINT64_MAX % n + 1) % n;  // largest multiple of n, minus 1
    uint64_t x;
    do x = gen_();
    while (x > limit);
    return x % n;
  }
  // Uniform integer in [lo, hi] (inclusive), lo <= hi.
  int64_t between(int64_t lo, int64_t hi) {
    if (lo > hi) throw std::logic_error("Rng::between: lo > hi");
    return lo + int64_t(below(uint64_t(hi - lo) + 1));
  }
  // Uniform double in [0, 1) from the top 53 bits.
  double unit() { return double(gen_() >> 11) * (1.0 / 9007199254740992.0); }
  // A fresh seed for a sub-generator (keeps streams independent of how much a task draws).
  uint64_t split() { return gen_(); }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[size_t(below(v.size()))];
  }
  // k distinct indices of [0, n), in draw order (partial Fisher–Yates from the front), k <= n.
  std::vector<size_t> distinct(size_t n, size_t k) {
    if (k > n) throw std::logic_error("Rng::distinct: k > n");
    std::vector<size_t> v = iota(n);
    for (size_t i = 0; i < k; ++i) std::swap(v[i], v[i + size_t(below(n - i))]);
    v.resize(k);
    return v;
  }
  // Shuffles v in place (Fisher–Yates from the back: slot i-1 takes the element at a draw below i).
  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[size_t(below(i))]);
  }
  // A permutation of 0..n-1: shuffle() of the identity.
  std::vector<size_t> permutation(size_t n) {
    std::vector<size_t> v = iota(n);
    shuffle(v);
    return v;
  }

 private:
  static std::vector<size_t> iota(size_t n) {
    std::vector<size_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = i;
    return v;
  }
  std::mt19937_64 gen_;
};

}  // namespace ropelab
