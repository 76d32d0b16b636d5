// safetensors reading (memory-mapped) and writing.
//
// Format: u64 little-endian header length N, N bytes of JSON {name: {dtype, shape,
// data_offsets: [begin, end]}, "__metadata__": {...}}, then the data. Every structural property
// is checked on open — header inside the file, offsets inside the data, no overlaps, size equal
// to dtype × shape — and a violation is an InputError naming the file and the tensor.
#pragma once
#include <torch/types.h>

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace ropelab {

struct SafetensorsEntry {
  std::string dtype;  // "F32", "BF16", ...
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // relative to the data section
};

class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::string& path);  // maps and validates
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  const std::map<std::string, SafetensorsEntry>& entries() const { return entries_; }
  const nlohmann::json& metadata() const { return metadata_; }
  bool contains(const std::string& name) const { return entries_.count(name) > 0; }
  // A CPU tensor viewing the mapped bytes (valid while this object lives; clone to keep).
  torch::Tensor view(const std::string& name) const;
  // Drops the resident pages of `name` from this process (they stay in the page cache and fault
  // back in on the next view): a loader that copies tensor by tensor then holds one at a time.
  void release(const std::string& name) const;

 private:
  void validate_header();  // parses and checks the mapped header; InputError naming the tensor

  std::string path_;
  void* map_ = nullptr;
  size_t size_ = 0;
  size_t data_start_ = 0;
  std::map<std::string, SafetensorsEntry> entries_;
  nlohmann::json metadata_;
};

// One tensor of a file written by write_safetensors_streamed.
struct TensorSpec {
  std::string name;
  torch::ScalarType dtype;
  std::vector<int64_t> shape;
};

// Writes specs.size() tensors to `path`, asking produce(i) for tensor i (any device; converted to
// specs[i].dtype, shape checked) only when its bytes are due: a file of any size with one tensor
// in memory at a time.
void write_safetensors_streamed(const std::string& path, const std::vector<TensorSpec>& specs,
                                const std::function<torch::Tensor(size_t)>& produce,
                                const nlohmann::json& metadata = {{"format", "pt"}});

// Writes tensors (any device/dtype; saved as they are, made contiguous on CPU) to `path`.
void write_safetensors(const std::string& path,
                       const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                       const nlohmann::json& metadata = {{"format", "pt"}});

torch::ScalarType safetensors_dtype(const std::string& name, const std::string& where);
std::string safetensors_dtype_name(torch::ScalarType t);

}  // namespace ropelab
