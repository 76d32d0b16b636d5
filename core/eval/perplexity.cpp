#include "core/eval/perplexity.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "core/util/error.h"

namespace ropelab {

void PplConfig::validate() const {
  check_input(!lengths.empty(), "`lengths`: empty list");
  for (int64_t T : lengths) check_input(T >= 2, "`lengths`: ", T, " must be >= 2");
  check_input(stride >= 0, "`stride` (", stride, ") must be > 0 (or 0 for the window length)");
  check_input(max_windows >= 0, "`max_windows` (", max_windows, ") must be >= 0 (0 = all)");
  check_input(trained_window > 0, "trained window (", trained_window, ") must be > 0");
}

double PplResult::ppl() const { return std::exp(nll); }

PplResult perplexity_at_length(LlamaForCausalLM& model, const std::vector<int64_t>& stream, int64_t T,
                               const PplConfig& cfg, const std::function<void(int64_t, int64_t)>& on_window) {
  cfg.validate();
  check_input(T >= 2, "`lengths`: ", T, " must be >= 2");
  const int64_t N = int64_t(stream.size());
  check_input(N >= T, "`data`: the documents give ", N, " tokens, fewer than the length ", T,
              " (add documents or lower `lengths`)");
  for (int64_t id : stream)
    check_input(id >= 0 && id < model->config.vocab_size, "`data`: token id ", id,
                " outside the model's vocabulary");
  PplResult r;
  r.length = T;
  r.stride = cfg.stride > 0 ? cfg.stride : T;
  int64_t n_windows = (N - T) / r.stride + 1;
  if (cfg.max_windows > 0) n_windows = std::min(n_windows, cfg.max_windows);

  torch::NoGradGuard ng;
  const auto all = torch::tensor(stream, torch::kLong);
  const auto positions = torch::arange(T, torch::kLong);
  auto sum_by_pos = torch::zeros({T - 1}, torch::kFloat64);  // (T-1,)
  constexpr int64_t kRows = 512;  // logits rows per block: bounds memory at kRows × V floats
  for (int64_t w = 0; w < n_windows; ++w) {
    const auto ids = all.narrow(0, w * r.stride, T).to(model->device());                   // (T,)
    const auto h = model->hidden_states(ids.view({1, T}), positions.to(model->device()));  // (1, T, C)
    for (int64_t s = 0; s < T - 1; s += kRows) {
      const int64_t n = std::min(kRows, T - 1 - s);
      const auto logp =
          torch::log_softmax(model->logits_from_hidden(h.narrow(1, s, n)).squeeze(0), -1);  // (n, V)
      const auto target = ids.narrow(0, s + 1, n).view({n, 1});                             // (n, 1)
      sum_by_pos.narrow(0, s, n).sub_(logp.gather(1, target).view({n}).to(torch::kCPU, torch::kFloat64));
    }
    if (on_window) on_window(w + 1, n_windows);
  }
  r.windows = n_windows;
  const auto mean = sum_by_pos / double(n_windows);
  r.nll_by_position.assign(mean.data_ptr<double>(), mean.data_ptr<double>() + (T - 1));
  const int64_t inside = std::min(cfg.trained_window, T - 1);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double s_in = sum_by_pos.narrow(0, 0, inside).sum().item<double>();
  const double s_all = sum_by_pos.sum().item<double>();
  r.n_inside = inside * n_windows;
  r.n_beyond = (T - 1 - inside) * n_windows;
  r.nll = s_all / double(r.n_inside + r.n_beyond);
  r.nll_inside = r.n_inside ? s_in / double(r.n_inside) : nan;
  r.nll_beyond = r.n_beyond ? (s_all - s_in) / double(r.n_beyond) : nan;
  return r;
}

}  // namespace ropelab
