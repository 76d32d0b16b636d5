// How many query rows one attention block takes: shared by the kernels (blockwise.cpp) and the
// memory plan (core/plan/), which must agree on the block buffers' size. No LibTorch needed.
#pragma once
#include <cstdint>

namespace ropelab::blockwise {

// Query rows per block so that one block's fp32 logits stay near 64 Mi elements (256 MiB);
// `requested` > 0 overrides. At least 16 rows, at most tq.
int64_t block_rows(int64_t batch, int64_t heads, int64_t tq, int64_t tk, int64_t requested);

}  // namespace ropelab::blockwise
