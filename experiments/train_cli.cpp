#include "experiments/train_cli.h"

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "core/model/checkpoint.h"
#include "core/output/output_file.h"
#include "core/train/train_state.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/output_lock.h"
#include "core/util/progress.h"
#include "core/util/version.h"
#include "experiments/field_flags.h"

extern char** environ;

namespace {
// Set in the environment of `--nproc` workers: their launcher holds the output lock.
constexpr const char* kLockHeldByLauncher = "ROPELAB_OUTPUT_LOCK_HELD";
}  // namespace

namespace ropelab::cli {

namespace fs = std::filesystem;

void add_train_options(po::options_description& d) {
  d.add_options()("out", po::value<std::string>()->required(),
                  "output model directory (HF layout) + train.h5")(
      "run", po::value<std::string>(), "run name in train.h5 (default: the output directory's name)")(
      "overwrite", po::bool_switch(), "replace an existing output directory")(
      "resume", po::value<std::string>(),
      "continue from the newest checkpoint in DIR (an output or step-N dir)")(
      "epochs", po::value<int64_t>()->default_value(2), "passes over the data")(
      "steps", po::value<int64_t>()->default_value(0), "exact number of optimizer steps (0 = from --epochs)")(
      "global-batch", po::value<int64_t>()->default_value(32), "examples per optimizer step (all ranks)")(
      "micro-batch", po::value<int64_t>()->default_value(1), "examples per forward/backward on one rank")(
      "lr", po::value<double>()->default_value(2e-5), "peak learning rate")(
      "warmup", po::value<int64_t>()->default_value(0), "linear warm-up steps")(
      "min-lr", po::value<double>()->default_value(0.0), "learning rate at the end of the cosine")(
      "adam-beta1", po::value<double>()->default_value(0.9), "AdamW beta1")(
      "adam-beta2", po::value<double>()->default_value(0.95), "AdamW beta2")(
      "adam-eps", po::value<double>()->default_value(1e-8), "AdamW epsilon")(
      "weight-decay", po::value<double>()->default_value(0.1), "AdamW decoupled weight decay (norms exempt)")(
      "clip-grad-norm", po::value<double>()->default_value(1.0), "global gradient-norm clip (0 = off)")(
      "checkpoint-layers", po::bool_switch(), "recompute each layer in backward (activation checkpointing)")(
      "zero", po::value<int>()->default_value(0),
      "ZeRO stage: 0 replicated state, 1 shard fp32 master + AdamW moments over the ranks, 2 also the "
      "gradients")("save-every", po::value<int64_t>()->default_value(0),
                   "keep a resumable state every N steps (0 = never)")(
      "keep-checkpoints", po::value<int>()->default_value(1), "resumable states kept on disk")(
      "seed", po::value<uint64_t>()->default_value(0), "data order (and --samples draw)")(
      "nproc", po::value<int>()->default_value(1), "start N local data-parallel workers (Gloo/NCCL)")(
      "dist-timeout", po::value<int>()->default_value(300), "seconds a collective may wait for a peer");
}

TrainConfig train_config_from(const po::variables_map& vm) {
  TrainConfig c;
  c.epochs = vm["epochs"].as<int64_t>();
  c.max_steps = vm["steps"].as<int64_t>();
  c.global_batch = vm["global-batch"].as<int64_t>();
  c.micro_batch = vm["micro-batch"].as<int64_t>();
  c.lr = vm["lr"].as<double>();
  c.warmup_steps = vm["warmup"].as<int64_t>();
  c.min_lr = vm["min-lr"].as<double>();
  c.adamw.beta1 = vm["adam-beta1"].as<double>();
  c.adamw.beta2 = vm["adam-beta2"].as<double>();
  c.adamw.eps = vm["adam-eps"].as<double>();
  c.adamw.weight_decay = vm["weight-decay"].as<double>();
  c.clip_grad_norm = vm["clip-grad-norm"].as<double>();
  c.checkpoint_layers = vm["checkpoint-layers"].as<bool>();
  c.save_every = vm["save-every"].as<int64_t>();
  c.keep_checkpoints = vm["keep-checkpoints"].as<int>();
  c.seed = vm["seed"].as<uint64_t>();
  c.zero = vm["zero"].as<int>();
  return c;
}

namespace {

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  long x = std::strtol(v, &end, 10);
  check_input(end && *end == '\0', "environment variable ", name, "='", v, "' is not an integer");
  return int(x);
}

int free_local_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) return 29500;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 29500;
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(s);
  return port;
}

}  // namespace

