// LlamaForCausalLM: the LLaMA-family decoder (LLaMA-2, LLaMA-3, Mistral without sliding window).
//
// Parameter names are exactly Hugging Face's ("model.layers.3.self_attn.q_proj.weight", ...), so
// a safetensors checkpoint loads by name. Positions are explicit absolute ids. The RoPE spec is
// part of the model config and can be swapped (set_rope) without touching weights.
#pragma once
#include <ATen/core/Generator.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/attention/observer.h"
#include "core/config/model_config.h"
#include "core/model/attention.h"
#include "core/model/kv_cache.h"
#include "core/model/layers.h"

namespace ropelab {

struct DecoderLayerImpl : torch::nn::Module {
  explicit DecoderLayerImpl(const ModelConfig& c);
  torch::Tensor forward(const torch::Tensor& x, const AttentionInputs& in);  // (B, T, C)
  RMSNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
  Attention self_attn{nullptr};
  MLP mlp{nullptr};
};
TORCH_MODULE(DecoderLayer);

struct LlamaModelImpl : torch::nn::Module {
  explicit LlamaModelImpl(const ModelConfig& c);
  torch::nn::Embedding embed_tokens{nullptr};
  torch::nn::ModuleList layers{nullptr};
  RMSNorm norm{nullptr};
};
TORCH_MODULE(LlamaModel);

struct ForwardOptions {
  KVCache* cache = nullptr;                 // append to / attend over this cache
  const ObserverList* observers = nullptr;  // attention taps
  bool checkpoint_layers = false;           // recompute each layer in backward (training)
};

struct LlamaForCausalLMImpl : torch::nn::Module {
  explicit LlamaForCausalLMImpl(ModelConfig c);

  // ids: (B, T) int64; positions: (T,) int64 absolute (undefined = continue after the cache).
  // Returns logits (B, T, V) float32.
  torch::Tensor forward(const torch::Tensor& ids, torch::Tensor positions = {},
                        const ForwardOptions& opts = {});
  // Final hidden states (B, T, C) before lm_head, same arguments.
  torch::Tensor hidden_states(const torch::Tensor& ids, torch::Tensor positions = {},
                              const ForwardOptions& opts = {});
  torch::Tensor logits_from_hidden(const torch::Tensor& h);  // (B, T, C) -> (B, T, V) float32

  // Logit-scale multiplier t per (layer, position): (L, T) float32.
  torch::Tensor logit_scale_table(const torch::Tensor& positions) const;

  void set_rope(const RopeSpec& spec) { config.rope = spec; }
  void init_weights(uint64_t seed, double std = 0.02);  // HF-style normal(0, std) init
  int64_t num_parameters() const;
  torch::Dtype dtype() const;
  torch::Device device() const;

  ModelConfig config;
  LlamaModel model{nullptr};
  torch::nn::Linear lm_head{nullptr};  // null when tie_word_embeddings
};
TORCH_MODULE(LlamaForCausalLM);

// Names and shapes of the parameters of a model with config `c`, in named_parameters() order.
using ParamShapes = std::vector<std::pair<std::string, std::vector<int64_t>>>;
ParamShapes llama_parameter_shapes(const ModelConfig& c);

// An RMSNorm weight ("model.norm.weight", "model.layers.N.input_layernorm.weight", ...): initialised
// to ones and exempt from weight decay; every other parameter is a matrix or an embedding.
inline bool is_norm_weight(const std::string& name) {
  return name.size() >= 6 && name.compare(name.size() - 6, 6, "weight") == 0 &&
         name.find("norm") != std::string::npos;
}

// Builds the model with each parameter's tensor taken from make(name, shape), already in its final
// dtype and device: no full-size random initialisation, no intermediate fp32 copy (loading a 7B
// checkpoint holds the model plus what `make` keeps, not 27 GB of random fp32 first).
using ParamMaker = std::function<torch::Tensor(const std::string& name, const std::vector<int64_t>& shape)>;
LlamaForCausalLM build_llama(const ModelConfig& c, const ParamMaker& make);

// The HF-style initial value of one parameter (norm weights 1, the rest normal(0, std) drawn from
// `gen`, fp32). Drawn in parameter order from one generator this is init_weights(seed, std).
torch::Tensor initial_parameter(const std::string& name, const std::vector<int64_t>& shape,
                                at::Generator& gen, double std);

}  // namespace ropelab
