#include "core/eval/continuation_logprob.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace ropelab {

ContinuationLogprob continuation_logprob(LlamaForCausalLM& model, KVCache& cache, const torch::Tensor& last,
                                         const std::vector<int64_t>& continuation, int64_t chunk) {
  ContinuationLogprob r;
  r.tokens = int64_t(continuation.size());
  if (continuation.empty()) return r;
  for (int64_t id : continuation)
    check_input(id >= 0 && id < model->config.vocab_size, "answer log-likelihood: token ", id,
                " outside the model's vocabulary [0, ", model->config.vocab_size, ")");
  torch::NoGradGuard ng;
  const int64_t prompt_len = cache.length(), m = r.tokens;
  ForwardOptions fo;
  fo.cache = &cache;
  auto targets = torch::tensor(continuation, torch::kLong);  // (m,)
  // Token i is predicted from the hidden state before it: `last` for c_0, then c_0 .. c_{m-2}.
  std::vector<torch::Tensor> hidden = {last};  // pieces of (1, *, C)
  if (chunk <= 0) chunk = m;
  for (int64_t s = 0; s < m - 1; s += chunk)
    hidden.push_back(
        model->hidden_states(targets.narrow(0, s, std::min(chunk, m - 1 - s)).unsqueeze(0), {}, fo));
  cache.truncate(prompt_len);
  double total = 0;
  int64_t done = 0;
  for (const auto& h : hidden) {
    const int64_t n = h.size(1);
    auto logp = model->logits_from_hidden(h).squeeze(0).to(torch::kFloat64).log_softmax(-1);  // (n, V)
    auto tgt = targets.narrow(0, done, n).to(logp.device()).unsqueeze(1);                     // (n, 1)
    total += logp.gather(1, tgt).sum().item<double>();
    done += n;
  }
  r.logprob = total;
  return r;
}

}  // namespace ropelab
