#include "core/train/master_weights.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/model/llama.h"
#include "core/util/error.h"

namespace ropelab {

namespace {

bool decays(const std::string& name) { return !is_norm_weight(name); }

// Elements per rank and all-gather round: 16 MB of fp32 per rank.
constexpr int64_t kGatherChunk = int64_t(1) << 22;
// Parameter elements per stage-2 gradient reduction group: 256 MB of fp32.
constexpr int64_t kReduceGroup = int64_t(1) << 26;

// Detached: writes through it never enter autograd (the storage is the parameter's or gradient's).
torch::Tensor flat_view(const torch::Tensor& t) { return t.detach().view({-1}); }

}  // namespace

std::vector<FlatPiece> flat_pieces(const std::vector<int64_t>& numels, int64_t begin, int64_t length) {
  std::vector<FlatPiece> out;
  const int64_t end = begin + length;
  int64_t start = 0;  // flat index of the parameter's first element
  for (size_t i = 0; i < numels.size() && start < end; start += numels[i], ++i) {
    const int64_t lo = std::max(begin, start), hi = std::min(end, start + numels[i]);
    if (hi > lo) out.push_back({i, lo - start, hi - lo, lo - begin});
  }
  return out;
}

MasterWeights::MasterWeights(LlamaForCausalLM& model, int zero, const AdamWConfig& cfg, Communicator& comm)
    : comm_(comm), zero_(zero), separate_(model->dtype() != torch::kFloat32) {
  check_input(zero >= 0 && zero <= 2, "`zero` (", zero, ") must be 0, 1 or 2");
  torch::NoGradGuard ng;
  std::vector<std::string> names;
  for (auto& item : model->named_parameters()) {
    TORCH_CHECK(item.value().is_contiguous(), "MasterWeights: parameter ", item.key(), " is not contiguous");
    params_.push_back(item.value());
    numels_.push_back(item.value().numel());
    names.push_back(item.key());
    total_ += numels_.back();
  }
  // Identical start on every rank. Gloo has no bf16/fp16 collectives: a bf16 model goes through
  // fp32, one parameter at a time.
  if (!separate_) {
    comm_.broadcast(params_);
  } else if (comm_.world_size() > 1) {
    for (auto& p : params_) {
      std::vector<torch::Tensor> one{p.detach().to(torch::kFloat32)};
      comm_.broadcast(one);
      flat_view(p).copy_(flat_view(one[0]));
    }
  }

  const int world = comm_.world_size(), rank = comm_.rank();
  if (zero_ == 0) {
    for (size_t i = 0; i < params_.size(); ++i) owned_.push_back({i, 0, numels_[i], 0});
  } else {
    chunk_ = (total_ + world - 1) / world;
    const int64_t begin = std::min(total_, int64_t(rank) * chunk_);
    owned_ = flat_pieces(numels_, begin, std::min(chunk_, total_ - begin));
  }

  std::vector<NamedParam> named;
  int64_t copy_bytes = 0;
  for (const auto& p : owned_) {
    auto view = flat_view(params_[p.param]).narrow(0, p.begin, p.length);
    const std::string& n = names[p.param];
    std::string name = p.length == numels_[p.param] ? n
                                                    : n + "[" + std::to_string(p.begin) + ":" +
                                                          std::to_string(p.begin + p.length) + "]";
    auto m = separate_ ? view.to(torch::kFloat32).clone() : view;
    if (separate_) copy_bytes += m.numel() * 4;
    master_.push_back(m);
    named.push_back({name, zero_ == 0 ? m.view(params_[p.param].sizes()) : m, decays(n)});
  }
  opt_ = std::make_unique<AdamW>(std::move(named), cfg);
  int64_t moment_bytes = 0;
  for (const auto& p : owned_) moment_bytes += 2 * p.length * 4;
  state_bytes_ = copy_bytes + moment_bytes;

  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32).device(model->device());
  if (zero_ == 2) {
    for (const auto& p : owned_) shard_grads_.push_back(torch::zeros({p.length}, f32));
    for (const auto& p : owned_) gradient_bytes_ += p.length * 4;
  } else {
    if (separate_)
      for (const auto& p : params_) acc_.push_back(torch::zeros(p.sizes(), f32));
    gradient_bytes_ = total_ * 4;  // acc_, or the fp32 model's own .grad
  }
}

void MasterWeights::clear_model_grads() {
  for (auto& p : params_)
    if (p.grad().defined()) p.mutable_grad() = torch::Tensor();
}

