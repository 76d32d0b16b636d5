#include "core/config/model_config.h"

#include <set>

#include "core/rope/hf_config.h"
#include "core/util/error.h"
#include "core/util/files.h"

namespace ropelab {

namespace {

const std::set<std::string> kKnownKeys = {
    "model_type", "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
    "num_attention_heads", "num_key_value_heads", "head_dim", "rms_norm_eps",
    "max_position_embeddings", "tie_word_embeddings", "bos_token_id", "eos_token_id",
    "torch_dtype", "rope_theta", "rope_scaling", "rope_parameters", kRopelabRopeKey};

template <typename T>
T get_field(const nlohmann::json& j, const char* key, T fallback, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    fail_input(where, ": field '", key, "' has the wrong type (", it->dump(), ")");
  }
}

std::optional<int64_t> get_token_id(const nlohmann::json& j, const char* key,
                                    std::optional<int64_t> fallback, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (it->is_null()) return std::nullopt;
  if (it->is_array()) {  // Llama-3 style list of EOS ids: the first is the canonical one
    if (it->empty()) return std::nullopt;
    return get_field<int64_t>(nlohmann::json{{key, (*it)[0]}}, key, 0, where);
  }
  return get_field<int64_t>(j, key, 0, where);
}

}  // namespace

void ModelConfig::validate(const std::string& where) const {
  auto positive = [&](const char* name, int64_t v) {
    check_input(v > 0, where, ": ", name, " (", v, ") must be positive");
  };
  positive("vocab_size", vocab_size);
  positive("hidden_size", hidden_size);
  positive("intermediate_size", intermediate_size);
  positive("num_hidden_layers", num_hidden_layers);
  positive("num_attention_heads", num_attention_heads);
  positive("num_key_value_heads", num_key_value_heads);
  positive("max_position_embeddings", max_position_embeddings);
  if (head_dim_override) {
    positive("head_dim", *head_dim_override);
  } else {
    check_input(hidden_size % num_attention_heads == 0, where, ": hidden_size (", hidden_size,
                ") must be divisible by num_attention_heads (", num_attention_heads, ")");
  }
  check_input(num_attention_heads % num_key_value_heads == 0, where, ": num_attention_heads (",
              num_attention_heads, ") must be divisible by num_key_value_heads (",
              num_key_value_heads, ")");
  check_input(head_dim() % 2 == 0, where, ": head_dim (", head_dim(), ") must be even for RoPE");
  check_input(rms_norm_eps > 0, where, ": rms_norm_eps (", rms_norm_eps, ") must be positive");
  check_input(torch_dtype == "float32" || torch_dtype == "bfloat16" || torch_dtype == "float16",
              where, ": torch_dtype '", torch_dtype, "' is not one of float32, bfloat16, float16");
  if (bos_token_id)
    check_input(*bos_token_id >= 0 && *bos_token_id < vocab_size, where, ": bos_token_id (",
                *bos_token_id, ") outside [0, vocab_size ", vocab_size, ")");
  if (eos_token_id)
    check_input(*eos_token_id >= 0 && *eos_token_id < vocab_size, where, ": eos_token_id (",
                *eos_token_id, ") outside [0, vocab_size ", vocab_size, ")");
  rope.validate(where);
}

