// KV cache for incremental decoding: per layer, keys (after rotation) and values with their
// absolute positions. Storage is preallocated and grows by doubling, so appending a token costs
// O(1) amortised copies instead of re-concatenating the whole history.
#pragma once
#include <torch/types.h>

#include <vector>

namespace ropelab {

class LayerKV {
 public:
  // k, v: (B, Hkv, Tn, D); pos: (Tn,) int64. Returns views over all cached entries.
  void append(const torch::Tensor& k, const torch::Tensor& v, const torch::Tensor& pos);
  torch::Tensor keys() const;       // (B, Hkv, T, D)
  torch::Tensor values() const;     // (B, Hkv, T, D)
  torch::Tensor positions() const;  // (T,) int64 CPU
  int64_t length() const { return len_; }
  // Forgets every entry from `len` on (0 <= len <= length()): the next append overwrites them, so
  // a cache can return to a prefix (e.g. the prompt after scoring a continuation) without a copy.
  void truncate(int64_t len);

 private:
  torch::Tensor k_, v_, pos_;
  int64_t len_ = 0;
};

struct KVCache {
  std::vector<LayerKV> layers;
  explicit KVCache(int64_t num_layers) : layers(size_t(num_layers)) {}
  int64_t length() const { return layers.empty() ? 0 : layers[0].length(); }
  // Largest cached position + 1 (0 when empty); drives length-dependent RoPE schedules.
  int64_t next_position() const;
  void truncate(int64_t len);  // every layer back to its first `len` entries
};

}  // namespace ropelab