int requested_local_workers(const po::variables_map& vm) {
  if (std::getenv("WORLD_SIZE")) return 1;  // already a worker (ours or torchrun's)
  int n = vm["nproc"].as<int>();
  check_input(n >= 1 && n <= 256, "--nproc (", n, ") must be in [1, 256]");
  return n;
}

int launch_local_workers(const std::string& command, const Args& args, int n, int threads) {
  const int port = free_local_port();
  std::vector<std::string> argv_s{"/proc/self/exe", command};
  bool has_threads = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--nproc") {
      ++i;
      continue;
    }
    if (args[i].rfind("--nproc=", 0) == 0) continue;
    has_threads |= args[i] == "--threads" || args[i].rfind("--threads=", 0) == 0;
    argv_s.push_back(args[i]);
  }
  if (!has_threads) argv_s.insert(argv_s.end(), {"--threads", std::to_string(std::max(1, threads / n))});
  std::string exe = fs::read_symlink("/proc/self/exe").string();
  argv_s[0] = exe;
  std::cerr << "launching " << n << " local workers (Gloo on 127.0.0.1:" << port << ")\n";
  std::vector<pid_t> pids;
  for (int r = 0; r < n; ++r) {
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e) env_s.emplace_back(*e);
    env_s.push_back("RANK=" + std::to_string(r));
    env_s.push_back(std::string(kLockHeldByLauncher) + "=1");  // the launcher holds OUT's lock
    env_s.push_back("LOCAL_RANK=" + std::to_string(r));
    env_s.push_back("WORLD_SIZE=" + std::to_string(n));
    env_s.push_back("LOCAL_WORLD_SIZE=" + std::to_string(n));
    env_s.push_back("MASTER_ADDR=127.0.0.1");
    env_s.push_back("MASTER_PORT=" + std::to_string(port));
    std::vector<char*> av, ev;
    for (auto& s : argv_s) av.push_back(s.data());
    av.push_back(nullptr);
    for (auto& s : env_s) ev.push_back(s.data());
    ev.push_back(nullptr);
    pid_t pid;
    if (::posix_spawn(&pid, exe.c_str(), nullptr, nullptr, av.data(), ev.data()) != 0) {
      for (pid_t p : pids) ::kill(p, SIGTERM);
      throw std::runtime_error("cannot start worker " + std::to_string(r) + " (" + exe + ")");
    }
    pids.push_back(pid);
  }
  int first_failure = 0;
  size_t alive = pids.size();
  while (alive > 0) {
    int status = 0;
    pid_t p = ::waitpid(-1, &status, 0);
    if (p < 0) break;
    --alive;
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (code != 0 && first_failure == 0) {
      first_failure = code;
      for (size_t i = 0; i < pids.size(); ++i) {
        if (pids[i] == p)
          std::cerr << "worker " << i << " exited with code " << code << "; stopping the others\n";
      }
      for (pid_t q : pids)
        if (q != p) ::kill(q, SIGTERM);
    }
  }
  return first_failure;
}

