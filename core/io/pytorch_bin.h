// PyTorch checkpoints as Hugging Face writes them without safetensors: pytorch_model.bin, or
// sharded pytorch_model-0000k-of-0000n.bin + pytorch_model.bin.index.json. Each file is
// torch.save's zip format (an archive of data.pkl + data/<storage key>), read with LibTorch's own
// zip reader and unpickler: no Python at run time.
//
// A pickle can run arbitrary code, so before anything is unpickled every opcode is checked: the
// only globals allowed are the ones a tensor needs (torch._utils._rebuild_tensor_v2, the
// torch.<Type>Storage classes) and collections.OrderedDict; containers are dicts, lists and
// tuples; anything else (a class, a function, an object's state) is refused with an InputError
// naming the file and the global. The legacy pre-1.6 (non-zip) format is refused too.
#pragma once
#include <torch/types.h>

#include <map>
#include <optional>
#include <string>

namespace ropelab {

// One tensor of a checkpoint and the file it came from (for error messages).
struct CheckpointTensor {
  std::string file;
  torch::Tensor tensor;  // CPU, the stored dtype
};
using CheckpointTensors = std::map<std::string, CheckpointTensor>;

// The tensors of one torch.save file holding a flat dict of name -> tensor.
std::map<std::string, torch::Tensor> read_pytorch_bin(const std::string& path);

// The tensors of a model directory's pytorch_model.bin or of the shards its
// pytorch_model.bin.index.json lists; nullopt when the directory has neither.
std::optional<CheckpointTensors> read_pytorch_bin_dir(const std::string& dir);

// The pickle with its OrderedDict constructions rewritten to plain dicts (and an object state,
// such as a state_dict's _metadata, dropped); throws InputError for anything else than tensors
// and containers. Exposed for tests.
std::string sanitize_checkpoint_pickle(const std::string& pickle, const std::string& where);

}  // namespace ropelab
