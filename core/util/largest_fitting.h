// Binary search for the largest size that fits a budget, keeping the built object: the task
// generators and the pre-training chunker size text by "n words (or sentences) of filler", where
// building and measuring one candidate is the expensive step, so the search returns the best
// candidate it built instead of rebuilding it.
#pragma once
#include <cstddef>
#include <utility>

namespace ropelab {

// The build(n) for the largest n in [lo, hi) with fits(build(n)), where `best` = build(lo) fits
// and build(hi) is taken not to; fits must be monotone (a non-monotone one costs tightness only:
// the result still fits).
template <typename T, typename Build, typename Fits>
T largest_fitting(size_t lo, size_t hi, T best, const Build& build, const Fits& fits) {
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    T t = build(mid);
    if (fits(t)) {
      lo = mid;
      best = std::move(t);
    } else {
      hi = mid;
    }
  }
  return best;
}

}  // namespace ropelab
