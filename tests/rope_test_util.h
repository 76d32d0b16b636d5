// Helpers of the RoPE registry tests: specs for LLaMA-2-like settings, the micro model's config.json
// as an HF user writes it, and the message of an expected InputError.
#pragma once
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "core/config/model_config.h"
#include "core/rope/rope_spec.h"
#include "core/util/error.h"

namespace ropelab::testing {

inline RopeSpec rope_spec(const nlohmann::json& rs, int64_t head_dim = 128, int64_t max_pos = 4096) {
  RopeContext ctx;
  ctx.head_dim = head_dim;
  ctx.max_position_embeddings = max_pos;
  return RopeSpec::from_json(rs, 10000.0, ctx, "test");
}

inline double pair_inv_freq(double base, int i, int d) { return 1.0 / std::pow(base, 2.0 * i / d); }

inline std::string input_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// A micro model's config.json (head dim 16, window 32).
inline nlohmann::json micro_config_json() {
  return {{"vocab_size", 97},
          {"hidden_size", 64},
          {"intermediate_size", 96},
          {"num_hidden_layers", 4},
          {"num_attention_heads", 4},
          {"num_key_value_heads", 2},
          {"max_position_embeddings", 32},
          {"rms_norm_eps", 1e-5}};
}

inline ModelConfig read_config(const nlohmann::json& j) { return ModelConfig::from_json(j, "config.json"); }

}  // namespace ropelab::testing
