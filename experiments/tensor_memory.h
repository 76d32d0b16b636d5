// Exact accounting of CPU tensor memory, for benchmarks: a counting wrapper around LibTorch's CPU
// allocator tracks the bytes held by live tensors and their peak. Unlike the resident set (VmHWM),
// it does not depend on how the C heap reuses or returns freed blocks, so two code paths that
// allocate the same tensors measure the same. Installed on first use; process-wide.
#pragma once
#include <cstdint>

namespace ropelab {

// Installs the counting allocator (idempotent). Tensors allocated before stay uncounted.
void install_tensor_memory_counter();
// Bytes held by tensors allocated since installation, now and at their peak.
int64_t tensor_bytes_live();
int64_t tensor_bytes_peak();
// Starts a new measurement: peak := live.
void reset_tensor_bytes_peak();

}  // namespace ropelab
