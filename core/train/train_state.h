// Resumable training state: OUT/checkpoints/step-NNNNNN/ with
//   master.safetensors     fp32 master parameters by Hugging Face name
//   optimizer.safetensors  AdamW exp_avg.* / exp_avg_sq.*
//   trainer_state.json     step, optimizer steps, the run fingerprint, seed, zero stage, shards
// Under ZeRO stage 1/2 every rank writes its own range instead, master-rank-RRRRR-of-NNNNN.safetensors
// and optimizer-rank-RRRRR-of-NNNNN.safetensors (tensor names "<param>[begin:end]" where a rank
// holds part of a parameter): into a staging directory, then rank 0 moves them into the step
// directory and commits it. Resuming needs the same stage and number of ranks: re-sharding is
// refused with an error naming both (the fingerprint also fixes the world size at stage 0).
// Each checkpoint directory is written atomically (temporary name + rename), so the newest
// complete one is always usable. The data position is the step itself: the batch order is a pure
// function of (seed, epoch), so nothing else needs saving (no dropout, no sampling RNG).
//
// The fingerprint holds every setting that changes the numbers (hyper-parameters, data sha256,
// example count, model and rope config). Resuming with a different one is refused, naming the
// first differing key — a resumed run must be the same run.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/train/adamw.h"
#include "core/train/distributed.h"

namespace ropelab {

struct TrainState {
  int64_t step = 0;  // optimizer updates done
  nlohmann::json fingerprint;
};

std::filesystem::path checkpoint_dir(const std::filesystem::path& out, int64_t step);

// Which files a rank writes and reads: stage 0 ranks hold identical state (rank 0 writes it).
struct StateShard {
  int zero = 0;
  int rank = 0, world = 1;
};

// Writes OUT/checkpoints/step-<step>/ and removes older ones beyond `keep`. Called by every rank.
void save_train_state(const std::filesystem::path& out, const TrainState& st, const AdamW& opt, int keep,
                      const StateShard& shard, Communicator& comm);

// The newest complete checkpoint under `path` (an output directory or a step directory).
std::optional<std::filesystem::path> find_checkpoint(const std::filesystem::path& path);

// Loads `dir` into `opt`'s parameters and state; checks the fingerprint.
TrainState load_train_state(const std::filesystem::path& dir, AdamW& opt,
                            const nlohmann::json& expected_fingerprint, const StateShard& shard);

}  // namespace ropelab