DistConfig dist_config_from_environment(const po::variables_map& vm) {
  DistConfig d;
  d.world_size = env_int("WORLD_SIZE", 1);
  d.rank = env_int("RANK", 0);
  d.local_rank = env_int("LOCAL_RANK", 0);
  if (const char* a = std::getenv("MASTER_ADDR")) d.master_addr = a;
  d.master_port = env_int("MASTER_PORT", 29500);
  const int timeout = vm["dist-timeout"].as<int>();
  check_input(timeout >= 1, "--dist-timeout (", timeout, ") must be >= 1 second");
  d.timeout = std::chrono::seconds(timeout);
  d.validate();
  return d;
}

std::unique_ptr<OutputLock> prepare_output_dir(const po::variables_map& vm, int rank) {
  const fs::path out = vm["out"].as<std::string>();
  const bool overwrite = vm["overwrite"].as<bool>(), resume = vm.count("resume") > 0;
  check_input(!(overwrite && resume), "--overwrite and --resume exclude each other");
  // One job per OUT: rank 0 holds the lock (a `--nproc` launcher holds it for its workers).
  std::unique_ptr<OutputLock> lock;
  if (rank == 0 && !std::getenv(kLockHeldByLauncher)) {
    check_writable_location(out);
    lock = std::make_unique<OutputLock>(out);
  }
  if (!fs::exists(out)) return lock;
  check_input(fs::is_directory(out), "--out ", out.string(), " exists and is not a directory");
  if (overwrite) {
    if (rank == 0) fs::remove_all(out);
    return lock;
  }
  check_input(!fs::exists(out / "config.json"), "--out ", out.string(),
              " already holds a finished model; pass --overwrite to replace it");
  auto ckpt = find_checkpoint(out);
  if (resume) {
    // Killed before its first checkpoint: nothing to continue from, so the run starts over (what
    // it had logged is for steps that will be redone).
    const bool resume_is_out =
        fs::weakly_canonical(vm["resume"].as<std::string>()) == fs::weakly_canonical(out);
    if (resume_is_out && !ckpt && rank == 0) {
      std::cerr << "--resume " << out.string()
                << ": no checkpoint yet (stopped before the first); starting over\n";
      fs::remove_all(out);
    }
    return lock;
  }
  check_input(!ckpt && !fs::exists(out / "train.h5"), "--out ", out.string(), " holds an unfinished run",
              ckpt ? " (" + ckpt->filename().string() + ")" : std::string(), "; pass --resume ", out.string(),
              " to continue it or --overwrite to start over");
  return lock;
}

TrainStart start_training_command(const std::string& command, const std::string& usage,
                                  const po::options_description& d, const Args& args, po::variables_map& vm) {
  TrainStart s;
  vm = parse_command(usage, d, args);
  const int nproc = requested_local_workers(vm);
  s.dist = dist_config_from_environment(vm);
  s.out_lock = prepare_output_dir(vm, s.dist.rank);
  if (nproc > 1) s.exit_code = launch_local_workers(command, args, nproc, vm["threads"].as<int>());
  return s;
}

namespace {

// Writes the final model files into OUT: weights first, config.json last.
void save_final_model(LlamaForCausalLM& model, const fs::path& out, const std::string& tokenizer_from) {
  const fs::path tmp = out / ".final-tmp";
  fs::remove_all(tmp);
  SaveOptions so;
  so.copy_tokenizer_from = tokenizer_from;
  save_model(model, tmp.string(), so);
  for (const auto& e : fs::directory_iterator(tmp))
    if (e.path().filename() != "config.json") fs::rename(e.path(), out / e.path().filename());
  fs::rename(tmp / "config.json", out / "config.json");
  fs::remove_all(tmp);
}

}  // namespace

