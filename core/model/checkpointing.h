// Activation checkpointing: run `fn` without keeping its intermediate activations and recompute
// it during backward. Used per decoder layer in training (TrainConfig::checkpoint_layers). `fn` must be
// deterministic (LLaMA layers have no dropout).
#pragma once
#include <torch/types.h>

#include <functional>

namespace ropelab {

using TensorFn = std::function<torch::Tensor(const torch::Tensor&)>;

torch::Tensor checkpointed(TensorFn fn, const torch::Tensor& x);

}  // namespace ropelab
