#include "core/io/tensor_source.h"

#include <filesystem>
#include <map>

#include "core/io/pytorch_bin.h"
#include "core/io/safetensors.h"
#include "core/util/error.h"
#include "core/util/files.h"

namespace ropelab {

namespace {

// pytorch_model.bin (single or sharded, core/io/pytorch_bin.h): the tensors are unpickled up front.
class PytorchBinSource final : public TensorSource {
 public:
  explicit PytorchBinSource(CheckpointTensors t) : t_(std::move(t)) {}
  std::vector<std::string> names() const override {
    std::vector<std::string> n;
    for (const auto& [name, e] : t_) n.push_back(name);
    return n;
  }
  bool contains(const std::string& name) const override { return t_.count(name) > 0; }
  std::string where(const std::string& name) const override { return t_.at(name).file; }
  torch::Tensor read(const std::string& name) override { return t_.at(name).tensor; }
  void release(const std::string& name) override { t_.at(name).tensor = torch::Tensor(); }

 private:
  CheckpointTensors t_;
};

class SafetensorsSource : public TensorSource {
 public:
  std::vector<std::unique_ptr<SafetensorsFile>> files;
  std::map<std::string, SafetensorsFile*> where_;

  std::vector<std::string> names() const override {
    std::vector<std::string> v;
    for (const auto& kv : where_) v.push_back(kv.first);
    return v;
  }
  bool contains(const std::string& name) const override { return where_.count(name) > 0; }
  std::string where(const std::string& name) const override {
    auto it = where_.find(name);
    return it == where_.end() ? std::string() : it->second->path();
  }
  torch::Tensor read(const std::string& name) override { return file(name).view(name); }
  void release(const std::string& name) override { file(name).release(name); }

 private:
  SafetensorsFile& file(const std::string& name) const {
    auto it = where_.find(name);
    check_input(it != where_.end(), "missing tensor '", name, "'");
    return *it->second;
  }
};

}  // namespace

std::unique_ptr<TensorSource> open_safetensors_source(const std::string& dir_s) {
  const fs::path dir = dir_s;
  const fs::path single = dir / "model.safetensors";
  const fs::path index = dir / "model.safetensors.index.json";
  auto s = std::make_unique<SafetensorsSource>();
  if (fs::exists(index)) {
    auto j = read_json_file(index);
    check_input(j.contains("weight_map") && j["weight_map"].is_object(), index.string(),
                ": missing object 'weight_map'");
    std::map<std::string, SafetensorsFile*> by_file;
    for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
      check_input(it.value().is_string(), index.string(), ": weight_map['", it.key(),
                  "'] must be a file name");
      const std::string file = it.value().get<std::string>();
      check_input(file.find('/') == std::string::npos, index.string(), ": weight_map['", it.key(),
                  "'] names a path outside the directory: ", file);
      if (!by_file.count(file)) {
        s->files.push_back(std::make_unique<SafetensorsFile>((dir / file).string()));
        by_file[file] = s->files.back().get();
      }
      auto* f = by_file[file];
      check_input(f->contains(it.key()), f->path(), ": missing tensor '", it.key(), "' (listed in ",
                  index.string(), ")");
      s->where_[it.key()] = f;
    }
    return s;
  }
  if (!fs::exists(single)) return nullptr;
  s->files.push_back(std::make_unique<SafetensorsFile>(single.string()));
  for (const auto& [name, e] : s->files.back()->entries()) s->where_[name] = s->files.back().get();
  return s;
}

std::unique_ptr<TensorSource> open_tensor_source(const std::string& dir) {
  if (auto s = open_safetensors_source(dir)) return s;
  if (auto bin = read_pytorch_bin_dir(dir)) return std::make_unique<PytorchBinSource>(std::move(*bin));
  fail_input(dir, ": no model.safetensors, model.safetensors.index.json, pytorch_model.bin or its index");
}

}  // namespace ropelab
