#include "analysis/entropy_report.h"

#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>

#include "core/output/output_file.h"
#include "core/util/error.h"

namespace ropelab::analysis {

std::vector<EntropyRun> read_entropy_file(const std::string& path) {
  auto f = output::open_for_reading(path, output::kEntropySchema);
  std::vector<EntropyRun> runs;
  if (!f.exists("/runs")) return runs;
  auto rg = f.open_group("/runs");
  for (const auto& name : rg.children()) {
    auto g = rg.open_group(name);
    EntropyRun r;
    r.name = name;
    r.complete = output::is_complete(g);
    if (!r.complete) {
      runs.push_back(std::move(r));
      continue;
    }
    r.method = g.attr_string("method");
    r.dtype = g.attr_string("dtype");
    r.n_docs = g.attr_int("n_docs");
    r.seq_len = g.attr_int("seq_len");
    r.window = g.attr_int("trained_window");  // stored by the writer: never re-derived here
    check_input(r.window > 0, g.where(), ": trained_window (", r.window, ") must be > 0");
    r.layers = g.dataset("layer").read<int64_t>().data;
    auto mean = g.dataset("entropy_mean").read<float>();
    check_input(
        mean.shape.size() == 3 && mean.shape[0] == r.layers.size() && int64_t(mean.shape[2]) == r.seq_len,
        g.where(), "/entropy_mean: shape does not match layer and seq_len");
    r.heads = int64_t(mean.shape[1]);
    r.mean = std::move(mean.data);
    r.count = g.dataset("count").read<int64_t>().data;
    runs.push_back(std::move(r));
  }
  return runs;
}

std::vector<LayerSummary> summarise(const EntropyRun& run) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const int64_t T = run.seq_len, H = run.heads, c = std::max<int64_t>(run.window, 1);
  std::vector<LayerSummary> out;
  for (size_t li = 0; li < run.layers.size(); ++li) {
    LayerSummary s;
    s.layer = run.layers[li];
    std::vector<double> hsum(4, 0.0), hn(4, 0.0);
    double sx = 0, sy = 0, sxx = 0, sxy = 0, n_fit = 0, sum_h = 0, sum_ln = 0;
    for (int64_t p = 0; p < T; ++p) {
      double h = 0;
      int64_t nh = 0;
      for (int64_t k = 0; k < H; ++k) {
        double v = run.mean[size_t((int64_t(li) * H + k) * T + p)];
        if (std::isfinite(v)) h += v, ++nh;
      }
      if (nh == 0) continue;
      h /= double(nh);
      const int64_t n = p + 1;
      const int band = n <= c ? 0 : n <= 2 * c ? 1 : n <= 4 * c ? 2 : 3;
      hsum[size_t(band)] += h;
      hn[size_t(band)] += 1;
      if (n >= 2) {
        const double x = std::log(double(n));
        sx += x, sy += h, sxx += x * x, sxy += x * h, n_fit += 1;
        sum_h += h, sum_ln += x;
      }
    }
    for (int b = 0; b < 4; ++b)
      s.band_mean.push_back(hn[size_t(b)] > 0 ? hsum[size_t(b)] / hn[size_t(b)] : nan);
    const double den = n_fit * sxx - sx * sx;
    s.slope = n_fit >= 2 && den > 0 ? (n_fit * sxy - sx * sy) / den : nan;
    s.uniform_ratio = sum_ln > 0 ? sum_h / sum_ln : nan;
    s.near_uniform = std::isfinite(s.uniform_ratio) && s.uniform_ratio >= 0.95;
    out.push_back(std::move(s));
  }
  return out;
}

std::string entropy_report(const std::vector<EntropyRun>& runs) {
  std::ostringstream os;
  auto cell = [](double v) {
    std::ostringstream c;
    if (std::isfinite(v))
      c << std::fixed << std::setprecision(3) << v;
    else
      c << "-";
    return c.str();
  };
  for (const auto& r : runs) {
    if (!r.complete) {
      os << "## " << r.name << " — INCOMPLETE (writer did not finish; not summarised)\n\n";
      continue;
    }
    os << "## " << r.name << " — method " << r.method << ", " << r.n_docs << " documents, T = " << r.seq_len
       << ", c = " << r.window << ", " << r.dtype << "\n\n";
    os << "| layer | n<=c | c-2c | 2c-4c | >4c | slope vs ln n | H / ln n | near-uniform |\n";
    os << "|---:|---:|---:|---:|---:|---:|---:|:---|\n";
    for (const auto& s : summarise(r)) {
      os << "| " << s.layer;
      for (double b : s.band_mean) os << " | " << cell(b);
      os << " | " << cell(s.slope) << " | " << cell(s.uniform_ratio) << " | " << (s.near_uniform ? "yes" : "")
         << " |\n";
    }
    os << "\n";
  }
  if (runs.empty()) os << "(no runs)\n";
  return os.str();
}

}  // namespace ropelab::analysis
