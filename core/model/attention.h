// LLaMA self-attention: q/k/v/o projections (HF names), rotary embedding from the RoPE
// component, the per-query logit scale, grouped-query heads and the KV cache. All the arithmetic
// of softmax(q·kᵀ)·v goes through attend(); the observer taps through attend_observed()
// (core/attention/observed_attend.h).
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "core/attention/observer.h"
#include "core/model/kv_cache.h"
#include "core/rope/rotary.h"

namespace ropelab {

// What one layer's attention needs besides its input; built once per forward by the model.
struct AttentionInputs {
  int64_t layer = 0;
  const RotaryTables* rotary = nullptr;  // cos/sin for the new tokens' positions
  torch::Tensor positions;               // (T,) int64 CPU, absolute
  torch::Tensor logit_scale;             // (T,) float32: t for this layer (1 when unscaled)
  LayerKV* kv = nullptr;                 // append + attend over the cache when set
  const ObserverList* observers = nullptr;
};

struct AttentionImpl : torch::nn::Module {
  AttentionImpl(int64_t hidden, int64_t heads, int64_t kv_heads, int64_t head_dim);
  torch::Tensor forward(const torch::Tensor& x, const AttentionInputs& in);  // (B, T, C) -> (B, T, C)

  int64_t heads, kv_heads, head_dim;
  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};
};
TORCH_MODULE(Attention);

}  // namespace ropelab
