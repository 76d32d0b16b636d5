#include "core/train/trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <sstream>

#include "core/io/documents.h"
#include "core/train/master_weights.h"
#include "core/train/train_state.h"
#include "core/util/error.h"

namespace ropelab {

namespace {

uint64_t epoch_seed(uint64_t seed, int64_t epoch) {
  return seed * 0x9E3779B97F4A7C15ULL + uint64_t(epoch) + 1;
}

// Right-pads a micro-batch. ids, targets: (B, T) int64; mask: (B, T) float32 — targets[b, t] is
// the token predicted at position t, mask[b, t] = 1 when it is a loss target.
struct MicroBatch {
  torch::Tensor ids, targets, mask;
  int64_t tokens = 0;
};

MicroBatch make_micro_batch(const std::vector<TrainExample>& examples, const std::vector<int64_t>& idx,
                            int64_t pad_id, torch::Device device) {
  int64_t T = 0;
  for (auto i : idx) T = std::max<int64_t>(T, int64_t(examples[size_t(i)].ids.size()));
  const int64_t B = int64_t(idx.size());
  auto ids = torch::full({B, T}, pad_id, torch::kLong);
  auto targets = torch::full({B, T}, pad_id, torch::kLong);
  auto mask = torch::zeros({B, T}, torch::kFloat32);
  auto ia = ids.accessor<int64_t, 2>();
  auto ta = targets.accessor<int64_t, 2>();
  auto ma = mask.accessor<float, 2>();
  MicroBatch mb;
  for (int64_t b = 0; b < B; ++b) {
    const auto& ex = examples[size_t(idx[size_t(b)])];
    const int64_t n = int64_t(ex.ids.size());
    mb.tokens += n;
    for (int64_t t = 0; t < n; ++t) ia[b][t] = ex.ids[size_t(t)];
    for (int64_t t = 0; t + 1 < n; ++t) {
      ta[b][t] = ex.ids[size_t(t + 1)];
      ma[b][t] = ex.mask[size_t(t + 1)] ? 1.f : 0.f;
    }
  }
  mb.ids = ids.to(device);
  mb.targets = targets.to(device);
  mb.mask = mask.to(device);
  return mb;
}

}  // namespace

void TrainConfig::validate(int world_size) const {
  check_input(epochs >= 1, "`epochs` (", epochs, ") must be >= 1");
  check_input(max_steps >= 0, "`max_steps` (", max_steps, ") must be >= 0 (0 = set by `epochs`)");
  check_input(micro_batch >= 1, "`micro_batch` (", micro_batch, ") must be >= 1");
  check_input(global_batch >= 1, "`global_batch` (", global_batch, ") must be >= 1");
  check_input(global_batch % (micro_batch * world_size) == 0, "`global_batch` (", global_batch,
              ") must be a multiple of `micro_batch` (", micro_batch, ") x world size (", world_size, ")");
  LrSchedule{lr, warmup_steps, std::max<int64_t>(warmup_steps + 1, 1), min_lr}.validate();
  adamw.validate();
  check_input(clip_grad_norm >= 0 && std::isfinite(clip_grad_norm), "`clip_grad_norm` (", clip_grad_norm,
              ") must be >= 0 (0 = off)");
  check_input(save_every >= 0, "`save_every` (", save_every, ") must be >= 0");
  check_input(keep_checkpoints >= 1, "`keep_checkpoints` (", keep_checkpoints, ") must be >= 1");
  check_input(zero >= 0 && zero <= 2, "`zero` (", zero, ") must be 0, 1 or 2");
}

nlohmann::json TrainConfig::to_json() const {
  return {{"epochs", epochs},
          {"max_steps", max_steps},
          {"global_batch", global_batch},
          {"micro_batch", micro_batch},
          {"lr", lr},
          {"warmup_steps", warmup_steps},
          {"min_lr", min_lr},
          {"adam_beta1", adamw.beta1},
          {"adam_beta2", adamw.beta2},
          {"adam_eps", adamw.eps},
          {"weight_decay", adamw.weight_decay},
          {"clip_grad_norm", clip_grad_norm},
          {"checkpoint_layers", checkpoint_layers},
          {"zero", zero},
          {"seed", seed}};
}

StepPlan plan_steps(int64_t examples, const TrainConfig& cfg, int world_size) {
  cfg.validate(world_size);
  StepPlan p;
  p.examples = examples;
  p.global_batch = cfg.global_batch;
  p.accumulation = cfg.global_batch / (cfg.micro_batch * world_size);
  p.steps_per_epoch = examples / cfg.global_batch;
  p.dropped_per_epoch = examples - p.steps_per_epoch * cfg.global_batch;
  check_input(p.steps_per_epoch >= 1, "the data has ", examples, " examples, fewer than one global batch (",
              cfg.global_batch, "): lower `global_batch` or add data");
  std::ostringstream os;
  os << examples << " samples / global batch " << cfg.global_batch << " = " << p.steps_per_epoch
     << " steps per epoch (" << p.dropped_per_epoch << " dropped)";
  if (cfg.max_steps > 0) {
    p.total_steps = cfg.max_steps;
    p.epochs = (cfg.max_steps + p.steps_per_epoch - 1) / p.steps_per_epoch;
    os << "; `max_steps` " << cfg.max_steps << " = " << p.epochs << " epochs";
  } else {
    p.epochs = cfg.epochs;
    p.total_steps = p.steps_per_epoch * cfg.epochs;
    os << " x " << cfg.epochs << " epochs = " << p.total_steps << " steps";
  }
  os << "; global batch = micro-batch " << cfg.micro_batch << " x accumulation " << p.accumulation
     << " x world size " << world_size;
  p.arithmetic = os.str();
  return p;
}

std::vector<int64_t> batch_indices(int64_t step, const StepPlan& plan, const TrainConfig& cfg, int rank,
                                   int world_size, int64_t n_examples) {
  const int64_t epoch = step / plan.steps_per_epoch, b = step % plan.steps_per_epoch;
  auto order = shuffled_order(size_t(n_examples), epoch_seed(cfg.seed, epoch));
  const int64_t per_rank = cfg.global_batch / world_size;
  const int64_t begin = b * cfg.global_batch + rank * per_rank;
  return std::vector<int64_t>(order.begin() + begin, order.begin() + begin + per_rank);
}

TrainResult train_model(LlamaForCausalLM& model, const std::vector<TrainExample>& examples,
                        const TrainConfig& cfg, const TrainOutputs& out, Communicator& comm,
                        const std::function<void(const StepReport&)>& on_step) {
  const int world = comm.world_size(), rank = comm.rank();
  const StepPlan plan = plan_steps(int64_t(examples.size()), cfg, world);
  const LrSchedule sched{cfg.lr, cfg.warmup_steps, plan.total_steps, cfg.min_lr};
  sched.validate();
  const torch::Device device = model->device();
  model->train();

  MasterWeights state(model, cfg.zero, cfg.adamw, comm);
  const StateShard shard{cfg.zero, rank, world};

  TrainResult result;
  result.optimizer_state_bytes = state.state_bytes();
  result.gradient_buffer_bytes = state.gradient_bytes();
  nlohmann::json fingerprint = out.fingerprint;
  fingerprint["train"] = cfg.to_json();
  fingerprint["examples"] = int64_t(examples.size());
  if (!out.resume_from.empty()) {
    auto ckpt = find_checkpoint(out.resume_from);
    check_input(ckpt.has_value(), "`resume_from` ", out.resume_from, ": no checkpoint found (expected ",
                (std::filesystem::path(out.resume_from) / "checkpoints" / "step-NNNNNN").string(), ")");
    result.resumed_from = load_train_state(*ckpt, state.optimizer(), fingerprint, shard).step;
    state.publish();
  }
  std::unique_ptr<TrainLog> log;
  if (comm.is_main()) {
    nlohmann::json attrs = out.log_attrs;
    attrs["config_json"] = cfg.to_json().dump();
    attrs["n_examples"] = int64_t(examples.size());
    attrs["total_steps"] = plan.total_steps;
    attrs["step_arithmetic"] = plan.arithmetic;
    attrs["world_size"] = int64_t(world);
    log = std::make_unique<TrainLog>((out.out_dir / "train.h5").string(), out.run_name, attrs,
                                     out.command_line, out.resume_from.empty() ? -1 : result.resumed_from);
  }

  ForwardOptions fo;
  fo.checkpoint_layers = cfg.checkpoint_layers;
  const auto t_start = std::chrono::steady_clock::now();
  for (int64_t step = result.resumed_from; step < plan.total_steps; ++step) {
    const auto t0 = std::chrono::steady_clock::now();
    // Targets of the whole global batch: every rank normalises by the same count.
    int64_t batch_targets = 0;
    for (int r = 0; r < world; ++r)
      for (auto i : batch_indices(step, plan, cfg, r, world, int64_t(examples.size())))
        batch_targets += examples[size_t(i)].num_targets();
    check_input(batch_targets > 0, "step ", step + 1,
                ": the global batch has no loss targets (no assistant tokens)");

    const auto mine = batch_indices(step, plan, cfg, rank, world, int64_t(examples.size()));
    double nll_sum = 0;
    int64_t tokens = 0;
    for (size_t k = 0; k < mine.size(); k += size_t(cfg.micro_batch)) {
      std::vector<int64_t> idx(mine.begin() + long(k), mine.begin() + long(k + size_t(cfg.micro_batch)));
      MicroBatch mb = make_micro_batch(examples, idx, cfg.pad_id, device);
      tokens += mb.tokens;
      auto logits = model->forward(mb.ids, {}, fo);  // (B, T, V) float32
      const int64_t V = logits.size(-1);
      auto nll = torch::nn::functional::cross_entropy(
          logits.reshape({-1, V}), mb.targets.reshape({-1}),
          torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));  // (B*T,)
      auto loss_sum = (nll * mb.mask.reshape({-1})).sum();
      (loss_sum / double(batch_targets)).backward();
      nll_sum += loss_sum.item<double>();
      state.accumulate_micro_batch();
    }

    const double grad_norm = state.reduce_gradients();
    const double loss = comm.all_reduce_sum(nll_sum) / double(batch_targets);
    const double all_tokens = comm.all_reduce_sum(double(tokens));

    if (!std::isfinite(loss) || !std::isfinite(grad_norm)) {
      auto last = find_checkpoint(out.out_dir);
      throw TrainingDiverged("step " + std::to_string(step + 1) + ": " +
                             (std::isfinite(loss) ? "gradient norm" : "loss") + " is " +
                             std::to_string(std::isfinite(loss) ? grad_norm : loss) +
                             "; stopped before applying the update. Last good checkpoint: " +
                             (last ? last->string() : std::string("none (use `save_every`)")) +
                             ". Lower `lr` or check the data, then `resume_from` or start over.");
    }
    double grad_scale = 1.0;
    if (cfg.clip_grad_norm > 0)
      grad_scale = cfg.clip_grad_norm / (grad_norm + 1e-6);  // torch.nn.utils.clip_grad_norm_
    const double lr = sched.at(step);
    state.step(lr, grad_scale);

    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    StepReport rep;
    rep.step = step + 1;
    rep.total_steps = plan.total_steps;
    rep.steps_this_run = step + 1 - result.resumed_from;
    rep.record = {loss, lr, grad_norm, all_tokens / std::max(secs, 1e-9)};
    rep.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    result.losses.push_back(loss);
    ++result.steps_done;
    if (log) log->append(rep.record);
    if (cfg.save_every > 0 && (step + 1) % cfg.save_every == 0 && step + 1 < plan.total_steps)
      save_train_state(out.out_dir, {step + 1, fingerprint}, state.optimizer(), cfg.keep_checkpoints, shard,
                       comm);
    if (on_step) on_step(rep);
  }
  if (comm.is_main() && out.finalize) out.finalize();
  if (log) log->mark_complete();
  model->eval();
  return result;
}

}  // namespace ropelab
