#include "core/io/checkpoint.h"

#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <set>

#include "core/io/pytorch_bin.h"
#include "core/io/safetensors.h"
#include "core/util/dtype.h"
#include "core/util/error.h"
#include "core/util/files.h"

namespace ropelab {

namespace {

// Tensors some HF checkpoints carry that the model recomputes: ignored on load.
bool ignorable(const std::string& name, bool tied) {
  return name.find("rotary_emb.inv_freq") != std::string::npos || (tied && name == "lm_head.weight");
}

struct ShardSet {
  std::vector<std::unique_ptr<SafetensorsFile>> files;  // keeps the mapped views alive
  CheckpointTensors where;
};

ShardSet open_shards(const fs::path& dir) {
  ShardSet s;
  const fs::path single = dir / "model.safetensors";
  const fs::path index = dir / "model.safetensors.index.json";
  if (fs::exists(index)) {
    auto j = read_json_file(index);
    check_input(j.contains("weight_map") && j["weight_map"].is_object(), index.string(),
                ": missing object 'weight_map'");
    std::map<std::string, SafetensorsFile*> by_file;
    for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
      check_input(it.value().is_string(), index.string(), ": weight_map['", it.key(), "'] must be a file name");
      const std::string file = it.value().get<std::string>();
      check_input(file.find('/') == std::string::npos, index.string(), ": weight_map['", it.key(),
                  "'] names a path outside the directory: ", file);
      if (!by_file.count(file)) {
        s.files.push_back(std::make_unique<SafetensorsFile>((dir / file).string()));
        by_file[file] = s.files.back().get();
      }
      auto* f = by_file[file];
      check_input(f->contains(it.key()), f->path(), ": missing tensor '", it.key(), "' (listed in ",
                  index.string(), ")");
      s.where[it.key()] = {f->path(), f->view(it.key())};
    }
  } else if (auto bin = fs::exists(single) ? std::nullopt : read_pytorch_bin_dir(dir.string())) {
    s.where = std::move(*bin);  // pytorch_model.bin (core/io/pytorch_bin.h)
  } else {
    check_input(fs::exists(single), dir.string(),
                ": no model.safetensors, model.safetensors.index.json, pytorch_model.bin or its index");
    s.files.push_back(std::make_unique<SafetensorsFile>(single.string()));
    for (const auto& [name, e] : s.files.back()->entries()) s.where[name] = {single.string(), s.files.back()->view(name)};
  }
  return s;
}

}  // namespace

torch::Device parse_device(const std::string& s) {
  if (s == "cpu") return torch::kCPU;
  if (s == "cuda" || s.rfind("cuda:", 0) == 0) {
    check_input(torch::cuda::is_available(), "--device ", s,
                ": CUDA is not available in this build or on this machine (use --device cpu)");
    int idx = 0;
    if (s.size() > 5) {
      try {
        idx = std::stoi(s.substr(5));
      } catch (...) {
        fail_input("--device ", s, ": expected cpu, cuda or cuda:N");
      }
      check_input(idx >= 0 && idx < int(torch::cuda::device_count()), "--device ", s,
                  ": only ", torch::cuda::device_count(), " CUDA devices");
    }
    return torch::Device(torch::kCUDA, c10::DeviceIndex(idx));
  }
  fail_input("--device: unknown device '", s, "'; valid: cpu, cuda, cuda:N");
}

torch::ScalarType resolve_compute_dtype(const std::string& cli, torch::Device device,
                                        const std::string& checkpoint_torch_dtype) {
  if (cli != "auto") return dtype_from_cli(cli);
  // bf16 matrix products are ~20× slower than fp32 on CPUs without bf16 units.
  if (device.is_cpu()) return torch::kFloat32;
  return dtype_from_torch_name(checkpoint_torch_dtype);
}

ModelConfig read_checkpoint_config(const std::string& dir) {
  const fs::path p = fs::path(dir) / "config.json";
  check_input(fs::is_directory(dir), dir, ": model directory does not exist");
  check_input(fs::exists(p), p.string(), ": missing (a model directory needs config.json)");
  return load_model_config(p.string());
}

