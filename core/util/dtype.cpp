#include "core/util/dtype.h"

#include "core/util/error.h"

namespace ropelab {

c10::ScalarType dtype_from_cli(const std::string& s) {
  if (s == "fp32" || s == "float32") return c10::kFloat;
  if (s == "bf16" || s == "bfloat16") return c10::kBFloat16;
  if (s == "fp16" || s == "float16") return c10::kHalf;
  fail_input("`dtype`: unknown dtype '", s, "'; valid: fp32, bf16, fp16");
}

c10::ScalarType dtype_from_torch_name(const std::string& s) {
  if (s == "float32") return c10::kFloat;
  if (s == "bfloat16") return c10::kBFloat16;
  if (s == "float16") return c10::kHalf;
  fail_input("torch_dtype '", s, "' is not one of float32, bfloat16, float16");
}

std::string dtype_torch_name(c10::ScalarType t) {
  switch (t) {
    case c10::kFloat:
      return "float32";
    case c10::kBFloat16:
      return "bfloat16";
    case c10::kHalf:
      return "float16";
    default:
      return c10::toString(t);
  }
}

std::string dtype_cli_name(c10::ScalarType t) {
  switch (t) {
    case c10::kFloat:
      return "fp32";
    case c10::kBFloat16:
      return "bf16";
    case c10::kHalf:
      return "fp16";
    default:
      return c10::toString(t);
  }
}

}  // namespace ropelab
