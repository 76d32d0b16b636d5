// Model directories in Hugging Face layout: config.json + model.safetensors, or sharded
// model-0000k-of-0000n.safetensors + model.safetensors.index.json, plus an optional
// tokenizer.model. Loading is by HF tensor name with shape checks; saving is atomic.
//
// Memory: loading allocates each parameter once, in its final dtype and device, and copies it
// from the memory-mapped file, releasing the mapped pages after each tensor (build_llama): the peak
// is the model plus one tensor, with no random fp32 model first. Saving streams tensor by tensor.
#pragma once
#include <torch/types.h>

#include <memory>
#include <optional>
#include <string>

#include "core/model/llama.h"

namespace ropelab {

struct LoadOptions {
  std::optional<torch::ScalarType> dtype;  // compute dtype; default: fp32 on CPU, checkpoint's on GPU
  torch::Device device = torch::kCPU;
  std::optional<RopeSpec> rope;  // override the checkpoint's rope settings
};

struct SaveOptions {
  std::optional<torch::ScalarType> dtype;  // stored dtype; default: the config's torch_dtype
  int64_t shard_size_bytes = 0;            // 0 = single file
  bool overwrite = false;
  std::string copy_tokenizer_from;  // directory whose tokenizer.model to copy
};

ModelConfig read_checkpoint_config(const std::string& dir);
LlamaForCausalLM load_model(const std::string& dir, const LoadOptions& opts = {});
void save_model(LlamaForCausalLM& model, const std::string& dir, const SaveOptions& opts = {});
// Writes a model directory for `cfg` whose parameter `name` is make(name, shape) (any device and
// floating dtype; stored as opts.dtype), asked for one at a time: `ropelab init` writes a 7B model
// with one tensor in memory. save_model goes through it.
void save_model_streamed(ModelConfig cfg, const ParamMaker& make, const std::string& dir,
                         const SaveOptions& opts = {});

}  // namespace ropelab
