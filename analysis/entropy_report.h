// Reading entropy files (output::kEntropySchema, analysis/hdf5-schema.md) and summarising them: per run
// and recorded layer, the head-averaged mean entropy over position bands relative to the trained
// window c, the least-squares slope of entropy against ln(n) (n = keys visible = position + 1),
// and a near-uniform flag.
//
// Invariants: c is the run's stored trained_window attribute (computed once by the writer from the
// model config, core/rope/trained_window.h), never re-derived here. Bands are by n: inside (n <= c), 1–2c
// (c < n <= 2c), 2–4c, beyond (> 4c); a band without positions prints as a dash. A layer is
// near-uniform when its mean entropy over n >= 2 is at least 95% of the mean of ln n there.
// Incomplete runs are listed as such and never summarised. No model code here.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ropelab::analysis {

struct EntropyRun {
  std::string name, method, dtype;
  bool complete = false;
  int64_t n_docs = 0, seq_len = 0, window = 0;  // window = c
  std::vector<int64_t> layers;                  // recorded layer indices
  int64_t heads = 0;
  std::vector<float> mean;     // [layer, head, position] row-major
  std::vector<int64_t> count;  // [position]
};

// Every run of the file (sorted by name). InputError for a file that is not an entropy file of
// output::kEntropySchema.
std::vector<EntropyRun> read_entropy_file(const std::string& path);

struct LayerSummary {
  int64_t layer = 0;
  std::vector<double> band_mean;  // inside, 1-2c, 2-4c, beyond; NaN when the band is empty
  double slope = 0;               // d entropy / d ln n (nats per e-fold)
  double uniform_ratio = 0;       // mean H / mean ln n over n >= 2
  bool near_uniform = false;
};

std::vector<LayerSummary> summarise(const EntropyRun& run);
std::string entropy_report(const std::vector<EntropyRun>& runs);  // markdown tables

}  // namespace ropelab::analysis