LlamaForCausalLM load_model(const std::string& dir, const LoadOptions& opts) {
  ModelConfig cfg = read_checkpoint_config(dir);
  if (opts.rope) cfg.rope = *opts.rope;
  const auto dtype = opts.dtype.value_or(
      opts.device.is_cpu() ? torch::kFloat32 : dtype_from_torch_name(cfg.torch_dtype));
  ShardSet shards = open_shards(dir);
  LlamaForCausalLM model(cfg);
  model->to(dtype);
  model->to(opts.device);
  torch::NoGradGuard ng;
  std::set<std::string> used;
  for (auto& p : model->named_parameters()) {
    auto it = shards.where.find(p.key());
    check_input(it != shards.where.end(), dir, ": missing tensor '", p.key(), "'");
    const auto& src = it->second.tensor;
    check_input(src.sizes() == p.value().sizes(), it->second.file, ": tensor '", p.key(), "' has shape ",
                src.sizes(), " but config.json implies ", p.value().sizes());
    check_input(src.is_floating_point(), it->second.file, ": tensor '", p.key(),
                "' has non-floating dtype ", src.scalar_type());
    p.value().copy_(src);  // converts dtype and device
    used.insert(p.key());
  }
  std::vector<std::string> ignored;
  for (const auto& [name, f] : shards.where) {
    if (used.count(name)) continue;
    check_input(ignorable(name, cfg.tie_word_embeddings), f.file, ": unexpected tensor '", name,
                "' (not part of a LLaMA model with this config)");
  }
  model->eval();
  return model;
}

int64_t parse_byte_size(const std::string& s, const std::string& option) {
  size_t pos = 0;
  double v = 0;
  try {
    v = std::stod(s, &pos);
  } catch (...) {
    fail_input(option, ": cannot parse size '", s, "' (examples: 2GB, 500MB, 1048576)");
  }
  std::string unit = s.substr(pos);
  double mult = 1;
  if (unit == "" || unit == "B") mult = 1;
  else if (unit == "KB" || unit == "K") mult = 1e3;
  else if (unit == "MB" || unit == "M") mult = 1e6;
  else if (unit == "GB" || unit == "G") mult = 1e9;
  else if (unit == "KiB") mult = 1024;
  else if (unit == "MiB") mult = 1024.0 * 1024;
  else if (unit == "GiB") mult = 1024.0 * 1024 * 1024;
  else fail_input(option, ": unknown unit '", unit, "' (B, KB, MB, GB, KiB, MiB, GiB)");
  check_input(v >= 0, option, ": size must be >= 0");
  return int64_t(v * mult);
}

void save_model(LlamaForCausalLM& model, const std::string& dir, const SaveOptions& opts) {
  ModelConfig cfg = model->config;
  torch::ScalarType stored = opts.dtype.value_or(dtype_from_torch_name(cfg.torch_dtype));
  cfg.torch_dtype = dtype_torch_name(stored);
  AtomicDir out(dir, opts.overwrite);

  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (auto& p : model->named_parameters()) tensors.emplace_back(p.key(), p.value().detach().to(torch::kCPU, stored));

  int64_t total = 0;
  for (auto& [n, t] : tensors) total += t.numel() * t.element_size();
  std::vector<std::vector<std::pair<std::string, torch::Tensor>>> shards(1);
  int64_t cur = 0;
  for (auto& nt : tensors) {
    int64_t bytes = nt.second.numel() * nt.second.element_size();
    if (opts.shard_size_bytes > 0 && cur > 0 && cur + bytes > opts.shard_size_bytes) {
      shards.emplace_back();
      cur = 0;
    }
    shards.back().push_back(nt);
    cur += bytes;
  }
  if (shards.size() == 1) {
    write_safetensors((out.path() / "model.safetensors").string(), shards[0]);
  } else {
    nlohmann::json weight_map = nlohmann::json::object();
    const size_t n = shards.size();
    for (size_t i = 0; i < n; ++i) {
      char name[64];
      std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", i + 1, n);
      write_safetensors((out.path() / name).string(), shards[i]);
      for (auto& [tn, t] : shards[i]) weight_map[tn] = name;
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

}  // namespace ropelab
