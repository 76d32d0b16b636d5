#include "core/model/kv_cache.h"

#include <torch/torch.h>

namespace ropelab {

void LayerKV::append(const torch::Tensor& k, const torch::Tensor& v, const torch::Tensor& pos) {
  TORCH_CHECK(k.dim() == 4 && k.sizes() == v.sizes(), "LayerKV::append: k/v must be equal (B, Hkv, T, D)");
  const int64_t n = k.size(2);
  auto pos_cpu = pos.to(torch::kCPU, torch::kLong);
  if (!k_.defined() || len_ + n > k_.size(2)) {
    int64_t cap = std::max<int64_t>(len_ + n, k_.defined() ? 2 * k_.size(2) : 2 * n);
    auto grow = [&](const torch::Tensor& old, const torch::Tensor& like) {
      auto sizes = like.sizes().vec();
      sizes[2] = cap;
      auto fresh = torch::empty(sizes, like.options());
      if (old.defined() && len_ > 0) fresh.narrow(2, 0, len_).copy_(old.narrow(2, 0, len_));
      return fresh;
    };
    k_ = grow(k_, k);
    v_ = grow(v_, v);
    auto p = torch::empty({cap}, torch::kLong);
    if (pos_.defined() && len_ > 0) p.narrow(0, 0, len_).copy_(pos_.narrow(0, 0, len_));
    pos_ = p;
  }
  k_.narrow(2, len_, n).copy_(k);
  v_.narrow(2, len_, n).copy_(v);
  pos_.narrow(0, len_, n).copy_(pos_cpu);
  len_ += n;
}

torch::Tensor LayerKV::keys() const { return k_.narrow(2, 0, len_); }
torch::Tensor LayerKV::values() const { return v_.narrow(2, 0, len_); }
torch::Tensor LayerKV::positions() const { return pos_.narrow(0, 0, len_); }

void LayerKV::truncate(int64_t len) {
  TORCH_CHECK(len >= 0 && len <= len_, "LayerKV::truncate: ", len, " outside [0, ", len_, "]");
  len_ = len;
}

void KVCache::truncate(int64_t len) {
  for (auto& l : layers) l.truncate(len);
}

int64_t KVCache::next_position() const {
  if (layers.empty() || layers[0].length() == 0) return 0;
  return layers[0].positions().max().item<int64_t>() + 1;
}

}  // namespace ropelab
