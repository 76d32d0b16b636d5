#include "core/config/model_config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <type_traits>

#include "core/rope/hf_config.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/host_memory.h"

namespace ropelab {

namespace {

const std::set<std::string> kKnownKeys = {"model_type",
                                          "vocab_size",
                                          "hidden_size",
                                          "intermediate_size",
                                          "num_hidden_layers",
                                          "num_attention_heads",
                                          "num_key_value_heads",
                                          "head_dim",
                                          "rms_norm_eps",
                                          "max_position_embeddings",
                                          "tie_word_embeddings",
                                          "bos_token_id",
                                          "eos_token_id",
                                          "torch_dtype",
                                          "dtype",
                                          "rope_theta",
                                          "rope_scaling",
                                          "rope_parameters",
                                          kRopelabRopeKey};

// Integer fields: JSON numbers that are not integers in int64's range are refused as themselves
// (nlohmann's get<int64_t>() would convert 1e30 to INT64_MIN). Integral floats (4096.0) pass.
int64_t get_int(const nlohmann::json& j, const char* key, int64_t fallback, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (it->is_number_unsigned()) {
    check_input(it->get<uint64_t>() <= uint64_t(INT64_MAX), where, ": field '", key, "' (", it->dump(),
                ") is out of range for a 64-bit integer");
    return int64_t(it->get<uint64_t>());
  }
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number_float()) {
    const double v = it->get<double>();
    // 2^53: beyond it a double no longer holds every integer, so the value is not what was meant.
    check_input(std::isfinite(v) && v == std::floor(v) && std::fabs(v) <= 9007199254740992.0, where,
                ": field '", key, "' (", it->dump(), ") is not an integer in range");
    return int64_t(v);
  }
  fail_input(where, ": field '", key, "' must be an integer (", it->dump(), ")");
}

template <typename T>
T get_field(const nlohmann::json& j, const char* key, T fallback, const std::string& where) {
  if constexpr (std::is_same_v<T, int64_t>) {
    return get_int(j, key, fallback, where);
  } else {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    try {
      return it->get<T>();
    } catch (const nlohmann::json::exception&) {
      fail_input(where, ": field '", key, "' has the wrong type (", it->dump(), ")");
    }
  }
}

std::optional<int64_t> get_token_id(const nlohmann::json& j, const char* key, std::optional<int64_t> fallback,
                                    const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (it->is_null()) return std::nullopt;
  if (it->is_array()) {  // Llama-3 style list of EOS ids: the first is the canonical one
    if (it->empty()) return std::nullopt;
    return get_field<int64_t>(nlohmann::json{{key, (*it)[0]}}, key, 0, where);
  }
  return get_field<int64_t>(j, key, 0, where);
}

// Keys that change what a model computes but that this toolkit's decoder does not implement. A
// config that sets them to anything but the LLaMA value is refused (naming the key), never run
// as a different model. Keys not listed here are kept in `extra` and written back.
void refuse_unsupported_architecture(const nlohmann::json& j, const std::string& where) {
  auto is_false_or_absent = [&](const char* key) {
    auto it = j.find(key);
    return it == j.end() || it->is_null() || (it->is_boolean() && !it->get<bool>());
  };
  // get_field, not j.value(): a non-string model_type is an InputError, not a json type_error
  // (found by fuzz/targets/model_config.cpp).
  const std::string type = get_field<std::string>(j, "model_type", std::string("llama"), where);
  // Mistral and Ministral-3 are LLaMA's decoder (Ministral-3's position-dependent query scale is
  // the llama4 logit-scale policy, read from its rope_parameters); their sliding window is refused
  // below.
  check_input(type == "llama" || type == "mistral" || type == "ministral3", where, ": model_type '", type,
              "' is not supported (this toolkit computes LLaMA-family decoders: llama, or mistral / "
              "ministral3 without a sliding window)");
  if (auto it = j.find("hidden_act"); it != j.end() && !it->is_null()) {
    const std::string act = it->is_string() ? it->get<std::string>() : it->dump();
    check_input(act == "silu" || act == "swish", where, ": hidden_act '", act,
                "' is not supported (the MLP is SwiGLU: silu)");
  }
  // Qwen2-style configs carry a window size next to use_sliding_window = false.
  const bool sliding_off = j.contains("use_sliding_window") && is_false_or_absent("use_sliding_window");
  if (!sliding_off)
    check_input(is_false_or_absent("sliding_window"), where, ": sliding_window (",
                j.value("sliding_window", nlohmann::json()).dump(),
                ") is not supported: attention here is full causal (set it to null)");
  for (const char* key : {"attention_bias", "mlp_bias"})
    check_input(is_false_or_absent(key), where, ": ", key,
                " = true is not supported (LLaMA "
                "projections have no bias)");
  if (auto it = j.find("attention_dropout"); it != j.end() && !it->is_null())
    check_input(it->is_number() && it->get<double>() == 0.0, where, ": attention_dropout (", it->dump(),
                ") must be 0 (training here uses no attention dropout)");
  check_input(!j.contains("quantization_config"), where,
              ": quantization_config is not supported (weights must be fp32, bf16 or fp16)");
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
              num_attention_heads, ") must be divisible by num_key_value_heads (", num_key_value_heads, ")");
  check_input(head_dim() % 2 == 0, where, ": head_dim (", head_dim(), ") must be even for RoPE");
  // Real models use 64-256; a head_dim of 10^8 passes the element-count bound below with a small
  // hidden size but makes every RoPE table 10^8 long (a 10 s "hang", found by fuzzing).
  check_input(head_dim() <= 65536, where, ": head_dim (", head_dim(), ") is implausible (at most 65536)");
  // Every tensor's element count must fit an int64 (and LibTorch's indexing) before anything is
  // allocated; 2^53 keeps the double count exact.
  const double largest =
      std::max({double(vocab_size) * double(hidden_size), double(intermediate_size) * double(hidden_size),
                double(num_attention_heads) * double(head_dim()) * double(hidden_size)});
  char count[32];
  std::snprintf(count, sizeof count, "%.3g", parameter_count());
  check_input(largest <= 9007199254740992.0 && parameter_count() <= 9007199254740992.0, where,
              ": the model would have ", count, " parameters (", format_bytes(parameter_count() * 2),
              " even in bf16); sizes are out of range");
  // Real models have at most a few hundred layers; 8·10^4 layers pass the count bound above but make
  // the per-layer tables hundreds of thousands long (10+ s stalls under the fuzzer).
  check_input(num_hidden_layers <= 16384, where, ": num_hidden_layers (", num_hidden_layers,
              ") is implausible (at most 16384)");
  check_input(rms_norm_eps > 0, where, ": rms_norm_eps (", rms_norm_eps, ") must be positive");
  check_input(torch_dtype == "float32" || torch_dtype == "bfloat16" || torch_dtype == "float16", where,
              ": torch_dtype '", torch_dtype, "' is not one of float32, bfloat16, float16");
  if (bos_token_id)
    check_input(*bos_token_id >= 0 && *bos_token_id < vocab_size, where, ": bos_token_id (", *bos_token_id,
                ") outside [0, vocab_size ", vocab_size, ")");
  if (eos_token_id)
    check_input(*eos_token_id >= 0 && *eos_token_id < vocab_size, where, ": eos_token_id (", *eos_token_id,
                ") outside [0, vocab_size ", vocab_size, ")");
  rope.validate(where);
}

