// Sliding-window perplexity per evaluation length, split into predictions made inside the
// model's trained window and beyond it, plus the mean NLL at every position of the window.
//
// Invariants:
// - The token stream is the caller's (ppl: documents tokenised with BOS each, concatenated in
//   file order). Windows of T tokens start at 0, S, 2S, ... while they fit (S = stride, default
//   T: non-overlapping); each window is an independent sequence (positions 0..T-1, no cache).
// - Every window scores all its T-1 next-token predictions: query position p predicts token p+1.
//   With S < T a token is scored once per window that contains it (the usual "mean over windows"
//   reading; HF's strided recipe instead scores only each window's new tokens).
// - "Inside" = predictions whose query position p < trained_window (the model attends over at most
//   trained_window positions); "beyond" = the rest. NLL in nats, summed in float64; log-softmax in
//   float32 over logits computed in blocks of rows (a T × V logits matrix is never held).
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/model/llama.h"

namespace ropelab {

struct PplConfig {
  std::vector<int64_t> lengths;  // T, each >= 2
  int64_t stride = 0;            // 0 = T (non-overlapping windows)
  int64_t max_windows = 0;       // per length; 0 = every window that fits
  int64_t trained_window = 0;    // > 0
  void validate() const;         // InputError naming the option
};

struct PplResult {
  int64_t length = 0, stride = 0, windows = 0;
  int64_t n_inside = 0, n_beyond = 0;              // predictions
  double nll = 0, nll_inside = 0, nll_beyond = 0;  // means (NaN where no prediction)
  double ppl() const;                              // exp(nll)
  std::vector<double> nll_by_position;             // (T-1,): mean over windows, index = query position p
};

// stream: token ids (N,). InputError when N < T.
PplResult perplexity_at_length(LlamaForCausalLM& model, const std::vector<int64_t>& stream, int64_t length,
                               const PplConfig& cfg,
                               const std::function<void(int64_t, int64_t)>& on_window = nullptr);

}  // namespace ropelab
