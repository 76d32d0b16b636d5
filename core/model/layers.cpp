#include "core/model/layers.h"

#include <torch/torch.h>

namespace ropelab {

RMSNormImpl::RMSNormImpl(int64_t dim, double eps_) : eps(eps_) {
  weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor& x) {
  auto xf = x.to(torch::kFloat32);
  auto var = xf.pow(2).mean(-1, /*keepdim=*/true);
  return weight * (xf * torch::rsqrt(var + eps)).to(x.scalar_type());
}

MLPImpl::MLPImpl(int64_t hidden, int64_t intermediate) {
  auto opt = [](int64_t i, int64_t o) { return torch::nn::LinearOptions(i, o).bias(false); };
  gate_proj = register_module("gate_proj", torch::nn::Linear(opt(hidden, intermediate)));
  up_proj = register_module("up_proj", torch::nn::Linear(opt(hidden, intermediate)));
  down_proj = register_module("down_proj", torch::nn::Linear(opt(intermediate, hidden)));
}

torch::Tensor MLPImpl::forward(const torch::Tensor& x) {
  return down_proj(torch::silu(gate_proj(x)) * up_proj(x));
}

}  // namespace ropelab
