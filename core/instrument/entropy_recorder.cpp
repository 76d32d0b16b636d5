#include "core/instrument/entropy_recorder.h"

#include <torch/torch.h>

#include <algorithm>
#include <limits>

#include "core/util/error.h"

namespace ropelab {

void EntropyRecorderOptions::validate() const {
  check_input(num_layers >= 1, "entropy recorder: num_layers (", num_layers, ") must be >= 1");
  check_input(num_heads >= 1, "entropy recorder: num_heads (", num_heads, ") must be >= 1");
  check_input(seq_len >= 1, "entropy recorder: seq_len (", seq_len, ") must be >= 1");
  for (int64_t l : layers)
    check_input(l >= 0 && l < num_layers, "`layers`: layer ", l, " outside [0, ", num_layers, ")");
  for (int64_t p : probe_positions)
    check_input(p >= 0 && p < seq_len, "`probe_positions`: position ", p, " outside [0, ", seq_len, ")");
}

EntropyRecorder::EntropyRecorder(EntropyRecorderOptions opts) : opts_(std::move(opts)) {
  opts_.validate();
  if (opts_.layers.empty())
    for (int64_t l = 0; l < opts_.num_layers; ++l) layers_.push_back(l);
  else
    layers_ = opts_.layers;
  std::sort(layers_.begin(), layers_.end());
  layers_.erase(std::unique(layers_.begin(), layers_.end()), layers_.end());
  std::sort(opts_.probe_positions.begin(), opts_.probe_positions.end());
  opts_.probe_positions.erase(std::unique(opts_.probe_positions.begin(), opts_.probe_positions.end()),
                              opts_.probe_positions.end());
  slot_of_.assign(size_t(opts_.num_layers), -1);
  for (size_t i = 0; i < layers_.size(); ++i) slot_of_[size_t(layers_[i])] = int64_t(i);

  const int64_t Lr = int64_t(layers_.size()), H = opts_.num_heads, T = opts_.seq_len;
  n_ = torch::zeros({Lr, T}, torch::kLong);
  mean_ = torch::zeros({Lr, H, T}, torch::kFloat64);
  m2_ = torch::zeros({Lr, H, T}, torch::kFloat64);
  scale_ = torch::full({Lr, T}, std::numeric_limits<float>::quiet_NaN(), torch::kFloat32);
  for (int64_t p : opts_.probe_positions) {
    probe_sum_[p] = torch::zeros({Lr, H, T}, torch::kFloat64);
    probe_n_[p] = torch::zeros({Lr}, torch::kLong);
  }
}

int64_t EntropyRecorder::slot(int64_t layer) const {
  return layer >= 0 && layer < int64_t(slot_of_.size()) ? slot_of_[size_t(layer)] : -1;
}

bool EntropyRecorder::wants_entropy(int64_t layer) const { return slot(layer) >= 0; }

std::vector<int64_t> EntropyRecorder::probe_positions(int64_t layer) const {
  return slot(layer) >= 0 ? opts_.probe_positions : std::vector<int64_t>{};
}

namespace {
torch::Tensor checked_positions(const at::Tensor& q_positions, int64_t n, int64_t seq_len, const char* tap) {
  auto pos = q_positions.to(torch::kCPU, torch::kLong).contiguous();  // (Tq,)
  TORCH_CHECK(pos.dim() == 1 && pos.size(0) == n, "EntropyRecorder::", tap, ": q_positions must be (", n,
              ",), got ", pos.sizes());
  if (n > 0) {
    int64_t lo = pos.min().item<int64_t>(), hi = pos.max().item<int64_t>();
    TORCH_CHECK(lo >= 0 && hi < seq_len, "EntropyRecorder::", tap, ": positions [", lo, ", ", hi,
                "] outside the recorded range [0, ", seq_len, ")");
  }
  return pos;
}
}  // namespace

void EntropyRecorder::on_entropy(int64_t layer, const at::Tensor& q_positions, const at::Tensor& entropy) {
  const int64_t s = slot(layer);
  if (s < 0) return;
  TORCH_CHECK(entropy.dim() == 3 && entropy.size(1) == opts_.num_heads,
              "EntropyRecorder::on_entropy: entropy must be (B, ", opts_.num_heads, ", Tq), got ",
              entropy.sizes());
  const int64_t B = entropy.size(0), Tq = entropy.size(2);
  auto pos = checked_positions(q_positions, Tq, opts_.seq_len, "on_entropy");
  auto x_all = entropy.detach().to(torch::kCPU, torch::kFloat64);  // (B, H, Tq)
  auto n_s = n_[s], mean_s = mean_[s], m2_s = m2_[s];              // views: (T,), (H, T), (H, T)
  for (int64_t b = 0; b < B; ++b) {
    auto x = x_all[b];                        // (H, Tq)
    auto n = (n_s.index_select(0, pos) + 1);  // (Tq,)
    auto mean = mean_s.index_select(1, pos);  // (H, Tq)
    auto delta = x - mean;
    auto mean_new = mean + delta / n.to(torch::kFloat64);
    auto m2_new = m2_s.index_select(1, pos) + delta * (x - mean_new);
    n_s.index_copy_(0, pos, n);
    mean_s.index_copy_(1, pos, mean_new);
    m2_s.index_copy_(1, pos, m2_new);
    if (opts_.keep_docs) {
      const size_t d = size_t(n_docs_ + b);
      while (docs_.size() <= d)
        docs_.push_back(torch::full({int64_t(layers_.size()), opts_.num_heads, opts_.seq_len},
                                    std::numeric_limits<float>::quiet_NaN(), torch::kFloat32));
      docs_[d][s].index_copy_(1, pos, x.to(torch::kFloat32));
    }
  }
}

void EntropyRecorder::on_probs(int64_t layer, int64_t position, const at::Tensor& probs) {
  const int64_t s = slot(layer);
  auto it = probe_sum_.find(position);
  if (s < 0 || it == probe_sum_.end()) return;
  TORCH_CHECK(probs.dim() == 3 && probs.size(1) == opts_.num_heads && probs.size(2) <= opts_.seq_len,
              "EntropyRecorder::on_probs: probs must be (B, ", opts_.num_heads, ", Tk <= ", opts_.seq_len,
              "), got ", probs.sizes());
  auto p = probs.detach().to(torch::kCPU, torch::kFloat64).sum(0);  // (H, Tk)
  it->second[s].narrow(1, 0, p.size(1)).add_(p);
  probe_n_[position][s].add_(probs.size(0));
}

void EntropyRecorder::on_logit_scale(int64_t layer, const at::Tensor& q_positions, const at::Tensor& scale) {
  const int64_t s = slot(layer);
  if (s < 0) return;
  auto pos = checked_positions(q_positions, scale.numel(), opts_.seq_len, "on_logit_scale");
  scale_[s].index_copy_(0, pos, scale.detach().to(torch::kCPU, torch::kFloat32).reshape({-1}));
}

void EntropyRecorder::end_batch(int64_t batch) {
  TORCH_CHECK(batch >= 0, "EntropyRecorder::end_batch: batch must be >= 0");
  n_docs_ += batch;
  if (opts_.keep_docs)
    while (int64_t(docs_.size()) < n_docs_)  // a batch whose taps never fired keeps NaN rows
      docs_.push_back(torch::full({int64_t(layers_.size()), opts_.num_heads, opts_.seq_len},
                                  std::numeric_limits<float>::quiet_NaN(), torch::kFloat32));
}

torch::Tensor EntropyRecorder::mean() const {
  // Positions no document reached have no mean: NaN, never a silent 0.
  auto seen = n_.unsqueeze(1).expand_as(mean_) > 0;
  return torch::where(seen, mean_, torch::full_like(mean_, std::numeric_limits<double>::quiet_NaN()));
}

torch::Tensor EntropyRecorder::stddev() const {
  auto n = n_.unsqueeze(1).expand_as(m2_).to(torch::kFloat64);
  return torch::where(n > 0, (m2_ / n.clamp_min(1)).clamp_min(0).sqrt(),
                      torch::full_like(m2_, std::numeric_limits<double>::quiet_NaN()));
}

torch::Tensor EntropyRecorder::count() const { return n_[0].clone(); }
torch::Tensor EntropyRecorder::logit_scale() const { return scale_.clone(); }

std::map<int64_t, torch::Tensor> EntropyRecorder::probes() const {
  std::map<int64_t, torch::Tensor> out;
  for (const auto& [p, sum] : probe_sum_) {
    auto n = probe_n_.at(p).to(torch::kFloat64).view({-1, 1, 1});
    out[p] = torch::where(n > 0, sum / n.clamp_min(1),
                          torch::full_like(sum, std::numeric_limits<double>::quiet_NaN()))
                 .to(torch::kFloat32);
  }
  return out;
}

torch::Tensor EntropyRecorder::docs() const {
  if (!opts_.keep_docs) return {};
  if (docs_.empty())
    return torch::empty({0, int64_t(layers_.size()), opts_.num_heads, opts_.seq_len}, torch::kFloat32);
  return torch::stack(docs_, 0);
}

}  // namespace ropelab
