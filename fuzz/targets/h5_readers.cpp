// The readers of the toolkit's own HDF5 files (entropy.h5 for `report entropy` and the resume
// checks of `entropy`, eval.h5 for `passkey` / `ppl`), fed files that are valid HDF5 but whose
// contents are hostile: attributes missing or of the wrong type, runs without datasets, datasets
// of any element type and shape, JSON attributes that are not JSON, absurd integers.
//
// Structure-aware on purpose: the input bytes are a little program that builds such a file
// through the HDF5 API. Raw byte mutation would fuzz libhdf5's own format parser (not built with
// sanitizers here, and fuzzed upstream in OSS-Fuzz) rather than what this toolkit checks.
#include <algorithm>
#include <cstring>
#include <limits>

#include "analysis/entropy_report.h"
#include "core/eval/eval_output.h"
#include "core/instrument/entropy_writer.h"
#include "core/io/h5.h"
#include "core/util/error.h"
#include "fuzz/fuzz_target.h"

using namespace ropelab;
using namespace ropelab::fuzz;

namespace {

class Bytes {
 public:
  explicit Bytes(std::string_view s) : s_(s) {}
  bool empty() const { return s_.empty(); }
  unsigned u8() {
    if (s_.empty()) return 0;
    const unsigned v = static_cast<unsigned char>(s_[0]);
    s_.remove_prefix(1);
    return v;
  }
  int64_t i64() {
    // Small values most of the time, the type's edges sometimes.
    switch (u8() % 8) {
      case 0:
        return std::numeric_limits<int64_t>::max();
      case 1:
        return std::numeric_limits<int64_t>::min();
      case 2:
        return -int64_t(u8());
      default:
        return int64_t(u8()) | (int64_t(u8() % 4) << 8);
    }
  }
  double f64() {
    switch (u8() % 8) {
      case 0:
        return std::numeric_limits<double>::quiet_NaN();
      case 1:
        return std::numeric_limits<double>::infinity();
      case 2:
        return -1e300;
      default:
        return double(int(u8()) - 64) / 8.0;
    }
  }
  std::string str() {
    const size_t n = std::min<size_t>(u8() % 48, s_.size());
    std::string out(s_.substr(0, n));
    s_.remove_prefix(n);
    return out;
  }

 private:
  std::string_view s_;
};

const char* const kNames[] = {
    "schema_version", "kind",   "complete", "method", "dtype",   "n_docs", "seq_len",     "rope_json",
    "model_json",     "window", "trials",   "seed",   "git_sha", "config", "schema_kind", "trained_window"};
const char* const kRuns[] = {"/runs/a", "/runs/b", "/eval/a", "/eval/a/passkey", "/eval/a/ppl", "/runs/a/x"};
const char* const kData[] = {"layer",   "entropy_mean", "count",   "accuracy",
                             "lengths", "depths",       "correct", "nll"};
const char* const kJson[] = {R"({"rope_type":"default","original_max_position_embeddings":64})",
                             R"({"max_position_embeddings":128})",
                             R"({"max_position_embeddings":-5})",
                             R"({"original_max_position_embeddings":0})",
                             "[1,2]",
                             "{",
                             "entropy",
                             "eval"};  // also schema_kind values, so readers get past the check

void set_attr(h5::Group& g, const std::string& name, Bytes& b) {
  switch (b.u8() % 5) {
    case 0:
      g.set_attr_int(name, b.i64());
      break;
    case 1:
      g.set_attr_double(name, b.f64());
      break;
    case 2:
      g.set_attr_bool(name, b.u8() & 1);
      break;
    case 3:
      g.set_attr_string(name, kJson[b.u8() % std::size(kJson)]);
      break;
    default:
      g.set_attr_string(name, b.str());
      break;
  }
}

void write_dataset(h5::Group& g, const std::string& name, Bytes& b) {
  h5::Shape shape;
  const unsigned rank = b.u8() % 4;
  size_t n = 1;
  for (unsigned i = 0; i < rank; ++i) {
    shape.push_back(b.u8() % 9);
    n *= shape.back();
  }
  switch (b.u8() % 4) {
    case 0: {
      std::vector<float> v(n);
      for (auto& x : v) x = float(b.f64());
      g.write(name, v, shape);
      break;
    }
    case 1: {
      std::vector<double> v(n);
      for (auto& x : v) x = b.f64();
      g.write(name, v, shape);
      break;
    }
    case 2: {
      std::vector<int32_t> v(n);
      for (auto& x : v) x = int32_t(b.i64());
      g.write(name, v, shape);
      break;
    }
    default: {
      std::vector<int64_t> v(n);
      for (auto& x : v) x = b.i64();
      g.write(name, v, shape);
      break;
    }
  }
}

}  // namespace

ROPELAB_FUZZ_TARGET(h5_readers) {
  Bytes b(input);
  const std::string path = (scratch() / "out.h5").string();
  // Building the file is not what is under test: a combination the writer API refuses (a group
  // where a dataset is, an empty array) just ends the program early.
  try {
    auto f = h5::H5File::create_or_open(path);
    while (!b.empty()) {
      const unsigned op = b.u8() % 4;
      const std::string where = op == 0 ? "/" : kRuns[b.u8() % std::size(kRuns)];
      h5::Group g = where == "/" ? static_cast<h5::Group&>(f) : f.group(where);
      if (op <= 1) {
        set_attr(g, kNames[b.u8() % std::size(kNames)], b);
      } else {
        const std::string name = kData[b.u8() % std::size(kData)];
        if (!g.exists(name)) write_dataset(g, name, b);
      }
    }
  } catch (const std::exception&) {
  }
  // Each reader on its own: one refusing the file must not hide a crash in another.
  const auto guarded = [](auto&& fn) {
    try {
      fn();
    } catch (const InputError&) {
    }
  };
  guarded([&] {
    const auto runs = analysis::read_entropy_file(path);
    for (const auto& r : runs)
      if (r.complete) (void)analysis::summarise(r);
    (void)analysis::entropy_report(runs);
  });
  guarded([&] { check_entropy_run_writable(path, "a", false); });
  guarded([&] { check_entropy_run_writable(path, "b", true); });
  guarded([&] { check_eval_run_writable(path, "a", "passkey", false); });
  guarded([&] { check_eval_run_writable(path, "a", "ppl", true); });
}
