#include "core/model/checkpoint.h"

#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "core/io/safetensors.h"
#include "core/io/tensor_source.h"
#include "core/util/dtype.h"
#include "core/util/error.h"
#include "core/util/files.h"

namespace ropelab {

namespace {

// Tensors some HF checkpoints carry that the model recomputes: ignored on load.
bool ignorable(const std::string& name, bool tied) {
  return name.find("rotary_emb.inv_freq") != std::string::npos || (tied && name == "lm_head.weight");
}

}  // namespace

ModelConfig read_checkpoint_config(const std::string& dir) {
  const fs::path p = fs::path(dir) / "config.json";
  check_input(fs::is_directory(dir), dir, ": model directory does not exist");
  check_input(fs::exists(p), p.string(), ": missing (a model directory needs config.json)");
  return load_model_config(p.string());
}

LlamaForCausalLM load_model(const std::string& dir, const LoadOptions& opts) {
  ModelConfig cfg = read_checkpoint_config(dir);
  if (opts.rope) cfg.rope = *opts.rope;
  const auto dtype =
      opts.dtype.value_or(opts.device.is_cpu() ? torch::kFloat32 : dtype_from_torch_name(cfg.torch_dtype));
  auto src = open_tensor_source(dir);
  std::set<std::string> expected;
  for (const auto& [name, shape] : llama_parameter_shapes(cfg)) expected.insert(name);
  for (const auto& name : src->names())
    check_input(expected.count(name) || ignorable(name, cfg.tie_word_embeddings), src->where(name),
                ": unexpected tensor '", name, "' (not part of a LLaMA model with this config)");
  // Each parameter is allocated once, in its final dtype and device, and filled from the source;
  // the source's bytes for it are released right after the copy.
  auto model = build_llama(cfg, [&](const std::string& name, const std::vector<int64_t>& shape) {
    check_input(src->contains(name), dir, ": missing tensor '", name, "'");
    auto t = src->read(name);
    check_input(t.sizes() == c10::IntArrayRef(shape), src->where(name), ": tensor '", name, "' has shape ",
                t.sizes(), " but config.json implies ", c10::IntArrayRef(shape));
    check_input(t.is_floating_point(), src->where(name), ": tensor '", name, "' has non-floating dtype ",
                t.scalar_type());
    auto p = torch::empty(shape, torch::TensorOptions().dtype(dtype).device(opts.device));
    p.copy_(t);  // converts dtype and device
    src->release(name);
    return p;
  });
  model->eval();
  return model;
}

void save_model_streamed(ModelConfig cfg, const ParamMaker& make, const std::string& dir,
                         const SaveOptions& opts) {
  const torch::ScalarType stored = opts.dtype.value_or(dtype_from_torch_name(cfg.torch_dtype));
  cfg.torch_dtype = dtype_torch_name(stored);
  AtomicDir out(dir, opts.overwrite);

  const ParamShapes params = llama_parameter_shapes(cfg);
  auto bytes_of = [&](const std::vector<int64_t>& shape) {
    int64_t n = int64_t(c10::elementSize(stored));
    for (auto d : shape) n *= d;
    return n;
  };
  int64_t total = 0;
  std::vector<std::vector<TensorSpec>> shards(1);
  int64_t cur = 0;
  for (const auto& [name, shape] : params) {
    const int64_t bytes = bytes_of(shape);
    if (opts.shard_size_bytes > 0 && cur > 0 && cur + bytes > opts.shard_size_bytes) {
      shards.emplace_back();
      cur = 0;
    }
    shards.back().push_back({name, stored, shape});
    cur += bytes;
    total += bytes;
  }
  auto write = [&](const fs::path& path, const std::vector<TensorSpec>& specs) {
    write_safetensors_streamed(path.string(), specs,
                               [&](size_t i) { return make(specs[i].name, specs[i].shape); });
  };
  if (shards.size() == 1) {
    write(out.path() / "model.safetensors", shards[0]);
  } else {
    nlohmann::json weight_map = nlohmann::json::object();
    const size_t n = shards.size();
    for (size_t i = 0; i < n; ++i) {
      char name[64];
      std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", i + 1, n);
      write(out.path() / name, shards[i]);
      for (const auto& spec : shards[i]) weight_map[spec.name] = name;
    }
    nlohmann::json index = {{"metadata", {{"total_size", total}}}, {"weight_map", weight_map}};
    write_text_file_atomic(out.path() / "model.safetensors.index.json", index.dump(2) + "\n");
  }
  write_text_file_atomic(out.path() / "config.json", cfg.to_json().dump(2) + "\n");
  if (!opts.copy_tokenizer_from.empty()) {
    fs::path tok = fs::path(opts.copy_tokenizer_from) / "tokenizer.model";
    if (fs::exists(tok)) fs::copy_file(tok, out.path() / "tokenizer.model");
  }
  out.commit();
}

void save_model(LlamaForCausalLM& model, const std::string& dir, const SaveOptions& opts) {
  std::map<std::string, torch::Tensor> params;
  for (auto& p : model->named_parameters()) params[p.key()] = p.value();
  save_model_streamed(
      model->config, [&](const std::string& name, const std::vector<int64_t>&) { return params.at(name); },
      dir, opts);
}

}  // namespace ropelab
