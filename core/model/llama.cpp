#include "core/model/llama.h"

#include <torch/torch.h>

#include "core/model/checkpointing.h"

namespace ropelab {

DecoderLayerImpl::DecoderLayerImpl(const ModelConfig& c) {
  input_layernorm = register_module("input_layernorm", RMSNorm(c.hidden_size, c.rms_norm_eps));
  self_attn = register_module(
      "self_attn", Attention(c.hidden_size, c.num_attention_heads, c.num_key_value_heads, c.head_dim()));
  post_attention_layernorm =
      register_module("post_attention_layernorm", RMSNorm(c.hidden_size, c.rms_norm_eps));
  mlp = register_module("mlp", MLP(c.hidden_size, c.intermediate_size));
}

torch::Tensor DecoderLayerImpl::forward(const torch::Tensor& x, const AttentionInputs& in) {
  auto h = x + self_attn(input_layernorm(x), in);
  return h + mlp(post_attention_layernorm(h));
}

LlamaModelImpl::LlamaModelImpl(const ModelConfig& c) {
  embed_tokens = register_module("embed_tokens", torch::nn::Embedding(c.vocab_size, c.hidden_size));
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) layers->push_back(DecoderLayer(c));
  norm = register_module("norm", RMSNorm(c.hidden_size, c.rms_norm_eps));
}

LlamaForCausalLMImpl::LlamaForCausalLMImpl(ModelConfig c) : config(std::move(c)) {
  config.validate("model config");
  model = register_module("model", LlamaModel(config));
  if (!config.tie_word_embeddings)
    lm_head = register_module(
        "lm_head",
        torch::nn::Linear(torch::nn::LinearOptions(config.hidden_size, config.vocab_size).bias(false)));
}

torch::Tensor LlamaForCausalLMImpl::logit_scale_table(const torch::Tensor& positions) const {
  auto pos = positions.to(torch::kCPU).contiguous();
  const int64_t T = pos.size(0), L = config.num_hidden_layers;
  auto out = torch::empty({L, T}, torch::kFloat32);
  auto acc = out.accessor<float, 2>();
  const int64_t* p = pos.data_ptr<int64_t>();
  for (int64_t l = 0; l < L; ++l)
    for (int64_t t = 0; t < T; ++t) acc[l][t] = float(config.rope.logit_scale_at(l, p[t], is_training()));
  return out;
}

torch::Tensor LlamaForCausalLMImpl::hidden_states(const torch::Tensor& ids, torch::Tensor positions,
                                                  const ForwardOptions& opts) {
  TORCH_CHECK(ids.dim() == 2 && ids.scalar_type() == torch::kLong,
              "LlamaForCausalLM: ids must be (B, T) int64, got ", ids.sizes(), " ", ids.scalar_type());
  const int64_t T = ids.size(1);
  if (!positions.defined()) {
    int64_t start = opts.cache ? opts.cache->next_position() : 0;
    positions = torch::arange(start, start + T, torch::kLong);
  }
  positions = positions.to(torch::kCPU, torch::kLong).contiguous();
  TORCH_CHECK(positions.dim() == 1 && positions.size(0) == T, "LlamaForCausalLM: positions must be (T,) = (",
              T, "), got ", positions.sizes());
  if (opts.cache)
    TORCH_CHECK(int64_t(opts.cache->layers.size()) == config.num_hidden_layers,
                "LlamaForCausalLM: cache has ", opts.cache->layers.size(), " layers, model ",
                config.num_hidden_layers);

  // Length-dependent schedules (dynamic NTK, longrope) see the largest position so far; cached
  // keys keep the frequencies they were rotated with (HF semantics).
  int64_t seq_len = positions.max().item<int64_t>() + 1;
  if (opts.cache) seq_len = std::max(seq_len, opts.cache->next_position());
  auto dev = device();
  auto dt = dtype();
  // Shared: a checkpointed layer recomputes in backward, after this function has returned.
  auto rot = std::make_shared<RotaryTables>(make_rotary_tables(config.rope, positions, seq_len, dt, dev));
  auto scales = logit_scale_table(positions);  // (L, T) f32

  auto x = model->embed_tokens(ids.to(dev));  // (B, T, C)
  for (int64_t l = 0; l < config.num_hidden_layers; ++l) {
    AttentionInputs in;
    in.layer = l;
    in.rotary = rot.get();
    in.positions = positions;
    in.logit_scale = scales[l];
    in.kv = opts.cache ? &opts.cache->layers[size_t(l)] : nullptr;
    in.observers = opts.observers;
    auto layer = model->layers->ptr<DecoderLayerImpl>(size_t(l));
    if (opts.checkpoint_layers && torch::GradMode::is_enabled() && !opts.cache) {
      x = checkpointed([layer, in, rot](const torch::Tensor& h) { return layer->forward(h, in); }, x);
    } else {
      x = layer->forward(x, in);
    }
  }
  return model->norm(x);
}

