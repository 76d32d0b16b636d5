// Data parallelism over PyTorch's c10d: Gloo on CPU, NCCL on CUDA (both ship inside LibTorch).
//
// Rendezvous follows torchrun's environment contract (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR,
// MASTER_PORT); core never reads the environment itself — experiments/ builds a DistConfig from
// it and passes it in. With world_size 1 no process group is created and every collective is the
// identity, so single-process runs pay nothing.
//
// Gradients are all-reduced in flat buckets (bucket_bytes each) in parameter order, which makes
// the reduction deterministic for a given world size. Every collective waits at most `timeout`:
// a rank that died makes the others fail with an error instead of hanging.
#pragma once
#include <torch/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace ropelab {

struct DistConfig {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  std::chrono::milliseconds timeout{std::chrono::seconds(300)};
  int64_t bucket_bytes = 25 << 20;
  void validate() const;
};

class Communicator {
 public:
  // Joins the process group (blocks until all ranks arrive or the timeout passes).
  Communicator(const DistConfig& cfg, torch::Device device);
  ~Communicator();
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  int rank() const { return cfg_.rank; }
  int world_size() const { return cfg_.world_size; }
  bool is_main() const { return cfg_.rank == 0; }

  // In-place sum over ranks of every tensor (fp32), bucketed.
  void all_reduce_sum(std::vector<torch::Tensor>& tensors);
  double all_reduce_sum(double value);
  // outputs[r] := rank r's `input` (same shape and dtype on every rank; outputs preallocated).
  void all_gather(const torch::Tensor& input, std::vector<torch::Tensor>& outputs);
  // Rank 0's values to everyone, in place (start-up: identical initial parameters).
  void broadcast(std::vector<torch::Tensor>& tensors);
  void barrier();

 private:
  struct Impl;
  DistConfig cfg_;
  torch::Device device_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ropelab
