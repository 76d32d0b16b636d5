// Passkey prompts (token-exact sizing, the key once at the requested depth) and perplexity
// (equal to exp(mean NLL) computed here independently from full-forward logits).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <tuple>

#include "core/data/passkey_text.h"
#include "core/eval/passkey.h"
#include "core/eval/perplexity.h"
#include "core/text/tokenizer.h"
#include "core/util/error.h"
#include "model_test_util.h"
#include "train_test_util.h"

using namespace ropelab;
using ropelab::testing::TempDir;

namespace {

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

TEST(Passkey, PromptHasRequestedLengthAndTheKeyOnceAtTheDepth) {
  const auto& tok = ropelab::testing::shared_tokenizer();
  const int64_t filler_tokens = int64_t(tok.encode(" " + passkey_filler()).size());
  for (int64_t L : {200, 512, 1000}) {
    for (double depth : {0.0, 0.25, 0.5, 0.75, 1.0}) {
      const auto p = build_passkey_prompt(tok, L, depth, "48213");
      SCOPED_TRACE("L=" + std::to_string(L) + " depth=" + std::to_string(depth));
      EXPECT_LE(int64_t(p.ids.size()), L);
      EXPECT_GT(int64_t(p.ids.size()), L - filler_tokens - 2);
      EXPECT_EQ(p.ids.front(), tok.bos_id());
      const std::string text = tok.decode(p.ids);
      EXPECT_EQ(count(text, passkey_key_line("48213")), 1u) << text;
      EXPECT_EQ(count(text, "48213"), 2u);  // the key line names it twice, nothing else does
      const int64_t n = p.filler_before + p.filler_after;
      ASSERT_GT(n, 0);
      EXPECT_EQ(p.filler_before, std::llround(depth * double(n)));
      // The key line's token position matches the depth within one filler paragraph.
      const double expected =
          double(tok.encode(passkey_intro(), true).size()) + depth * double(n * filler_tokens);
      EXPECT_NEAR(double(p.key_token_pos), expected, double(filler_tokens) + 2);
      EXPECT_EQ(text.rfind(passkey_intro(), 0), 0u);
      EXPECT_EQ(text.substr(text.size() - passkey_question().size()), passkey_question());
    }
  }
  EXPECT_THROW(build_passkey_prompt(tok, 20, 0.5, "12345"), InputError);
}

// The one placement rule of the eval prompts and the training data: round(depth · n) fillers
// before the key (halves round up), never more than n.
TEST(Passkey, PlacementRoundsDepthTimesFillers) {
  const std::vector<std::tuple<int64_t, double, int64_t>> cases = {
      {10, 0.0, 0}, {10, 1.0, 10}, {10, 0.25, 3}, {10, 0.24, 2}, {7, 0.5, 4}, {0, 0.5, 0}, {3, 0.999, 3}};
  for (const auto& [n, depth, before] : cases) {
    const auto at = place_passkey(n, depth);
    EXPECT_EQ(at.before, before) << n << " " << depth;
    EXPECT_EQ(at.after, n - before) << n << " " << depth;
  }
  EXPECT_EQ(passkey_haystack(1, 0, "12345"), passkey_filler() + " " + passkey_key_line("12345"));
  EXPECT_EQ(passkey_prompt_text(0, 1, "12345"), passkey_intro() + " " + passkey_key_line("12345") + " " +
                                                    passkey_filler() + " " + passkey_question());
}

TEST(Passkey, KeysAreFiveDigitsAndSeeded) {
  ropelab::Rng a(7), b(7);
  for (int i = 0; i < 100; ++i) {
    const auto k = next_passkey(a);
    EXPECT_EQ(k.size(), 5u);
    EXPECT_EQ(k, next_passkey(b));
  }
}

TEST(Passkey, ConfigValidationNamesTheOption) {
  PasskeyConfig c;
  c.lengths = {256};
  c.depths = {0.5, 1.5};
  try {
    c.validate();
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("`depths`"), std::string::npos);
  }
  c.depths = {0.5};
  c.lengths = {0};
  EXPECT_THROW(c.validate(), InputError);
}

TEST(Perplexity, EqualsExpMeanNllFromForwardLogits) {
  auto m = ropelab::testing::micro_with(nullptr, 3);  // window 32
  torch::manual_seed(0);
  const int64_t N = 150, V = m->config.vocab_size;
  const auto stream_t = torch::randint(0, V, {N}, torch::kLong);
  const std::vector<int64_t> stream(stream_t.data_ptr<int64_t>(), stream_t.data_ptr<int64_t>() + N);
  for (int64_t stride : {0, 16}) {
    const int64_t T = 48;
    PplConfig cfg;
    cfg.lengths = {T};
    cfg.stride = stride;
    cfg.trained_window = 32;
    const auto r = perplexity_at_length(m, stream, T, cfg);
    // Independent computation: full forward, log_softmax in float64, per window.
    torch::NoGradGuard ng;
    const int64_t S = stride ? stride : T;
    double sum = 0, sum_in = 0;
    int64_t n = 0, n_in = 0, windows = 0;
    std::vector<double> by_pos(size_t(T - 1), 0.0);
    for (int64_t s = 0; s + T <= N; s += S, ++windows) {
      const auto ids = stream_t.narrow(0, s, T).view({1, T});
      const auto logp = torch::log_softmax(m->forward(ids).to(torch::kFloat64), -1).squeeze(0);  // (T, V)
      for (int64_t p = 0; p + 1 < T; ++p) {
        const double nll = -logp[p][stream[size_t(s + p + 1)]].item<double>();
        sum += nll;
        ++n;
        by_pos[size_t(p)] += nll;
        if (p < 32) sum_in += nll, ++n_in;
      }
    }
    EXPECT_EQ(r.windows, windows);
    EXPECT_EQ(r.n_inside + r.n_beyond, n);
    EXPECT_EQ(r.n_inside, n_in);
    EXPECT_NEAR(r.ppl(), std::exp(sum / double(n)), 1e-4 * std::exp(sum / double(n)));
    EXPECT_NEAR(r.nll_inside, sum_in / double(n_in), 1e-5);
    EXPECT_NEAR(r.nll_beyond, (sum - sum_in) / double(n - n_in), 1e-5);
    for (int64_t p = 0; p + 1 < T; ++p)
      EXPECT_NEAR(r.nll_by_position[size_t(p)], by_pos[size_t(p)] / double(windows), 1e-5);
  }
  PplConfig cfg;
  cfg.lengths = {400};
  cfg.trained_window = 32;
  EXPECT_THROW(perplexity_at_length(m, stream, 400, cfg), InputError);  // stream shorter than T
}
