#include "core/train/adamw.h"

#include <torch/torch.h>

#include <cmath>
#include <map>

#include "core/util/error.h"

namespace ropelab {

void AdamWConfig::validate() const {
  check_input(beta1 >= 0 && beta1 < 1, "`adamw.beta1` (", beta1, ") must be in [0, 1)");
  check_input(beta2 >= 0 && beta2 < 1, "`adamw.beta2` (", beta2, ") must be in [0, 1)");
  check_input(eps > 0 && std::isfinite(eps), "`adamw.eps` (", eps, ") must be > 0");
  check_input(weight_decay >= 0 && std::isfinite(weight_decay), "`adamw.weight_decay` (", weight_decay,
              ") must be >= 0");
}

AdamW::AdamW(std::vector<NamedParam> params, AdamWConfig cfg) : params_(std::move(params)), cfg_(cfg) {
  cfg_.validate();
  for (const auto& p : params_) {
    TORCH_CHECK(p.param.scalar_type() == torch::kFloat32, "AdamW: master parameter ", p.name,
                " must be fp32");
    exp_avg_.push_back(torch::zeros_like(p.param));
    exp_avg_sq_.push_back(torch::zeros_like(p.param));
  }
}

void AdamW::step(const std::vector<torch::Tensor>& grads, double lr) {
  TORCH_CHECK(grads.size() == params_.size(), "AdamW::step: ", grads.size(), " grads for ", params_.size(),
              " params");
  torch::NoGradGuard ng;
  ++step_;
  const double bc1 = 1.0 - std::pow(cfg_.beta1, double(step_));
  const double bc2 = 1.0 - std::pow(cfg_.beta2, double(step_));
  const double step_size = lr / bc1;
  const double bc2_sqrt = std::sqrt(bc2);
  for (size_t i = 0; i < params_.size(); ++i) {
    auto& p = params_[i].param;
    const auto& g = grads[i];
    if (params_[i].decay && cfg_.weight_decay != 0) p.mul_(1.0 - lr * cfg_.weight_decay);
    exp_avg_[i].lerp_(g, 1.0 - cfg_.beta1);
    exp_avg_sq_[i].mul_(cfg_.beta2).addcmul_(g, g, 1.0 - cfg_.beta2);
    auto denom = (exp_avg_sq_[i].sqrt() / bc2_sqrt).add_(cfg_.eps);
    p.addcdiv_(exp_avg_[i], denom, -step_size);
  }
}

std::vector<std::pair<std::string, torch::Tensor>> AdamW::state_tensors() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (size_t i = 0; i < params_.size(); ++i) {
    out.emplace_back("exp_avg." + params_[i].name, exp_avg_[i]);
    out.emplace_back("exp_avg_sq." + params_[i].name, exp_avg_sq_[i]);
  }
  return out;
}

void AdamW::load_state(const std::vector<std::pair<std::string, torch::Tensor>>& tensors, int64_t steps,
                       const std::string& where) {
  std::map<std::string, torch::Tensor> by_name(tensors.begin(), tensors.end());
  torch::NoGradGuard ng;
  for (size_t i = 0; i < params_.size(); ++i) {
    for (auto [prefix, dst] :
         {std::pair{"exp_avg.", &exp_avg_[i]}, std::pair{"exp_avg_sq.", &exp_avg_sq_[i]}}) {
      auto it = by_name.find(prefix + params_[i].name);
      check_input(it != by_name.end(), where, ": optimizer state '", prefix, params_[i].name,
                  "' is missing (was the checkpoint written for another model?)");
      check_input(it->second.sizes() == dst->sizes(), where, ": optimizer state '", prefix, params_[i].name,
                  "' has shape ", it->second.sizes(), ", the parameter has ", dst->sizes());
      dst->copy_(it->second);
    }
  }
  check_input(steps >= 0, where, ": negative optimizer step count");
  step_ = steps;
}

}  // namespace ropelab