// Parameter k's gradient as fp32 (the fp32 model's own .grad; zeros where it got none).
torch::Tensor MasterWeights::grad_fp32(size_t k) const {
  auto gr = params_[k].grad();
  return gr.defined() ? gr.to(torch::kFloat32)
                      : torch::zeros(params_[k].sizes(), params_[k].options().dtype(torch::kFloat32));
}

void MasterWeights::accumulate_micro_batch() {
  torch::NoGradGuard ng;
  if (zero_ == 2) {
    // Group by group of parameters, freeing each group's .grad as it goes: one group's fp32 copy
    // exists at a time, never a full-size fp32 gradient.
    size_t i = 0;
    while (i < params_.size()) {
      size_t j = i;
      int64_t n = 0;
      while (j < params_.size() && (j == i || n + numels_[j] <= kReduceGroup)) n += numels_[j++];
      std::vector<torch::Tensor> g;
      for (size_t k = i; k < j; ++k) g.push_back(grad_fp32(k));
      comm_.all_reduce_sum(g);
      for (size_t s = 0; s < owned_.size(); ++s)
        if (owned_[s].param >= i && owned_[s].param < j)
          shard_grads_[s].add_(
              flat_view(g[owned_[s].param - i]).narrow(0, owned_[s].begin, owned_[s].length));
      for (size_t k = i; k < j; ++k) params_[k].mutable_grad() = torch::Tensor();
      i = j;
    }
  } else if (separate_) {
    for (size_t i = 0; i < params_.size(); ++i)
      if (params_[i].grad().defined()) acc_[i].add_(params_[i].grad());
    clear_model_grads();
  }  // else: autograd accumulates into the fp32 model's .grad
}

double MasterWeights::reduce_gradients() {
  torch::NoGradGuard ng;
  grads_.clear();
  double sq = 0;
  if (zero_ == 2) {
    grads_ = shard_grads_;
  } else {
    std::vector<torch::Tensor> full = acc_;
    if (!separate_)
      for (size_t k = 0; k < params_.size(); ++k) full.push_back(grad_fp32(k));
    comm_.all_reduce_sum(full);
    if (zero_ == 0) {
      grads_ = full;
      for (auto& g : grads_) sq += g.pow(2).sum().item<double>();
      return std::sqrt(sq);
    }
    for (const auto& p : owned_) grads_.push_back(flat_view(full[p.param]).narrow(0, p.begin, p.length));
  }
  for (auto& g : grads_) sq += g.pow(2).sum().item<double>();
  return std::sqrt(comm_.all_reduce_sum(sq));
}

void MasterWeights::step(double lr, double grad_scale) {
  torch::NoGradGuard ng;
  if (grad_scale < 1.0)
    for (auto& g : grads_) g.mul_(grad_scale);
  opt_->step(grads_, lr);
  publish();
  grads_.clear();
  clear_model_grads();
  for (auto& a : acc_) a.zero_();
  for (auto& g : shard_grads_) g.zero_();
}

void MasterWeights::publish() {
  torch::NoGradGuard ng;
  if (zero_ == 0) {
    if (separate_)
      for (size_t i = 0; i < params_.size(); ++i) flat_view(params_[i]).copy_(master_[i]);
    return;
  }
  const int world = comm_.world_size(), rank = comm_.rank();
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32).device(params_[0].device());
  for (int64_t c0 = 0; c0 < chunk_; c0 += kGatherChunk) {
    const int64_t k = std::min(kGatherChunk, chunk_ - c0);
    auto mine = torch::zeros({k}, f32);  // the padding past P stays zero
    for (size_t s = 0; s < owned_.size(); ++s) {
      const int64_t lo = std::max(c0, owned_[s].offset),
                    hi = std::min(c0 + k, owned_[s].offset + owned_[s].length);
      if (hi > lo)
        mine.narrow(0, lo - c0, hi - lo).copy_(master_[s].narrow(0, lo - owned_[s].offset, hi - lo));
    }
    std::vector<torch::Tensor> all;
    for (int r = 0; r < world; ++r) all.push_back(torch::empty({k}, f32));
    comm_.all_gather(mine, all);
    for (int r = 0; r < world; ++r) {
      if (r == rank && !separate_) continue;  // the fp32 master is this range of the model itself
      const int64_t gb = int64_t(r) * chunk_ + c0;
      if (gb >= total_) continue;
      for (const auto& p : flat_pieces(numels_, gb, std::min(k, total_ - gb)))
        flat_view(params_[p.param])
            .narrow(0, p.begin, p.length)
            .copy_(all[size_t(r)].narrow(0, p.offset, p.length));
    }
  }
}

}  // namespace ropelab
