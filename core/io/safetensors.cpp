#include "core/io/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "core/util/enum_names.h"
#include "core/util/error.h"
#include "core/util/files.h"

namespace ropelab {

namespace {
constexpr uint64_t kMaxHeader = uint64_t(100) << 20;  // safetensors' own limit: 100 MB

// The format's dtype names (safetensors' Dtype enum) for the torch types we read and write.
constexpr EnumName<torch::ScalarType> kSafetensorsDtypes[] = {
    {torch::kFloat32, "F32"}, {torch::kBFloat16, "BF16"}, {torch::kFloat16, "F16"}, {torch::kFloat64, "F64"},
    {torch::kInt64, "I64"},   {torch::kInt32, "I32"},     {torch::kInt16, "I16"},   {torch::kInt8, "I8"},
    {torch::kUInt8, "U8"},    {torch::kBool, "BOOL"}};
}  // namespace

torch::ScalarType safetensors_dtype(const std::string& name, const std::string& where) {
  return parse_name(kSafetensorsDtypes, name, where, "dtype");
}

std::string safetensors_dtype_name(torch::ScalarType t) {
  if (const char* name = find_name(kSafetensorsDtypes, t)) return name;
  throw std::runtime_error(std::string("safetensors: unsupported dtype ") + c10::toString(t));
}

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  check_input(fd >= 0, path, ": cannot open safetensors file (does it exist?)");
  struct stat st {};
  ::fstat(fd, &st);
  size_ = size_t(st.st_size);
  if (size_ < 8) {
    ::close(fd);
    fail_input(path, ": not a safetensors file (", size_, " bytes, shorter than the 8-byte header length)");
  }
  map_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    fail_input(path, ": cannot memory-map file");
  }
  // A constructor that throws runs no destructor: a refused file must unmap here, or every
  // refusal leaks a mapping (found by fuzz/targets/weights.cpp: after ~10^5 refused inputs the
  // process ran out of mappings).
  try {
    validate_header();
  } catch (...) {
    ::munmap(map_, size_);
    map_ = nullptr;
    throw;
  }
}

void SafetensorsFile::validate_header() {
  const std::string& path = path_;
  const auto* bytes = static_cast<const uint8_t*>(map_);
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[i];
  check_input(n <= kMaxHeader, path, ": header length ", n, " is implausible (limit ", kMaxHeader, ")");
  check_input(8 + n <= size_, path, ": header length ", n, " exceeds the file size ", size_);
  data_start_ = size_t(8 + n);
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(reinterpret_cast<const char*>(bytes + 8),
                                   reinterpret_cast<const char*>(bytes + 8 + n));
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range.406 ("1e999")
    fail_input(path, ": header is not valid JSON (", e.what(), ")");
  }
  check_input(header.is_object(), path, ": header must be a JSON object");
  const uint64_t data_size = size_ - data_start_;
  std::vector<std::pair<uint64_t, std::string>> spans;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      metadata_ = it.value();
      continue;
    }
    const std::string where = path + ": tensor '" + it.key() + "'";
    const auto& v = it.value();
    check_input(v.is_object() && v.contains("dtype") && v.contains("shape") && v.contains("data_offsets"),
                where, ": entry needs dtype, shape and data_offsets");
    SafetensorsEntry e;
    check_input(v["dtype"].is_string(), where, ": dtype must be a string");
    e.dtype = v["dtype"].get<std::string>();
    auto st_type = safetensors_dtype(e.dtype, where);
    check_input(v["shape"].is_array(), where, ": shape must be a list");
    uint64_t numel = 1;
    for (const auto& d : v["shape"]) {
      check_input(d.is_number_integer() && d.get<int64_t>() >= 0, where,
                  ": shape must hold non-negative integers");
      e.shape.push_back(d.get<int64_t>());
      // An overflowing product could wrap to a size the offsets match ([2^32, 2^32] -> 0).
      check_input(!__builtin_mul_overflow(numel, uint64_t(d.get<int64_t>()), &numel), where, ": shape ",
                  v["shape"].dump(), " has more elements than 2^64");
    }
    const auto& off = v["data_offsets"];
    check_input(
        off.is_array() && off.size() == 2 && off[0].is_number_unsigned() && off[1].is_number_unsigned(),
        where, ": data_offsets must be [begin, end]");
    e.begin = off[0].get<uint64_t>();
    e.end = off[1].get<uint64_t>();
    check_input(e.begin <= e.end, where, ": data_offsets begin ", e.begin, " > end ", e.end);
    check_input(e.end <= data_size, where, ": data_offsets end ", e.end, " exceeds the data section (",
                data_size, " bytes; file truncated?)");
    uint64_t expect = 0;
    check_input(!__builtin_mul_overflow(numel, uint64_t(c10::elementSize(st_type)), &expect), where,
                ": shape ", v["shape"].dump(), " needs more than 2^64 bytes");
    check_input(e.end - e.begin == expect, where, ": holds ", e.end - e.begin, " bytes but ", e.dtype,
                " × shape needs ", expect);
    spans.emplace_back(e.begin, it.key());
    entries_[it.key()] = e;
  }
  std::sort(spans.begin(), spans.end());
  for (size_t i = 1; i < spans.size(); ++i) {
    const auto& prev = entries_[spans[i - 1].second];
    const auto& cur = entries_[spans[i].second];
    check_input(cur.begin >= prev.end || prev.begin == prev.end || cur.begin == cur.end, path, ": tensors '",
                spans[i - 1].second, "' and '", spans[i].second, "' overlap");
  }
}

