// Resumable training state: OUT/checkpoints/step-NNNNNN/ with
//   master.safetensors     fp32 master parameters by Hugging Face name
//   optimizer.safetensors  AdamW exp_avg.* / exp_avg_sq.*
//   trainer_state.json     step, optimizer steps, the run fingerprint, seed
// Each checkpoint directory is written atomically (temporary name + rename), so the newest
// complete one is always usable. The data position is the step itself: the batch order is a pure
// function of (seed, epoch), so nothing else needs saving (no dropout, no sampling RNG).
//
// The fingerprint holds every setting that changes the numbers (hyper-parameters, data sha256,
// example count, model and rope config). Resuming with a different one is refused, naming the
// first differing key — a resumed run must be the same run.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/train/adamw.h"

namespace ropelab {

struct TrainState {
  int64_t step = 0;  // optimizer updates done
  nlohmann::json fingerprint;
};

std::filesystem::path checkpoint_dir(const std::filesystem::path& out, int64_t step);

// Writes OUT/checkpoints/step-<step>/ and removes older ones beyond `keep`.
void save_train_state(const std::filesystem::path& out, const TrainState& st, const AdamW& opt, int keep);

// The newest complete checkpoint under `path` (an output directory or a step directory).
std::optional<std::filesystem::path> find_checkpoint(const std::filesystem::path& path);

// Loads `dir` into `opt`'s parameters and state; checks the fingerprint.
TrainState load_train_state(const std::filesystem::path& dir, AdamW& opt, const nlohmann::json& expected_fingerprint);

}  // namespace ropelab
