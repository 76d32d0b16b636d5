#include "core/train/train_state.h"

#include <torch/torch.h>

#include <cstdio>
#include <map>
#include <system_error>

#include "core/io/safetensors.h"
#include "core/util/error.h"
#include "core/util/files.h"

namespace ropelab {

namespace {

bool is_step_dir(const fs::path& p) {
  const std::string n = p.filename().string();
  return n.rfind("step-", 0) == 0 && n.find(".tmp-") == std::string::npos &&
         n.find(".old-") == std::string::npos && fs::exists(p / "trainer_state.json");
}

std::vector<fs::path> step_dirs(const fs::path& out) {
  std::vector<fs::path> v;
  const fs::path root = out / "checkpoints";
  if (!fs::is_directory(root)) return v;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory() && is_step_dir(e.path())) v.push_back(e.path());
  std::sort(v.begin(), v.end());  // zero-padded names sort by step
  return v;
}

std::string first_difference(const nlohmann::json& a, const nlohmann::json& b) {
  for (auto it = b.begin(); it != b.end(); ++it)
    if (!a.contains(it.key()) || a[it.key()] != it.value()) return it.key();
  for (auto it = a.begin(); it != a.end(); ++it)
    if (!b.contains(it.key())) return it.key();
  return "";
}

}  // namespace

fs::path checkpoint_dir(const fs::path& out, int64_t step) {
  char name[32];
  std::snprintf(name, sizeof name, "step-%06lld", static_cast<long long>(step));
  return out / "checkpoints" / name;
}

namespace {

// "master.safetensors" at stage 0, "master-rank-00001-of-00002.safetensors" under ZeRO.
std::string state_file(const std::string& kind, const StateShard& shard) {
  if (shard.zero == 0) return kind + ".safetensors";
  char name[96];
  std::snprintf(name, sizeof name, "%s-rank-%05d-of-%05d.safetensors", kind.c_str(), shard.rank, shard.world);
  return name;
}

void write_state_files(const fs::path& dir, const AdamW& opt, const StateShard& shard) {
  std::vector<std::pair<std::string, torch::Tensor>> master;
  for (const auto& p : opt.params()) master.emplace_back(p.name, p.param);
  write_safetensors((dir / state_file("master", shard)).string(), master);
  write_safetensors((dir / state_file("optimizer", shard)).string(), opt.state_tensors());
}

}  // namespace

void save_train_state(const fs::path& out, const TrainState& st, const AdamW& opt, int keep,
                      const StateShard& shard, Communicator& comm) {
  const fs::path target = checkpoint_dir(out, st.step);
  fs::path staging = target;
  staging += ".tmp-shards";
  if (shard.zero > 0) {
    std::error_code ec;
    fs::create_directories(staging, ec);  // every rank; one wins
    check_input(fs::is_directory(staging), staging.string(), ": cannot create (", ec.message(), ")");
    write_state_files(staging, opt, shard);
    comm.barrier();  // all ranges written
  }
  if (shard.rank == 0) {
    AtomicDir dir(target, /*overwrite=*/true);
    if (shard.zero > 0) {
      for (const auto& e : fs::directory_iterator(staging))
        fs::rename(e.path(), dir.path() / e.path().filename());
      fs::remove_all(staging);
    } else {
      write_state_files(dir.path(), opt, shard);
    }
    nlohmann::json j = {{"step", st.step},
                        {"optimizer_steps", opt.steps_taken()},
                        {"fingerprint", st.fingerprint},
                        {"zero", shard.zero},
                        {"shards", shard.zero > 0 ? shard.world : 1}};
    write_text_file_atomic(dir.path() / "trainer_state.json", j.dump(2) + "\n");
    dir.commit();
    auto dirs = step_dirs(out);
    for (size_t i = 0; keep > 0 && i + size_t(keep) < dirs.size(); ++i) fs::remove_all(dirs[i]);
  }
  if (shard.zero > 0) comm.barrier();  // the step directory is complete before anyone goes on
}

std::optional<fs::path> find_checkpoint(const fs::path& path) {
  if (is_step_dir(path)) return path;
  auto dirs = step_dirs(path);
  if (dirs.empty()) return std::nullopt;
  return dirs.back();
}

TrainState load_train_state(const fs::path& dir, AdamW& opt, const nlohmann::json& expected,
                            const StateShard& shard) {
  const auto j = read_json_file(dir / "trainer_state.json");
  TrainState st;
  int zero = 0, shards = 1;
  try {
    st.step = j.at("step").get<int64_t>();
    st.fingerprint = j.at("fingerprint");
    zero = j.value("zero", 0);
    shards = j.value("shards", 1);
  } catch (const nlohmann::json::exception& e) {
    fail_input((dir / "trainer_state.json").string(), ": ", e.what());
  }
  const int now_shards = shard.zero > 0 ? shard.world : 1;
  check_input(zero == shard.zero && shards == now_shards, dir.string(),
              ": cannot resume: the state was written with `zero` ", zero, " as ", shards,
              " shard(s); this run has `zero` ", shard.zero, " on ", shard.world, " rank(s) (", now_shards,
              " shard(s)). Re-sharding optimizer state is not supported: resume with `zero` ", zero,
              (zero > 0 ? " on " + std::to_string(shards) + " ranks" : std::string()),
              " or start over with `overwrite`");
  const std::string diff = first_difference(st.fingerprint, expected);
  check_input(diff.empty(), dir.string(), ": cannot resume: '", diff, "' differs (checkpoint ",
              st.fingerprint.value(diff, nlohmann::json()).dump(), ", now ",
              expected.value(diff, nlohmann::json()).dump(),
              "); resume with the original settings or start over with `overwrite`");

  SafetensorsFile master((dir / state_file("master", shard)).string());
  torch::NoGradGuard ng;
  for (const auto& p : opt.params()) {
    check_input(master.contains(p.name), master.path(), ": parameter '", p.name, "' is missing");
    auto t = master.view(p.name);
    check_input(t.sizes() == p.param.sizes() && t.scalar_type() == torch::kFloat32, master.path(), ": '",
                p.name, "' has shape ", t.sizes(), " ", t.scalar_type(), ", expected ", p.param.sizes(),
                " Float");
    p.param.copy_(t);
  }
  SafetensorsFile optf((dir / state_file("optimizer", shard)).string());
  std::vector<std::pair<std::string, torch::Tensor>> state;
  for (const auto& [name, e] : optf.entries()) state.emplace_back(name, optf.view(name));
  opt.load_state(state, j.value("optimizer_steps", st.step), optf.path());
  return st;
}

}  // namespace ropelab
