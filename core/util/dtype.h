// Names of floating-point dtypes across the toolkit's vocabularies: CLI (fp32|bf16|fp16),
// config.json torch_dtype (float32|bfloat16|float16) and safetensors (F32|BF16|F16).
#pragma once
#include <c10/core/ScalarType.h>

#include <string>

namespace ropelab {

c10::ScalarType dtype_from_cli(const std::string& s);         // throws InputError listing names
c10::ScalarType dtype_from_torch_name(const std::string& s);  // "bfloat16" -> kBFloat16
std::string dtype_torch_name(c10::ScalarType t);              // kBFloat16 -> "bfloat16"
std::string dtype_cli_name(c10::ScalarType t);                // kBFloat16 -> "bf16"

}  // namespace ropelab