ModelConfig ModelConfig::from_json(const nlohmann::json& j, const std::string& where) {
  check_input(j.is_object(), where, ": config must be a JSON object");
  ModelConfig c;
  c.model_type = get_field<std::string>(j, "model_type", c.model_type, where);
  c.vocab_size = get_field<int64_t>(j, "vocab_size", c.vocab_size, where);
  c.hidden_size = get_field<int64_t>(j, "hidden_size", c.hidden_size, where);
  c.intermediate_size = get_field<int64_t>(j, "intermediate_size", c.intermediate_size, where);
  c.num_hidden_layers = get_field<int64_t>(j, "num_hidden_layers", c.num_hidden_layers, where);
  c.num_attention_heads = get_field<int64_t>(j, "num_attention_heads", c.num_attention_heads, where);
  c.num_key_value_heads =
      get_field<int64_t>(j, "num_key_value_heads", c.num_attention_heads, where);
  if (j.contains("head_dim") && !j["head_dim"].is_null())
    c.head_dim_override = get_field<int64_t>(j, "head_dim", 0, where);
  c.rms_norm_eps = get_field<double>(j, "rms_norm_eps", c.rms_norm_eps, where);
  c.max_position_embeddings =
      get_field<int64_t>(j, "max_position_embeddings", c.max_position_embeddings, where);
  c.tie_word_embeddings = get_field<bool>(j, "tie_word_embeddings", false, where);
  c.bos_token_id = get_token_id(j, "bos_token_id", c.bos_token_id, where);
  c.eos_token_id = get_token_id(j, "eos_token_id", c.eos_token_id, where);
  c.torch_dtype = get_field<std::string>(j, "torch_dtype", c.torch_dtype, where);
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!kKnownKeys.count(it.key())) c.extra[it.key()] = it.value();
  if (j.contains("eos_token_id") && j["eos_token_id"].is_array())
    c.extra["eos_token_id_list"] = j["eos_token_id"];

  // Head dim for RoPE must be known before the rope spec is resolved.
  if (c.num_attention_heads <= 0 || (!c.head_dim_override && c.hidden_size % c.num_attention_heads))
    c.validate(where);  // throws the precise size error
  RopeContext ctx;
  ctx.head_dim = c.head_dim();
  ctx.partial_rotary_factor = get_field<double>(j, "partial_rotary_factor", 1.0, where);
  ctx.max_position_embeddings = c.max_position_embeddings;
  if (j.contains("original_max_position_embeddings"))
    ctx.top_level_original_max_position =
        get_field<int64_t>(j, "original_max_position_embeddings", 0, where);
  double theta = get_field<double>(j, "rope_theta", 10000.0, where);
  if (j.contains(kRopelabRopeKey) && j[kRopelabRopeKey].is_object()) {
    c.rope = RopeSpec::from_json(j[kRopelabRopeKey], theta, ctx, where + ": " + kRopelabRopeKey);
  } else {
    // transformers 5.x `rope_parameters` (rope_theta may be inside) or 4.x `rope_scaling`.
    const HfRopeObject hf = hf_rope_object(j, where, ctx);
    c.rope = RopeSpec::from_json(hf.object, theta, ctx, hf.where);
  }
  c.validate(where);
  return c;
}

nlohmann::json ModelConfig::to_json() const {
  nlohmann::json j = extra;
  j.erase("eos_token_id_list");
  j["architectures"] = extra.value("architectures", nlohmann::json::array({"LlamaForCausalLM"}));
  j["model_type"] = model_type;
  j["vocab_size"] = vocab_size;
  j["hidden_size"] = hidden_size;
  j["intermediate_size"] = intermediate_size;
  j["num_hidden_layers"] = num_hidden_layers;
  j["num_attention_heads"] = num_attention_heads;
  j["num_key_value_heads"] = num_key_value_heads;
  if (head_dim_override) j["head_dim"] = *head_dim_override;
  j["rms_norm_eps"] = rms_norm_eps;
  j["max_position_embeddings"] = max_position_embeddings;
  j["tie_word_embeddings"] = tie_word_embeddings;
  j["bos_token_id"] = bos_token_id ? nlohmann::json(*bos_token_id) : nlohmann::json();
  if (extra.contains("eos_token_id_list"))
    j["eos_token_id"] = extra["eos_token_id_list"];
  else
    j["eos_token_id"] = eos_token_id ? nlohmann::json(*eos_token_id) : nlohmann::json();
  j["torch_dtype"] = torch_dtype;
  if (!j.contains("hidden_act")) j["hidden_act"] = "silu";
  rope.write_hf(j);  // rope_theta, rope_scaling (HF form) and the toolkit's full rope record
  return j;
}

ModelConfig load_model_config(const std::string& path) {
  return ModelConfig::from_json(read_json_file(path), path);
}

std::optional<ModelConfig> ModelConfig::preset(const std::string& name) {
  ModelConfig c;
  RopeContext ctx;
  auto finish = [&](ModelConfig& m) {
    ctx.head_dim = m.head_dim();
    ctx.max_position_embeddings = m.max_position_embeddings;
    m.rope = RopeSpec::from_json(nlohmann::json(), 10000.0, ctx, "preset " + name);
    return m;
  };
  if (name == "tiny" || name == "tiny-gqa") {
    // A few million parameters, 6 layers (layers 0-1 and later layers can differ), window 256.
    c.vocab_size = 2048;
    c.hidden_size = 256;
    c.intermediate_size = 688;
    c.num_hidden_layers = 6;
    c.num_attention_heads = 8;
    c.num_key_value_heads = name == "tiny" ? 8 : 2;
    c.max_position_embeddings = 256;
    c.rms_norm_eps = 1e-5;
    c.tie_word_embeddings = name == "tiny-gqa";
    return finish(c);
  }
  if (name == "llama2-7b" || name == "llama2-7b-layer") {
    c.num_hidden_layers = name == "llama2-7b" ? 32 : 1;
    c.torch_dtype = "bfloat16";
    return finish(c);
  }
  return std::nullopt;
}

std::string ModelConfig::preset_names() { return "tiny, tiny-gqa, llama2-7b, llama2-7b-layer"; }

}  // namespace ropelab