int run_train_job(const po::variables_map& vm, LlamaForCausalLM& model, TrainJob job) {
  const DistConfig dist = dist_config_from_environment(vm);
  TrainConfig cfg = train_config_from(vm);
  const fs::path out = vm["out"].as<std::string>();
  const std::string model_dir = vm["model"].as<std::string>();
  // --run, else the name of the output directory ("out/", "out/." and "." name a directory too).
  std::string run_name = vm.count("run") ? vm["run"].as<std::string>()
                                         : fs::absolute(out).lexically_normal().filename().string();
  if (!vm.count("run") && run_name.empty()) run_name = fs::absolute(out).parent_path().filename().string();
  output::validate_run_name(run_name, vm.count("run") ? "--run" : "run name (--out's directory name)");
  const StepPlan plan = plan_steps(int64_t(job.examples.size()), cfg, dist.world_size);
  const bool main_rank = dist.rank == 0;
  if (main_rank) std::cerr << "steps: " << flag_message(plan.arithmetic) << "\n";

  Communicator comm(dist, model->device());
  if (main_rank) fs::create_directories(out);
  comm.barrier();

  TrainOutputs o;
  o.out_dir = out;
  o.run_name = run_name;
  o.command_line = command_line();
  const std::string data_sha = sha256_file(job.data_path);
  o.fingerprint = {{"kind", job.kind},
                   {"data_sha256", data_sha},
                   {"model", model_dir},
                   {"rope", model->config.rope.to_json()},
                   {"world_size", dist.world_size}};
  o.log_attrs = {{"kind", job.kind},
                 {"model_path", model_dir},
                 {"model_json", model->config.to_json().dump()},
                 {"rope_json", model->config.rope.to_json().dump()},
                 {"data_path", job.data_path},
                 {"data_sha256", data_sha},
                 {"data_summary", job.data_summary.dump()},
                 {"provenance", provenance_json().dump()}};
  if (vm.count("resume")) {
    // prepare_output_dir() turned a resume of an OUT without any checkpoint into a fresh start.
    const bool fresh = fs::weakly_canonical(vm["resume"].as<std::string>()) == fs::weakly_canonical(out) &&
                       !find_checkpoint(out);
    if (!fresh) o.resume_from = vm["resume"].as<std::string>();
  }
  o.finalize = [&] {
    save_final_model(model, out, model_dir);
    std::cerr << "saved " << out.string() << " (config.json with rope " << model->config.rope.to_json().dump()
              << ")\n";
  };

  auto on_step = [&](const StepReport& r) {
    if (!main_rank) return;
    const int width = 20, filled = int(width * r.step / std::max<int64_t>(1, r.total_steps));
    const double eta =
        r.elapsed_s / double(std::max<int64_t>(1, r.steps_this_run)) * double(r.total_steps - r.step);
    char line[320];
    std::snprintf(
        line, sizeof line,
        "[%s%s] step %lld/%lld | loss %.4f | lr %.3g | grad norm %.3g | %.0f tok/s | elapsed %s | ETA %s\n",
        std::string(size_t(filled), '=').c_str(), std::string(size_t(width - filled), ' ').c_str(),
        static_cast<long long>(r.step), static_cast<long long>(r.total_steps), r.record.loss, r.record.lr,
        r.record.grad_norm, r.record.tokens_per_s, format_duration(r.elapsed_s).c_str(),
        format_duration(eta).c_str());
    std::cerr << line << std::flush;
  };
  try {
    TrainResult res = train_model(model, job.examples, cfg, o, comm, on_step);
    // One write per line: the ranks share stderr.
    std::cerr << ("rank " + std::to_string(dist.rank) + ": optimizer state " +
                  std::to_string(res.optimizer_state_bytes) + " bytes, fp32 gradient buffers " +
                  std::to_string(res.gradient_buffer_bytes) + " bytes (--zero " + std::to_string(cfg.zero) +
                  ", world size " + std::to_string(dist.world_size) + ")\n")
              << std::flush;
    if (main_rank && res.resumed_from > 0)
      std::cerr << "resumed at step " << res.resumed_from << ", ran " << res.steps_done << " steps\n";
  } catch (const TrainingDiverged& e) {
    std::cerr << "ropelab " << job.kind << ": training stopped: " << flag_message(e.what()) << "\n";
    return 1;
  }
  return 0;
}

}  // namespace ropelab::cli
