#include "experiments/parse_options.h"

#include <torch/torch.h>

#include <cctype>

#include "core/util/dtype.h"
#include "core/util/error.h"
#include "core/util/numbers.h"

namespace ropelab {

torch::Device parse_device(const std::string& s) {
  if (s == "cpu") return torch::kCPU;
  if (s == "cuda" || s.rfind("cuda:", 0) == 0) {
    check_input(torch::cuda::is_available(), "--device ", s,
                ": CUDA is not available in this build or on this machine (use --device cpu)");
    int64_t idx = 0;
    if (s.size() > 5) {
      const auto n = parse_int64(std::string_view(s).substr(5));
      check_input(n.has_value(), "--device ", s, ": expected cpu, cuda or cuda:N");
      idx = *n;
      check_input(idx >= 0 && idx < int64_t(torch::cuda::device_count()), "--device ", s, ": only ",
                  torch::cuda::device_count(), " CUDA devices");
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

int64_t parse_byte_size(const std::string& s, const std::string& option) {
  // NUMBER[UNIT]: the unit is the trailing letters ("2.5GB", "1e9", "512MiB").
  size_t split = s.size();
  while (split > 0 && std::isalpha(static_cast<unsigned char>(s[split - 1]))) --split;
  const std::string unit = s.substr(split);
  const auto v = parse_double(std::string_view(s).substr(0, split));
  check_input(v.has_value(), option, ": cannot parse size '", s, "' (examples: 2GB, 500MB, 1048576)");
  double mult = 1;
  if (unit == "" || unit == "B")
    mult = 1;
  else if (unit == "KB" || unit == "K")
    mult = 1e3;
  else if (unit == "MB" || unit == "M")
    mult = 1e6;
  else if (unit == "GB" || unit == "G")
    mult = 1e9;
  else if (unit == "KiB")
    mult = 1024;
  else if (unit == "MiB")
    mult = 1024.0 * 1024;
  else if (unit == "GiB")
    mult = 1024.0 * 1024 * 1024;
  else
    fail_input(option, ": unknown unit '", unit, "' (B, KB, MB, GB, KiB, MiB, GiB)");
  check_input(*v >= 0, option, ": size must be >= 0");
  const double bytes = *v * mult;
  // 2^62: far beyond any memory, and exactly representable, so the conversion below is defined.
  check_input(bytes <= 4611686018427387904.0, option, ": size '", s, "' is out of range (at most 4 EiB)");
  return int64_t(bytes);
}

}  // namespace ropelab
