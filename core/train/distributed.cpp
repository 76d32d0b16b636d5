#include "core/train/distributed.h"

#include <torch/torch.h>

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef ROPELAB_CUDA
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include "core/util/error.h"

namespace ropelab {

void DistConfig::validate() const {
  check_input(world_size >= 1, "WORLD_SIZE (", world_size, ") must be >= 1");
  check_input(rank >= 0 && rank < world_size, "RANK (", rank, ") must be in [0, WORLD_SIZE=", world_size,
              ")");
  check_input(local_rank >= 0, "LOCAL_RANK (", local_rank, ") must be >= 0");
  check_input(master_port > 0 && master_port < 65536, "MASTER_PORT (", master_port, ") must be in 1..65535");
  check_input(!master_addr.empty(), "MASTER_ADDR is empty");
  check_input(bucket_bytes >= 1024, "bucket size (", bucket_bytes, " bytes) must be >= 1024");
  check_input(timeout.count() > 0, "the collective timeout must be > 0");
}

struct Communicator::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  // Gloo and NCCL process groups share the collective interface we use; keep both typed so the
  // code compiles against LibTorch 1.13 (ProcessGroup) and 2.x (Backend) alike.
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#ifdef ROPELAB_CUDA
  c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif

  // Runs one collective; a peer that died or timed out becomes an error naming the rank.
  template <typename F>
  void run(const DistConfig& cfg, const char* what, F&& f) {
    try {
#ifdef ROPELAB_CUDA
      if (nccl) return f(*nccl);
#endif
      f(*gloo);
    } catch (const c10::Error& e) {
      throw std::runtime_error(
          std::string(what) + " failed on rank " + std::to_string(cfg.rank) + " of " +
          std::to_string(cfg.world_size) + ": a peer rank exited or did not answer within " +
          std::to_string(cfg.timeout.count() / 1000) + " s (" + e.what_without_backtrace() + ")");
    }
  }
};

Communicator::Communicator(const DistConfig& cfg, torch::Device device) : cfg_(cfg), device_(device) {
  cfg_.validate();
  if (cfg_.world_size == 1) return;
  impl_ = std::make_unique<Impl>();
  c10d::TCPStoreOptions so;
  so.port = uint16_t(cfg_.master_port);
  so.isServer = cfg_.rank == 0;
  so.numWorkers = size_t(cfg_.world_size);
  so.waitWorkers = true;
  so.timeout = cfg_.timeout;
  try {
    impl_->store = c10::make_intrusive<c10d::TCPStore>(cfg_.master_addr, so);
    if (device.is_cuda()) {
#ifdef ROPELAB_CUDA
      auto opts = c10d::ProcessGroupNCCL::Options::create();
      opts->timeout = cfg_.timeout;
      impl_->nccl =
          c10::make_intrusive<c10d::ProcessGroupNCCL>(impl_->store, cfg_.rank, cfg_.world_size, opts);
      return;
#else
      fail_input("data parallelism on CUDA needs a build with ROPELAB_CUDA (NCCL)");
#endif
    }
    auto opts = c10d::ProcessGroupGloo::Options::create(cfg_.timeout);
    opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(cfg_.master_addr));
    impl_->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, cfg_.rank, cfg_.world_size, opts);
  } catch (const InputError&) {
    throw;
  } catch (const c10::Error& e) {
    fail_input("rendezvous at MASTER_ADDR=", cfg_.master_addr, " MASTER_PORT=", cfg_.master_port,
               " failed for rank ", cfg_.rank, " of ", cfg_.world_size, " (", e.what_without_backtrace(),
               "); are all ranks started, and is `timeout` long enough?");
  } catch (const std::exception& e) {
    fail_input("rendezvous at MASTER_ADDR=", cfg_.master_addr, " MASTER_PORT=", cfg_.master_port,
               " failed for rank ", cfg_.rank, " of ", cfg_.world_size, " (", e.what(),
               "); are all ranks started?");
  }
}

Communicator::~Communicator() = default;

void Communicator::all_reduce_sum(std::vector<torch::Tensor>& tensors) {
  if (cfg_.world_size == 1 || tensors.empty()) return;
  torch::NoGradGuard ng;
  const int64_t bucket_elems = std::max<int64_t>(1, cfg_.bucket_bytes / 4);
  size_t i = 0;
  while (i < tensors.size()) {
    size_t j = i;
    int64_t n = 0;
    while (j < tensors.size() && (j == i || n + tensors[j].numel() <= bucket_elems))
      n += tensors[j++].numel();
    std::vector<torch::Tensor> parts;
    for (size_t k = i; k < j; ++k) parts.push_back(tensors[k].reshape({-1}));
    std::vector<torch::Tensor> flat{torch::cat(parts)};
    impl_->run(cfg_, "all-reduce", [&](auto& pg) { pg.allreduce(flat)->wait(cfg_.timeout); });
    int64_t off = 0;
    for (size_t k = i; k < j; ++k) {
      const int64_t m = tensors[k].numel();
      tensors[k].copy_(flat[0].narrow(0, off, m).view_as(tensors[k]));
      off += m;
    }
    i = j;
  }
}

double Communicator::all_reduce_sum(double value) {
  if (cfg_.world_size == 1) return value;
  std::vector<torch::Tensor> t{
      torch::full({1}, value, torch::TensorOptions().dtype(torch::kFloat64).device(device_))};
  impl_->run(cfg_, "all-reduce", [&](auto& pg) { pg.allreduce(t)->wait(cfg_.timeout); });
  return t[0].item<double>();
}

void Communicator::all_gather(const torch::Tensor& input, std::vector<torch::Tensor>& outputs) {
  TORCH_CHECK(int(outputs.size()) == cfg_.world_size, "all_gather: ", outputs.size(),
              " outputs for world size ", cfg_.world_size);
  torch::NoGradGuard ng;
  if (cfg_.world_size == 1) {
    outputs[0].copy_(input);
    return;
  }
  std::vector<torch::Tensor> in{input.contiguous()};
  std::vector<std::vector<torch::Tensor>> out{outputs};
  impl_->run(cfg_, "all-gather", [&](auto& pg) { pg.allgather(out, in)->wait(cfg_.timeout); });
}

void Communicator::broadcast(std::vector<torch::Tensor>& tensors) {
  if (cfg_.world_size == 1) return;
  torch::NoGradGuard ng;
  for (auto& t : tensors) {
    std::vector<torch::Tensor> one{t};
    impl_->run(cfg_, "broadcast", [&](auto& pg) { pg.broadcast(one)->wait(cfg_.timeout); });
  }
}

void Communicator::barrier() {
  if (cfg_.world_size == 1) return;
  impl_->run(cfg_, "barrier", [&](auto& pg) { pg.barrier()->wait(cfg_.timeout); });
}

}  // namespace ropelab
