// What `finetune` and `pretrain` share: training options, the output directory policy, torchrun's
// environment contract, the local multi-process launcher (--nproc) and the run itself with
// progress, final checkpoint and error handling.
//
// Output directory policy: OUT holding a finished model (config.json) is refused without
// --overwrite; OUT holding an unfinished run (checkpoints, no config.json) is refused unless
// --resume or --overwrite is given. The final model files are written to OUT with config.json
// last, so a directory with config.json is always a complete model.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/train/sft_examples.h"
#include "core/train/trainer.h"
#include "core/util/output_lock.h"
#include "experiments/cli.h"

namespace ropelab::cli {

void add_train_options(po::options_description& d);
TrainConfig train_config_from(const po::variables_map& vm);

// The value of --nproc (1 when absent or when this process is already a worker).
int requested_local_workers(const po::variables_map& vm);
// Starts n copies of this command with RANK/WORLD_SIZE/LOCAL_RANK/MASTER_ADDR/MASTER_PORT set and
// waits; when one fails the others are stopped. Returns the first failing exit code, else 0.
int launch_local_workers(const std::string& command, const Args& args, int n, int threads);

// RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT (torchrun/srun); world 1 when unset.
DistConfig dist_config_from_environment(const po::variables_map& vm);

// Checks OUT against the policy above; with --overwrite an existing OUT is removed (rank 0); a
// `--resume OUT` whose OUT has no checkpoint yet starts over. Rank 0 locks OUT for the job's life
// (keep the returned lock; null on other ranks) so that a second job into OUT is refused.
std::unique_ptr<OutputLock> prepare_output_dir(const po::variables_map& vm, int rank);

// The start every training subcommand shares: parse, then either launch --nproc local workers
// (this process waits for them) or become one rank with OUT prepared and locked.
struct TrainStart {
  std::optional<int> exit_code;          // set: return it (local workers ran)
  std::unique_ptr<OutputLock> out_lock;  // held for the job's life (null on ranks > 0)
  DistConfig dist;                       // this process's rank in the job
  bool main_rank() const { return dist.rank == 0; }
};
TrainStart start_training_command(const std::string& command, const std::string& usage,
                                  const po::options_description& d, const Args& args, po::variables_map& vm);

struct TrainJob {
  std::string kind;  // "finetune" | "pretrain"
  std::vector<TrainExample> examples;
  std::string data_path;
  nlohmann::json data_summary;  // counts printed and stored in the log
};

// Runs the job on the model from --model; writes OUT. Returns the exit code.
int run_train_job(const po::variables_map& vm, LlamaForCausalLM& model, TrainJob job);

}  // namespace ropelab::cli
