#include "core/model/checkpointing.h"

#include <torch/torch.h>

namespace ropelab {

namespace {

struct FnHolder : torch::CustomClassHolder {
  explicit FnHolder(TensorFn f) : fn(std::move(f)) {}
  TensorFn fn;
};

struct CheckpointFunction : torch::autograd::Function<CheckpointFunction> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, TensorFn fn) {
    ctx->save_for_backward({x});
    ctx->saved_data["fn"] = c10::IValue::make_capsule(c10::make_intrusive<FnHolder>(fn));
    torch::NoGradGuard no_grad;
    return fn(x);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto x = ctx->get_saved_variables()[0].detach().requires_grad_(true);
    auto holder = c10::static_intrusive_pointer_cast<FnHolder>(ctx->saved_data["fn"].toCapsule());
    torch::Tensor y;
    {
      torch::AutoGradMode enable(true);
      y = holder->fn(x);
    }
    torch::autograd::backward({y}, {grads[0]});  // accumulates parameter gradients
    return {x.grad(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor checkpointed(TensorFn fn, const torch::Tensor& x) {
  return CheckpointFunction::apply(x, std::move(fn));
}

}  // namespace ropelab
