#include "core/eval/generate.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/util/error.h"

namespace ropelab {

void GenerateOptions::validate() const {
  check_input(max_new_tokens >= 0, "`max_new_tokens` (", max_new_tokens, ") must be >= 0");
  check_input(min_new_tokens >= 0 && min_new_tokens <= std::max<int64_t>(max_new_tokens, 0),
              "min new tokens (", min_new_tokens, ") must be in [0, max_new_tokens]");
  check_input(temperature >= 0, "`temperature` (", temperature, ") must be >= 0");
  check_input(top_p > 0 && top_p <= 1, "`top_p` (", top_p, ") must be in (0, 1]");
  check_input(prefill_chunk >= 0, "prefill chunk must be >= 0");
}

namespace {

int64_t pick(const torch::Tensor& logits /*(V,) f32*/, const GenerateOptions& o, at::Generator& gen) {
  if (o.temperature == 0.0) return logits.argmax().item<int64_t>();
  auto probs = torch::softmax(logits.to(torch::kFloat64) / o.temperature, -1);
  if (o.top_p < 1.0) {
    auto sorted = probs.sort(-1, /*descending=*/true);
    auto vals = std::get<0>(sorted), idx = std::get<1>(sorted);
    auto cum = vals.cumsum(-1);
    auto drop = (cum - vals) > o.top_p;  // keep the smallest prefix reaching top_p
    vals = vals.masked_fill(drop, 0.0);
    auto choice = torch::multinomial(vals, 1, false, gen).item<int64_t>();
    return idx[choice].item<int64_t>();
  }
  return torch::multinomial(probs, 1, false, gen).item<int64_t>();
}

}  // namespace

torch::Tensor prefill(LlamaForCausalLM& model, const std::vector<int64_t>& prompt, int64_t chunk,
                      KVCache& cache) {
  check_input(!prompt.empty(), "generate: the prompt is empty");
  check_input(chunk >= 0, "prefill chunk must be >= 0");
  for (int64_t id : prompt)
    check_input(id >= 0 && id < model->config.vocab_size, "generate: prompt token ", id,
                " outside the model's vocabulary [0, ", model->config.vocab_size, ")");
  torch::NoGradGuard ng;
  ForwardOptions fo;
  fo.cache = &cache;
  const int64_t n = int64_t(prompt.size());
  if (chunk == 0) chunk = n;
  auto ids_all = torch::tensor(prompt, torch::kLong);
  torch::Tensor last;
  for (int64_t s = 0; s < n; s += chunk) {
    auto ids = ids_all.narrow(0, s, std::min(chunk, n - s)).unsqueeze(0);
    // Only the final position's logits are needed from the prefill.
    auto h = model->hidden_states(ids, {}, fo);
    last = h.select(1, h.size(1) - 1).unsqueeze(1);
  }
  return last;
}

std::vector<int64_t> generate_from(LlamaForCausalLM& model, KVCache& cache, torch::Tensor last,
                                   const GenerateOptions& opts,
                                   const std::function<void(int64_t)>& on_token) {
  opts.validate();
  torch::NoGradGuard ng;
  auto gen = at::detail::createCPUGenerator(opts.seed);
  ForwardOptions fo;
  fo.cache = &cache;
  std::vector<int64_t> out;
  for (int64_t step = 0; step < opts.max_new_tokens; ++step) {
    auto logits = model->logits_from_hidden(last).view({-1}).to(torch::kCPU);
    if (int64_t(out.size()) < opts.min_new_tokens)  // as HF's min_length: stop tokens impossible
      for (int64_t s : opts.stop_ids) logits[s] = -std::numeric_limits<float>::infinity();
    int64_t next = pick(logits, opts, gen);
    bool is_stop = std::find(opts.stop_ids.begin(), opts.stop_ids.end(), next) != opts.stop_ids.end();
    if (is_stop) break;
    out.push_back(next);
    if (on_token) on_token(next);
    if (step + 1 == opts.max_new_tokens) break;
    auto ids = torch::tensor({next}, torch::kLong).view({1, 1});
    last = model->hidden_states(ids, {}, fo);
  }
  return out;
}

std::vector<int64_t> generate(LlamaForCausalLM& model, const std::vector<int64_t>& prompt,
                              const GenerateOptions& opts, const std::function<void(int64_t)>& on_token) {
  opts.validate();
  KVCache cache(model->config.num_hidden_layers);
  auto last = prefill(model, prompt, opts.prefill_chunk, cache);
  return generate_from(model, cache, last, opts, on_token);
}

}  // namespace ropelab
