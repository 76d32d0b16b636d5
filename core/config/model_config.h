// ModelConfig: the architecture of a LLaMA-family decoder, read from and written to a Hugging
// Face `config.json`.
//
// Invariants after validate(): all sizes positive, hidden_size == heads * head_dim unless head_dim
// is given explicitly, heads divisible by kv heads. Unknown JSON fields are kept in `extra` and
// written back unchanged, so a checkpoint round-trips through the toolkit without losing keys.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/rope/rope_spec.h"

namespace ropelab {

struct ModelConfig {
  std::string model_type = "llama";
  int64_t vocab_size = 32000;
  int64_t hidden_size = 4096;
  int64_t intermediate_size = 11008;
  int64_t num_hidden_layers = 32;
  int64_t num_attention_heads = 32;
  int64_t num_key_value_heads = 32;
  std::optional<int64_t> head_dim_override;  // config `head_dim`, else hidden / heads
  double rms_norm_eps = 1e-5;
  int64_t max_position_embeddings = 4096;
  bool tie_word_embeddings = false;
  std::optional<int64_t> bos_token_id = 1;
  std::optional<int64_t> eos_token_id = 2;
  std::string torch_dtype = "float32";              // dtype of the stored weights
  RopeSpec rope;                                    // rope_theta + rope_scaling, resolved
  nlohmann::json extra = nlohmann::json::object();  // unknown keys, written back as read

  int64_t head_dim() const { return head_dim_override.value_or(hidden_size / num_attention_heads); }
  // Parameters this config describes, counted from its shapes (in double: a hostile config's
  // count may not fit an int64). Used to refuse absurd models before allocating them.
  double parameter_count() const;

  // Throws InputError naming `where` (usually the config path) and the offending field.
  void validate(const std::string& where = "config") const;

  static ModelConfig from_json(const nlohmann::json& j, const std::string& where);
  nlohmann::json to_json() const;

  // Named presets so that a model config can be named ("tiny") instead of given as a file.
  static std::optional<ModelConfig> preset(const std::string& name);
  static std::string preset_names();  // "tiny, tiny-gqa, ..."
};

ModelConfig load_model_config(const std::string& path);  // reads + validates, errors name path

}  // namespace ropelab
