// Building blocks of a LLaMA decoder layer: RMSNorm and the SwiGLU MLP, registered under the
// exact Hugging Face parameter names (weight, gate_proj, up_proj, down_proj).
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace ropelab {

struct RMSNormImpl : torch::nn::Module {
  RMSNormImpl(int64_t dim, double eps);
  torch::Tensor forward(const torch::Tensor& x);  // (..., C) -> same; statistics in fp32
  torch::Tensor weight;
  double eps;
};
TORCH_MODULE(RMSNorm);

struct MLPImpl : torch::nn::Module {
  MLPImpl(int64_t hidden, int64_t intermediate);
  torch::Tensor forward(const torch::Tensor& x);  // (B, T, C) -> (B, T, C)
  torch::nn::Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
};
TORCH_MODULE(MLP);

}  // namespace ropelab