SafetensorsFile::~SafetensorsFile() {
  if (map_) ::munmap(map_, size_);
}

torch::Tensor SafetensorsFile::view(const std::string& name) const {
  auto it = entries_.find(name);
  check_input(it != entries_.end(), path_, ": missing tensor '", name, "'");
  const auto& e = it->second;
  auto type = safetensors_dtype(e.dtype, path_);
  void* ptr = static_cast<uint8_t*>(map_) + data_start_ + e.begin;
  return torch::from_blob(ptr, e.shape, torch::TensorOptions().dtype(type));
}

void SafetensorsFile::release(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) return;
  // Whole pages inside the tensor's bytes only: a neighbour sharing an edge page stays mapped.
  const uintptr_t page = uintptr_t(::sysconf(_SC_PAGESIZE));
  const uintptr_t base = reinterpret_cast<uintptr_t>(map_) + data_start_;
  const uintptr_t lo = (base + it->second.begin + page - 1) / page * page;
  const uintptr_t hi = (base + it->second.end) / page * page;
  if (hi > lo) ::madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_DONTNEED);
}

void write_safetensors_streamed(const std::string& path, const std::vector<TensorSpec>& specs,
                                const std::function<torch::Tensor(size_t)>& produce,
                                const nlohmann::json& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.is_null()) header["__metadata__"] = metadata;
  std::vector<uint64_t> sizes;
  uint64_t offset = 0;
  for (const auto& s : specs) {
    uint64_t numel = 1;
    for (auto d : s.shape) numel *= uint64_t(d);
    const uint64_t bytes = numel * uint64_t(c10::elementSize(s.dtype));
    header[s.name] = {{"dtype", safetensors_dtype_name(s.dtype)},
                      {"shape", s.shape},
                      {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    sizes.push_back(bytes);
  }
  std::string h = header.dump();
  while (h.size() % 8 != 0) h.push_back(' ');
  SyncedFile out(path);  // errors name the file and errno's cause; a failed write leaves no file
  uint64_t n = h.size();
  char len[8];
  for (int i = 0; i < 8; ++i) len[i] = char((n >> (8 * i)) & 0xff);
  out.write(len, 8);
  out.write(h.data(), h.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    auto c = produce(i).detach().to(torch::kCPU, specs[i].dtype).contiguous();
    TORCH_CHECK(c.sizes() == c10::IntArrayRef(specs[i].shape), path, ": tensor '", specs[i].name,
                "' produced with shape ", c.sizes(), ", declared ", c10::IntArrayRef(specs[i].shape));
    out.write(c.data_ptr(), size_t(sizes[i]));
  }
  out.close();
}

void write_safetensors(const std::string& path,
                       const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                       const nlohmann::json& metadata) {
  std::vector<TensorSpec> specs;
  for (const auto& [name, t] : tensors) specs.push_back({name, t.scalar_type(), t.sizes().vec()});
  write_safetensors_streamed(
      path, specs, [&](size_t i) { return tensors[i].second; }, metadata);
}

}  // namespace ropelab
