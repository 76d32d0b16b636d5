#include "core/plan/memory_plan.h"

#include <algorithm>
#include <cstdio>

#include "core/attention/blockwise_rows.h"
#include "core/util/error.h"

namespace ropelab {

void MemoryPlanConfig::validate() const {
  model.validate("`arch`/`model` config");
  check_input(seq_len >= 2 && seq_len <= (int64_t(1) << 24), "`seq_len` (", seq_len,
              ") must be in [2, 2^24]");
  check_input(micro_batch >= 1 && micro_batch <= 4096, "`micro_batch` (", micro_batch,
              ") must be in [1, 4096]");
  check_input(world_size >= 1 && world_size <= 65536, "`world_size` (", world_size,
              ") must be in [1, 65536]");
  check_input(zero_stage >= 0 && zero_stage <= 2, "`zero_stage` (", zero_stage, ") must be 0, 1 or 2");
  check_input(compute_bytes == 2 || compute_bytes == 4,
              "compute dtype must be 2 (bf16/fp16) or 4 (fp32) bytes");
}

namespace {

// Sizes of one model, in elements. Cq = heads·head_dim (q_proj's output), Ckv = kv_heads·head_dim.
struct PlanShape {
  explicit PlanShape(const ModelConfig& m)
      : C(m.hidden_size),
        D(m.head_dim()),
        H(m.num_attention_heads),
        Cq(m.num_attention_heads * m.head_dim()),
        Ckv(m.num_key_value_heads * m.head_dim()),
        I(m.intermediate_size),
        V(m.vocab_size),
        L(m.num_hidden_layers),
        layer_params(2 * C + C * Cq + 2 * C * Ckv + Cq * C + 3 * C * I),
        params(V * C + (m.tie_word_embeddings ? 0 : V * C) + C + L * layer_params),
        largest(std::max({V * C, C * I, C * Cq, C * Ckv})) {}
  int64_t C, D, H, Cq, Ckv, I, V, L, layer_params, params, largest;
};

std::string fmt_count(int64_t n) {
  char buf[64];
  if (n >= 1000000000)
    std::snprintf(buf, sizeof buf, "%.2f B", double(n) / 1e9);
  else if (n >= 1000000)
    std::snprintf(buf, sizeof buf, "%.2f M", double(n) / 1e6);
  else
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
  return buf;
}

}  // namespace

MemoryPlan plan_memory(const MemoryPlanConfig& cfg) {
  cfg.validate();
  const PlanShape m(cfg.model);
  const int64_t s = cfg.compute_bytes, f = 4;  // bytes of the compute dtype and of fp32
  const int64_t B = cfg.micro_batch, T = cfg.seq_len, BT = B * T, N = cfg.world_size;
  const bool zero1 = cfg.zero_stage >= 1, zero2 = cfg.zero_stage >= 2;
  auto shard = [&](int64_t bytes, bool sharded) { return sharded ? (bytes + N - 1) / N : bytes; };
  const std::string sd = s == 4 ? "fp32" : "16-bit";
  const std::string shard_note = " / " + std::to_string(N) + " ranks";

  MemoryPlan plan;
  plan.parameters = m.params;
  // --- state that lives across steps -----------------------------------------------------------
  const int64_t weights = m.params * s;
  // fp32 compute: the model's own tensors are the master weights (trainer: separate_master).
  const int64_t master = s == 4 ? 0 : shard(m.params * f, zero1);
  const int64_t moments = shard(2 * m.params * f, zero1);
  // --- gradients: autograd's .grad in the compute dtype (always full), then the trainer's fp32
  // copies that are all-reduced, clipped and handed to AdamW.
  const int64_t grads_model = m.params * s;
  // The trainer's fp32 gradients (core/train/master_weights.h): a bf16/fp16 model accumulates into
  // fp32 buffers (stage 2: of its range only); an fp32 model accumulates in its own .grad, so only
  // stage 2 keeps a separate (range-sized) fp32 sum.
  const int64_t grads_fp32 = (s == 4 && !zero2) ? 0 : shard(m.params * f, zero2);

  // --- activations saved for backward, bytes per token of one decoder layer -------------------
  // RMSNorm: its input in fp32 (x itself when fp32: pow() saves it), x·rsqrt (saved by the weight
  // product) and the weighted output (saved by the next projections).
  const int64_t norm_tok = m.C * f + 2 * m.C * s;
  // Attention: q and k after RoPE, v, the output and its (B, T, H·D) copy for o_proj, the per-row
  // log-sum-exp (fp32). RoPE's products with cos/sin save only the tables (which need no grad).
  const int64_t attn_tok = (2 * m.Cq + 2 * m.Ckv) * s + m.Cq * s + m.H * f;
  // SwiGLU: gate (silu's input), silu(gate), up, their product (down_proj's input).
  const int64_t mlp_tok = 4 * m.I * s;
  const int64_t layer_tok = 2 * norm_tok + attn_tok + mlp_tok;
  // With checkpointing only each layer's input stays; the final norm's saves stay either way.
  const int64_t stored_per_layer = (cfg.checkpoint_layers ? m.C * s : layer_tok) * BT;
  const int64_t final_norm = norm_tok * BT;
  const int64_t saved = m.L * stored_per_layer + final_norm;
  const int64_t rotary = 2 * T * m.D * s + 3 * BT * 8;  // cos/sin tables; ids, targets, mask (int64)
  // A recomputed layer: its saved set, its input (a separate copy unless fp32) and its output.
  const int64_t recompute = cfg.checkpoint_layers ? (layer_tok + (s == 4 ? 0 : m.C * s) + m.C * s) * BT : 0;
  const int64_t current = cfg.checkpoint_layers ? recompute : layer_tok * BT;

  // --- transients ---------------------------------------------------------------------------
  // Blockwise attention: two block buffers of `rows` queries × T keys, fp32.
  const int64_t rows = blockwise::block_rows(B, m.H, T, T, 0);
  const int64_t blocks = 2 * B * m.H * rows * T * f;
  const int64_t row_copies = 3 * B * rows * m.Cq * f;  // q, dO, O rows of a block, grouped by kv head
  // Backward: k and v upcast (16-bit only), dq/dk/dv accumulators in fp32, the two blocks and the
  // final casts to the compute dtype (16-bit only).
  const int64_t attn_bwd = (s == 4 ? 0 : 2 * BT * m.Ckv * f) + BT * (m.Cq + 2 * m.Ckv) * f + blocks +
                           row_copies + (s == 4 ? 0 : BT * (m.Cq + 2 * m.Ckv) * s);
  const int64_t attn_fwd = blocks + (s == 4 ? 0 : BT * m.Ckv * f + blocks / 2 / f * s);
  // MLP backward, the largest of its three stages: down_proj/product (3 T×I grads + down's
  // weight grad), silu/up (2 T×I + 2 weight grads + a T×C grad), gate (3 weight grads + 2 T×C).
  const int64_t ci = m.C * m.I * s;
  const int64_t mlp_bwd =
      std::max({3 * BT * m.I * s + ci, 2 * BT * m.I * s + 2 * ci + BT * m.C * s, 3 * ci + 2 * BT * m.C * s});
  // Logits: the trainer keeps its fp32 logits through backward; log_softmax saves its output;
  // backward adds the grads of both (4 × B·T·V fp32 at the loss), then lm_head's weight grad.
  const int64_t btv = BT * m.V * f;
  const int64_t head_grad = m.V * m.C * s;  // lm_head's (or the tied embedding's) weight grad
  const int64_t largest_shard = shard(m.largest, zero1);
  const int64_t opt_transient = std::max(2 * largest_shard * f, s == 4 ? 0 : m.largest * f);

  auto add = [&](std::vector<PlanItem>& v, std::string name, int64_t b, std::string how) {
    v.push_back({std::move(name), b, std::move(how)});
  };
  const std::string P = fmt_count(m.params) + " parameters";
  add(plan.components, "weights (" + sd + ")", weights, P + " x " + std::to_string(s) + " B");
  add(plan.components, "fp32 master weights", master,
      s == 4 ? "the fp32 weights themselves" : P + " x 4 B" + (zero1 ? shard_note : ""));
  add(plan.components, "AdamW moments (fp32)", moments, "2 x " + P + " x 4 B" + (zero1 ? shard_note : ""));
  add(plan.components, "gradients, compute dtype (autograd)", grads_model,
      P + " x " + std::to_string(s) + " B");
  add(plan.components, "gradients, fp32 (reduced, to AdamW)", grads_fp32,
      grads_fp32 == 0 ? "the fp32 model's own gradients" : P + " x 4 B" + (zero2 ? shard_note : ""));
  add(plan.components, "saved activations", saved,
      std::to_string(m.L) +
          (cfg.checkpoint_layers ? " layer inputs" : " layers x " + std::to_string(layer_tok) + " B/token") +
          " + final norm, " + std::to_string(BT) + " tokens");
  add(plan.components, "one layer's recomputation", recompute,
      cfg.checkpoint_layers ? std::to_string(layer_tok) + " B/token saved set + input + output"
                            : "no checkpointing");
  add(plan.components, "layer backward transient", std::max(attn_bwd, mlp_bwd),
      "max(attention " + format_bytes(attn_bwd) + " [blocks of " + std::to_string(rows) + " rows], MLP " +
          format_bytes(mlp_bwd) + ")");
  add(plan.components, "logits and loss", 4 * btv, "4 x B*T*V fp32 (logits, log-softmax, their grads)");
  add(plan.components, "optimizer step transient", opt_transient, "2 x largest parameter (shard) in fp32");

  // --- candidate peaks ----------------------------------------------------------------------
  const int64_t base = weights + master + moments + rotary;
  add(plan.phases, "forward: last layer's attention",
      base + (m.L - 1) * stored_per_layer + layer_tok * BT + attn_fwd,
      "state + saved activations + attention blocks");
  add(plan.phases, "backward: loss", base + saved + 4 * btv, "state + saved activations + logits and loss");
  add(plan.phases, "backward: lm_head",
      base + saved + 2 * btv + (s == 4 ? 0 : BT * m.V * s) + head_grad + BT * m.C * s,
      "state + saved + logits and their grad + head weight grad");
  // Layer l's backward: the layers below still hold their saves, the layers above have their
  // weight grads; live bytes are linear in l, so the peak is at one end.
  int64_t mlp_peak = 0, attn_peak = 0;
  for (int64_t l : {int64_t(0), m.L - 1}) {
    const int64_t common = base + btv + head_grad + m.C * s + (m.L - 1 - l) * m.layer_params * s +
                           l * stored_per_layer + current + BT * m.C * s;
    mlp_peak = std::max(mlp_peak, common + mlp_bwd);
    attn_peak = std::max(attn_peak, common - (mlp_tok + norm_tok) * BT + 3 * ci + m.C * s + m.C * m.Cq * s +
                                        BT * m.C * s + attn_bwd);
  }
  add(plan.phases, "backward: a layer's MLP", mlp_peak, "state + logits + grads so far + saves + MLP grads");
  add(plan.phases, "backward: a layer's attention", attn_peak,
      "state + logits + grads so far + saves + attention grads");
  for (const auto& p : plan.phases) plan.fwd_bwd_peak_bytes = std::max(plan.fwd_bwd_peak_bytes, p.bytes);
  add(plan.phases, "optimizer step", weights + master + moments + grads_model + grads_fp32 + opt_transient,
      "state + both gradients + AdamW temporaries");
  for (const auto& p : plan.phases)
    if (p.bytes > plan.peak_bytes) plan.peak_bytes = p.bytes, plan.peak_phase = p.name;
  return plan;
}

double inference_bytes_lower_bound(const ModelConfig& model, int64_t seq_len, bool all_logits) {
  const double T = double(seq_len);
  const double kv = 2.0 * double(model.num_hidden_layers) * double(model.num_key_value_heads) *
                    double(model.head_dim()) * T * 2.0;
  const double logits = double(model.vocab_size) * 4.0 * (all_logits ? T : 1.0);
  return kv + logits;
}

void check_lengths_fit_memory(const ModelConfig& model, const std::vector<int64_t>& lengths, bool all_logits,
                              const std::string& option) {
  for (const int64_t T : lengths)
    check_fits_host_memory(inference_bytes_lower_bound(model, T, all_logits),
                           option + " " + std::to_string(T) + " (the KV cache" +
                               (all_logits ? " and every position's logits" : "") + " of one sequence)");
}

}  // namespace ropelab
