// The trained window c of a model: the context length it was pre-trained on, where the paper's
// "inside / beyond the window" split and its entropy bands (c, 2c, 4c) sit.
//
// It is the RoPE's L0 (original_max_position_embeddings), not max_position_embeddings: an extended
// model's config states its new length in max_position_embeddings and keeps c in
// rope_scaling.original_max_position_embeddings, and a Phi-3-style longrope config keeps c at the
// top level (original_max_position_embeddings 4096 beside max_position_embeddings 131072), which
// RopeSpec::from_json resolves into L0. Computed here once from the model config and stored in
// every output whose readers need it, so no reader re-derives it from the JSON records.
#pragma once
#include <cstdint>

#include "core/rope/rope_spec.h"

namespace ropelab {

inline int64_t trained_window(const RopeSpec& rope) { return rope.original_max_position; }

}  // namespace ropelab
