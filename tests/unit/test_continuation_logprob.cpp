// Teacher-forced continuation log-likelihood through the KV cache (core/eval/continuation_logprob.h):
// equals the float64 log-softmax of one full forward over prompt+continuation, in any chunking;
// cutting the cache back leaves generation token-for-token what it is without the scoring, also
// under a length-dependent RoPE. (The independent float64 NumPy check of the same quantity is the
// integration test EvalCli.LongBenchAnswerLogprobMatchesNumpyReference.)
#include <gtest/gtest.h>

#include "core/eval/continuation_logprob.h"
#include "core/eval/generate.h"
#include "model_test_util.h"

using namespace ropelab;
using ropelab::testing::micro_with;

namespace {

// sum_i ln softmax(full forward)[n - 1 + i][cont_i], the log-softmax written out in float64.
double full_forward_logprob(LlamaForCausalLM& m, const std::vector<int64_t>& prompt,
                            const std::vector<int64_t>& cont) {
  std::vector<int64_t> all = prompt;
  all.insert(all.end(), cont.begin(), cont.end());
  torch::NoGradGuard ng;
  auto z =
      m->forward(torch::tensor(all, torch::kLong).unsqueeze(0)).squeeze(0).to(torch::kFloat64);  // (T, V)
  double total = 0;
  for (size_t i = 0; i < cont.size(); ++i) {
    auto row = z[int64_t(prompt.size() + i - 1)];
    const double mx = row.max().item<double>();
    const double lse = mx + std::log((row - mx).exp().sum().item<double>());
    total += row[cont[i]].item<double>() - lse;
  }
  return total;
}

std::vector<int64_t> some_ids(int64_t n, int64_t seed) {
  std::vector<int64_t> v;
  for (int64_t i = 0; i < n; ++i) v.push_back((seed * 31 + i * 17) % 97);
  return v;
}

}  // namespace

TEST(ContinuationLogprob, EqualsFullForwardInAnyChunking) {
  for (const nlohmann::json& rs :
       {nlohmann::json(nullptr), nlohmann::json{{"rope_type", "yarn"}, {"factor", 4.0}},
        nlohmann::json{{"rope_type", "eabf"}}}) {
    auto m = micro_with(rs);
    const auto prompt = some_ids(40, 1), cont = some_ids(7, 2);  // beyond the window of 32
    const double want = full_forward_logprob(m, prompt, cont);
    for (int64_t chunk : {0, 1, 3, 100}) {
      KVCache cache(m->config.num_hidden_layers);
      const auto last = prefill(m, prompt, /*chunk=*/16, cache);
      const auto got = continuation_logprob(m, cache, last, cont, chunk);
      EXPECT_EQ(got.tokens, 7);
      EXPECT_NEAR(got.logprob, want, 1e-4) << rs << " chunk " << chunk;
      EXPECT_EQ(cache.length(), 40);  // cut back to the prompt
      EXPECT_EQ(cache.next_position(), 40);
    }
    // A different continuation gives a different number (the test can tell them apart).
    KVCache cache(m->config.num_hidden_layers);
    const auto last = prefill(m, prompt, 0, cache);
    EXPECT_GT(std::abs(continuation_logprob(m, cache, last, some_ids(7, 3)).logprob - want), 1e-2);
  }
}

TEST(ContinuationLogprob, GenerationAfterScoringIsUnchanged) {
  for (const nlohmann::json& rs :
       {nlohmann::json(nullptr), nlohmann::json{{"rope_type", "dynamic"}, {"factor", 4.0}}}) {
    auto m = micro_with(rs);
    const auto prompt = some_ids(30, 4);
    GenerateOptions go;
    go.max_new_tokens = 12;
    const auto plain = generate(m, prompt, go);
    ASSERT_EQ(plain.size(), 12u);
    KVCache cache(m->config.num_hidden_layers);
    const auto last = prefill(m, prompt, 0, cache);
    continuation_logprob(m, cache, last, some_ids(9, 5));  // long enough to move dynamic NTK's length
    EXPECT_EQ(generate_from(m, cache, last, go), plain) << rs;
  }
}

TEST(ContinuationLogprob, EmptyContinuationAndBadIds) {
  auto m = micro_with(nullptr);
  KVCache cache(m->config.num_hidden_layers);
  const auto last = prefill(m, some_ids(5, 1), 0, cache);
  const auto none = continuation_logprob(m, cache, last, {});
  EXPECT_EQ(none.tokens, 0);
  EXPECT_EQ(none.logprob, 0.0);
  EXPECT_EQ(cache.length(), 5);
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              continuation_logprob(m, cache, last, {3, 97});
            }).find("outside the model's vocabulary"),
            std::string::npos);
  EXPECT_EQ(cache.length(), 5);
  EXPECT_THROW(cache.truncate(6), c10::Error);
  cache.truncate(2);
  EXPECT_EQ(cache.next_position(), 2);
}
