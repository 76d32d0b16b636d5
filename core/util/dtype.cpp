#include "core/util/dtype.h"

#include "core/util/enum_names.h"

namespace ropelab {

namespace {
constexpr EnumName<c10::ScalarType> kCliDtypeNames[] = {
    {c10::kFloat, "fp32"}, {c10::kBFloat16, "bf16"}, {c10::kHalf, "fp16"}};
constexpr EnumName<c10::ScalarType> kTorchDtypeNames[] = {
    {c10::kFloat, "float32"}, {c10::kBFloat16, "bfloat16"}, {c10::kHalf, "float16"}};
}  // namespace

c10::ScalarType dtype_from_cli(const std::string& s) {
  if (const auto* t = find_value(kTorchDtypeNames, s)) return *t;  // config.json's names work too
  return parse_name(kCliDtypeNames, s, "`dtype`", "dtype");
}

c10::ScalarType dtype_from_torch_name(const std::string& s) {
  return parse_name(kTorchDtypeNames, s, "`torch_dtype`", "dtype");
}

std::string dtype_torch_name(c10::ScalarType t) {
  const char* name = find_name(kTorchDtypeNames, t);
  return name ? name : c10::toString(t);
}

std::string dtype_cli_name(c10::ScalarType t) {
  const char* name = find_name(kCliDtypeNames, t);
  return name ? name : c10::toString(t);
}

}  // namespace ropelab
