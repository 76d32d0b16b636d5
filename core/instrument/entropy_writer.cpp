#include "core/instrument/entropy_writer.h"

#include <torch/torch.h>

#include <numeric>
#include <stdexcept>

#include "core/output/output_file.h"
#include "core/util/error.h"

namespace ropelab {

namespace {

template <typename T>
std::vector<T> to_vec(const torch::Tensor& t) {
  auto c = t.contiguous();
  return std::vector<T>(c.data_ptr<T>(), c.data_ptr<T>() + c.numel());
}

h5::Shape shape_of(const torch::Tensor& t) {
  h5::Shape s;
  for (auto d : t.sizes()) s.push_back(hsize_t(d));
  return s;
}

h5::Dataset write_f32(h5::Group& g, const std::string& path, const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kFloat32).contiguous();
  return g.write<float>(path, c.data_ptr<float>(), shape_of(c));
}

std::vector<int64_t> iota(int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), int64_t(0));
  return v;
}

void label(h5::Dataset& d, const std::vector<std::pair<std::string, const h5::Dataset*>>& axes) {
  for (unsigned i = 0; i < axes.size(); ++i) {
    d.set_dim_label(i, axes[i].first);
    if (axes[i].second) d.attach_scale(i, *axes[i].second);
  }
}

}  // namespace

void check_entropy_run_writable(const std::string& path, const std::string& run, bool overwrite) {
  output::validate_run_name(run);
  output::check_writable(path, output::kEntropySchema, "/runs/" + run, overwrite);
}

void write_entropy_run(const std::string& path, const std::string& run, const EntropyRunInfo& info,
                       const EntropyRecorder& rec, const torch::Tensor& logits,
                       const EntropyWriteOptions& opts) {
  if (info.trained_window <= 0)  // the caller's duty: trained_window(model rope) is always > 0
    throw std::invalid_argument("write_entropy_run: EntropyRunInfo::trained_window is not set");
  check_entropy_run_writable(path, run, opts.overwrite);
  const auto& o = rec.options();
  const int64_t T = o.seq_len, H = o.num_heads;
  // The file's other runs stay intact whatever happens; the root and the run get the provenance.
  output::OutputFile out(path, output::kEntropySchema, {info.command_line, info.config_json});
  h5::Group g = out.begin_run("/runs/" + run, opts.overwrite);

  g.set_attr_string("method", info.method);
  g.set_attr_string("rope_json", info.rope_json);
  g.set_attr_string("model_json", info.model_json);
  g.set_attr_string("model_path", info.model_path);
  g.set_attr_string("data_path", info.data_path);
  g.set_attr_string("data_sha256", info.data_sha256);
  g.set_attr_int("n_docs", rec.n_docs());
  g.set_attr_int("seq_len", T);
  g.set_attr_string("dtype", info.dtype);
  g.set_attr_int("seed", info.seed);
  g.set_attr_int("skipped_docs", info.skipped_docs);
  g.set_attr_int("trained_window", info.trained_window);
  g.set_attr_int("std_ddof", 0);

  // Axes: 1-D scales inside the run, attached to every dataset that uses them.
  auto layer = g.write_scale<int64_t>("layer", rec.layers(), "layer");
  auto head = g.write_scale<int64_t>("head", iota(H), "head");
  auto position = g.write_scale<int64_t>("position", iota(T), "position");

  auto mean = write_f32(g, "entropy_mean", rec.mean());
  label(mean, {{"layer", &layer}, {"head", &head}, {"position", &position}});
  mean.set_attr_string("units", "nats");
  auto sd = write_f32(g, "entropy_std", rec.stddev());
  label(sd, {{"layer", &layer}, {"head", &head}, {"position", &position}});
  sd.set_attr_string("units", "nats");
  auto cnt_t = rec.count();
  auto count = g.write<int64_t>("count", to_vec<int64_t>(cnt_t), h5::Shape{hsize_t(T)});
  label(count, {{"position", &position}});
  auto ls = write_f32(g, "logit_scale", rec.logit_scale());
  label(ls, {{"layer", &layer}, {"position", &position}});

  auto probes = rec.probes();
  if (!probes.empty()) {
    auto key = g.write_scale<int64_t>("key", iota(T), "key");
    for (const auto& [p, t] : probes) {
      auto d = write_f32(g, "probes/" + std::to_string(p), t);
      label(d, {{"layer", &layer}, {"head", &head}, {"key", &key}});
      d.set_attr_int("position", p);
    }
  }
  if (o.keep_docs) {
    auto docs_t = rec.docs();
    auto doc = g.write_scale<int64_t>("doc", iota(docs_t.size(0)), "doc");
    auto d = write_f32(g, "docs", docs_t);
    label(d, {{"doc", &doc}, {"layer", &layer}, {"head", &head}, {"position", &position}});
  }
  if (logits.defined()) {
    TORCH_CHECK(logits.dim() == 2 && logits.size(0) == T, "write_entropy_run: logits must be (", T,
                ", V), got ", logits.sizes());
    auto vocab = g.write_scale<int64_t>("vocab", iota(logits.size(1)), "vocab");
    auto d = write_f32(g, "logits", logits);
    label(d, {{"position", &position}, {"vocab", &vocab}});
  }
  g.flush();
  if (!opts.leave_incomplete) output::mark_complete(g);
  out.commit();
}

}  // namespace ropelab