double ModelConfig::parameter_count() const {
  const double h = double(hidden_size), d = double(head_dim());
  const double attn = h * double(num_attention_heads) * d * 2 + h * double(num_key_value_heads) * d * 2;
  const double mlp = 3.0 * h * double(intermediate_size);
  const double layer = attn + mlp + 2.0 * h;  // + the two RMSNorm weights
  const double embed = double(vocab_size) * h;
  return embed * (tie_word_embeddings ? 1 : 2) + double(num_hidden_layers) * layer + h;
}

ModelConfig ModelConfig::from_json(const nlohmann::json& j, const std::string& where) {
  check_input(j.is_object(), where, ": config must be a JSON object");
  refuse_unsupported_architecture(j, where);
  ModelConfig c;
  c.model_type = get_field<std::string>(j, "model_type", c.model_type, where);
  c.vocab_size = get_field<int64_t>(j, "vocab_size", c.vocab_size, where);
  c.hidden_size = get_field<int64_t>(j, "hidden_size", c.hidden_size, where);
  c.intermediate_size = get_field<int64_t>(j, "intermediate_size", c.intermediate_size, where);
  c.num_hidden_layers = get_field<int64_t>(j, "num_hidden_layers", c.num_hidden_layers, where);
  c.num_attention_heads = get_field<int64_t>(j, "num_attention_heads", c.num_attention_heads, where);
  c.num_key_value_heads = get_field<int64_t>(j, "num_key_value_heads", c.num_attention_heads, where);
  if (j.contains("head_dim") && !j["head_dim"].is_null())
    c.head_dim_override = get_field<int64_t>(j, "head_dim", 0, where);
  c.rms_norm_eps = get_field<double>(j, "rms_norm_eps", c.rms_norm_eps, where);
  c.max_position_embeddings =
      get_field<int64_t>(j, "max_position_embeddings", c.max_position_embeddings, where);
  c.tie_word_embeddings = get_field<bool>(j, "tie_word_embeddings", false, where);
  c.bos_token_id = get_token_id(j, "bos_token_id", c.bos_token_id, where);
  c.eos_token_id = get_token_id(j, "eos_token_id", c.eos_token_id, where);
  // transformers 5.x writes `dtype` where 4.x wrote `torch_dtype`; both name the stored dtype.
  c.torch_dtype = get_field<std::string>(j, "torch_dtype",
                                         get_field<std::string>(j, "dtype", c.torch_dtype, where), where);
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
    ctx.top_level_original_max_position = get_field<int64_t>(j, "original_max_position_embeddings", 0, where);
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
