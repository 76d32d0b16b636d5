// AdamW (decoupled weight decay, Loshchilov & Hutter) over fp32 master parameters, computing
// exactly what torch.optim.AdamW (foreach=False) computes:
//   p ← p·(1 − lr·wd);  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
//   p ← p − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
//
// State is kept per named parameter (exp_avg, exp_avg_sq) plus the step count, and saved/loaded
// by name. Under ZeRO (core/train/master_weights.h) a "parameter" is a rank's range of a model
// parameter, named "<name>[begin:end]" when the range is not the whole tensor. Weight decay applies to every
// parameter given; the caller decides which (the trainer excludes norms' weights, as is customary for LLaMA
// fine-tuning).
#pragma once
#include <torch/types.h>

#include <string>
#include <vector>

namespace ropelab {

struct AdamWConfig {
  double beta1 = 0.9;
  double beta2 = 0.95;
  double eps = 1e-8;
  double weight_decay = 0.1;
  void validate() const;
};

struct NamedParam {
  std::string name;
  torch::Tensor param;  // fp32 master copy, updated in place
  bool decay = true;
};

class AdamW {
 public:
  AdamW(std::vector<NamedParam> params, AdamWConfig cfg);

  // One update with learning rate `lr`; grads[i] (fp32, same shape) belongs to params[i].
  void step(const std::vector<torch::Tensor>& grads, double lr);

  int64_t steps_taken() const { return step_; }
  const std::vector<NamedParam>& params() const { return params_; }

  // "exp_avg.<name>", "exp_avg_sq.<name>" tensors and the step count, for checkpoints.
  std::vector<std::pair<std::string, torch::Tensor>> state_tensors() const;
  // Loads state written by state_tensors(); `where` names the file in errors.
  void load_state(const std::vector<std::pair<std::string, torch::Tensor>>& tensors, int64_t steps,
                  const std::string& where);

 private:
  std::vector<NamedParam> params_;
  std::vector<torch::Tensor> exp_avg_, exp_avg_sq_;
  AdamWConfig cfg_;
  int64_t step_ = 0;
};

}  // namespace ropelab
