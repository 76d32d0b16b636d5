// Named tensors of a model checkpoint, read one at a time. The loader asks for each parameter by
// Hugging Face name, converts it into its final dtype and device and then releases it, so a load
// holds the model plus one tensor — never a second full copy. One implementation per on-disk
// format; open_tensor_source (below) picks it from the directory's files.
#pragma once
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

namespace ropelab {

class TensorSource {
 public:
  virtual ~TensorSource() = default;
  virtual std::vector<std::string> names() const = 0;
  virtual bool contains(const std::string& name) const = 0;
  // The file holding `name`, for error messages.
  virtual std::string where(const std::string& name) const = 0;
  // A CPU tensor with the stored dtype and shape; may view mapped memory, valid until
  // release(name) or the source's destruction.
  virtual torch::Tensor read(const std::string& name) = 0;
  // The caller has copied `name`: the source may drop its bytes.
  virtual void release(const std::string& /*name*/) {}
};

// model.safetensors, or model.safetensors.index.json with its shards, in `dir` (memory-mapped;
// every file is validated on open, every listed tensor must exist). nullptr when `dir` has neither.
std::unique_ptr<TensorSource> open_safetensors_source(const std::string& dir);

// The checkpoint tensors of a model directory, by format: safetensors (single file or index) or
// pytorch_model.bin (single or sharded). InputError when `dir` has none of them.
std::unique_ptr<TensorSource> open_tensor_source(const std::string& dir);

}  // namespace ropelab
