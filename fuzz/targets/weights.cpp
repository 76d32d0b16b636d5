// Weight files: a model.safetensors (header JSON, offsets, dtypes, shapes), a
// model.safetensors.index.json pointing at shards, and a pytorch_model.bin (torch.save zip +
// pickle, opcode-checked before LibTorch's unpickler sees it). Every tensor that opens is read in
// full, so an offset past the mapped bytes shows up under ASan.
#include <torch/torch.h>

#include <filesystem>

#include "core/io/pytorch_bin.h"
#include "core/io/safetensors.h"
#include "core/io/tensor_source.h"
#include "fuzz/fuzz_setup.h"
#include "fuzz/fuzz_target.h"

using namespace ropelab;
using namespace ropelab::fuzz;

namespace {

void touch(const torch::Tensor& t) {
  // Reads every byte of the tensor (a read past the mapped file faults).
  const auto c = t.contiguous();
  const auto* p = static_cast<const unsigned char*>(c.data_ptr());
  unsigned sum = 0;
  for (size_t i = 0; i < c.nbytes(); ++i) sum += p[i];
  volatile unsigned sink = sum;
  (void)sink;
}

}  // namespace

ROPELAB_FUZZ_TARGET(weights) {
  const auto c = choose(input, 3);
  switch (c.which) {
    case 0: {
      SafetensorsFile f(write_scratch("model.safetensors", c.payload));
      for (const auto& [name, e] : f.entries()) touch(f.view(name));
      break;
    }
    case 1: {
      // The index may name "model-00001-of-00001.safetensors": a valid shard holding "w".
      const auto dir =
          std::filesystem::path(write_scratch("m/model.safetensors.index.json", c.payload)).parent_path();
      std::filesystem::copy_file(fixed_shard_path(), dir / "model-00001-of-00001.safetensors");
      auto src = open_safetensors_source(dir.string());
      if (!src) break;
      for (const auto& name : src->names()) {
        touch(src->read(name));
        src->release(name);
      }
      break;
    }
    default: {
      for (const auto& [name, t] : read_pytorch_bin(write_scratch("pytorch_model.bin", c.payload))) touch(t);
      break;
    }
  }
}
