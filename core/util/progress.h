// Progress of long work, printed on stderr as one line that rewrites itself:
//   [T=2048] docs 12/64, 3210 tokens/s, ETA 1m05s
// One place for the rate and ETA arithmetic and the duration format, shared by entropy,
// passkey, ppl, the LongBench/RULER prediction loop and the trainers. Header-only: it is small,
// and a new source file would reshuffle every unity batch of the library.
#pragma once
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>

namespace ropelab {

// 45 -> "0m45s", 185 -> "3m05s", 3720 -> "1h02m"; "?" for a negative or non-finite duration.
inline std::string format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const long long t = (long long)(s + 0.5);
  char buf[64];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", t / 3600, t / 60 % 60);
  else
    std::snprintf(buf, sizeof buf, "%lldm%02llds", t / 60, t % 60);
  return buf;
}

class ProgressLine {
 public:
  // `unit`: what the rate counts, e.g. "tokens" (printed as "tokens/s").
  explicit ProgressLine(std::string unit, int rate_decimals = 0)
      : unit_(std::move(unit)), decimals_(rate_decimals), start_(std::chrono::steady_clock::now()) {}

  double elapsed_s() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

  // "done/total, R unit/s, ETA D": the rate is units_done / elapsed; the ETA assumes the
  // remaining items go at this run's average pace (`done_here`: the items this process did, when
  // a resumed run started with some done; -1 = all of `done`).
  std::string status(int64_t done, int64_t total, double units_done, int64_t done_here = -1) const {
    const double secs = std::max(elapsed_s(), 1e-9);
    if (done_here < 0) done_here = done;
    const double eta = done_here > 0 ? secs / double(done_here) * double(total - done) : -1;
    char rate[64];
    std::snprintf(rate, sizeof rate, "%.*f", decimals_, units_done / secs);
    return std::to_string(done) + "/" + std::to_string(total) + ", " + rate + " " + unit_ + "/s, ETA " +
           format_duration(eta);
  }

  // Writes "\r" + prefix + status + suffix to stderr (no newline; finish() ends the line).
  void print(const std::string& prefix, int64_t done, int64_t total, double units_done,
             const std::string& suffix = "", int64_t done_here = -1) const {
    std::cerr << "\r" << prefix << status(done, total, units_done, done_here) << suffix << "   "
              << std::flush;
  }
  static void finish() { std::cerr << "\n"; }

 private:
  std::string unit_;
  int decimals_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace ropelab