torch::Tensor LlamaForCausalLMImpl::logits_from_hidden(const torch::Tensor& h) {
  auto logits = lm_head ? lm_head(h) : torch::nn::functional::linear(h, model->embed_tokens->weight);
  return logits.to(torch::kFloat32);
}

torch::Tensor LlamaForCausalLMImpl::forward(const torch::Tensor& ids, torch::Tensor positions,
                                            const ForwardOptions& opts) {
  return logits_from_hidden(hidden_states(ids, std::move(positions), opts));
}

torch::Tensor initial_parameter(const std::string& name, const std::vector<int64_t>& shape,
                                at::Generator& gen, double std) {
  if (is_norm_weight(name)) return torch::ones(shape, torch::kFloat32);
  return at::normal(0.0, std, shape, gen, torch::TensorOptions().dtype(torch::kFloat32));
}

void LlamaForCausalLMImpl::init_weights(uint64_t seed, double std) {
  torch::NoGradGuard ng;
  auto gen = at::detail::createCPUGenerator(seed);
  for (auto& p : named_parameters())
    p.value().copy_(initial_parameter(p.key(), p.value().sizes().vec(), gen, std));
}

ParamShapes llama_parameter_shapes(const ModelConfig& c) {
  const int64_t C = c.hidden_size, I = c.intermediate_size, V = c.vocab_size, D = c.head_dim();
  const int64_t q = c.num_attention_heads * D, kv = c.num_key_value_heads * D;
  ParamShapes s{{"model.embed_tokens.weight", {V, C}}};
  for (int64_t l = 0; l < c.num_hidden_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    s.push_back({p + "input_layernorm.weight", {C}});
    s.push_back({p + "self_attn.q_proj.weight", {q, C}});
    s.push_back({p + "self_attn.k_proj.weight", {kv, C}});
    s.push_back({p + "self_attn.v_proj.weight", {kv, C}});
    s.push_back({p + "self_attn.o_proj.weight", {C, q}});
    s.push_back({p + "post_attention_layernorm.weight", {C}});
    s.push_back({p + "mlp.gate_proj.weight", {I, C}});
    s.push_back({p + "mlp.up_proj.weight", {I, C}});
    s.push_back({p + "mlp.down_proj.weight", {C, I}});
  }
  s.push_back({"model.norm.weight", {C}});
  if (!c.tie_word_embeddings) s.push_back({"lm_head.weight", {V, C}});
  return s;
}

LlamaForCausalLM build_llama(const ModelConfig& c, const ParamMaker& make) {
  c.validate("model config");
  // A skeleton with hidden and intermediate size 1 (a few kB of throwaway init) carries the module
  // structure; every parameter's storage is then replaced (set_data) by the real tensor. Modules
  // read their sizes from the weights in forward, except the head counts and head_dim, which the
  // skeleton keeps.
  ModelConfig skel = c;
  skel.head_dim_override = c.head_dim();
  skel.hidden_size = 1;
  skel.intermediate_size = 1;
  LlamaForCausalLM m(skel);
  m->config = c;
  const ParamShapes shapes = llama_parameter_shapes(c);
  auto params = m->named_parameters();
  TORCH_CHECK(params.size() == shapes.size(), "build_llama: ", params.size(), " parameters, shapes for ",
              shapes.size());
  torch::NoGradGuard ng;
  for (size_t i = 0; i < shapes.size(); ++i) {
    const auto& [name, shape] = shapes[i];
    TORCH_CHECK(params[i].key() == name, "build_llama: parameter ", i, " is ", params[i].key(), ", expected ",
                name);
    torch::Tensor t = make(name, shape);
    TORCH_CHECK(t.sizes() == c10::IntArrayRef(shape), "build_llama: '", name, "' made with shape ",
                t.sizes());
    params[i].value().set_data(t);
  }
  return m;
}

int64_t LlamaForCausalLMImpl::num_parameters() const {
  int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

torch::Dtype LlamaForCausalLMImpl::dtype() const { return model->embed_tokens->weight.scalar_type(); }

torch::Device LlamaForCausalLMImpl::device() const { return model->embed_tokens->weight.device(); }

}  // namespace ropelab
