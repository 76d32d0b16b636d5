// `ropelab bench entropy`: cost of recording attention entropy. For one attention layer of a
// given shape (LLaMA-2-7B: 32 heads × 128; the tiny preset's heads) at several T, time and peak
// memory of (a) attend() without entropy, (b) attend() with entropy, (c) the naive way (full
// T × T softmax matrices, then −Σ p ln p; heads in groups that fit --naive-max-gib, a run whose
// single head does not fit is reported as skipped, not attempted). (a) and (b) get one untimed
// warm-up call, then run alternately --repeats times (best reported); (c) runs once (it is
// minutes at 16k).
//
// Memory: the peak bytes of tensors allocated during a case (CPU: counted by a wrapper around
// LibTorch's CPU allocator, experiments/tensor_memory.h; CUDA: the caching allocator's peak), and on
// CPU also the peak resident set above the trimmed pre-case baseline (VmHWM), which additionally
// moves with how the C heap reuses freed blocks.
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

#include "core/attention/attend.h"
#include "core/config/model_config.h"
#include "core/util/error.h"
#include "core/util/version.h"
#include "experiments/bench_memory.h"
#include "experiments/commands.h"
#include "experiments/tensor_memory.h"

namespace ropelab {

namespace {

struct Measure {
  double secs = 0;
  double extra_mib = 0;  // peak tensor memory above the live tensors at the start (CPU: exact count)
  double rss_mib = 0;    // CPU: peak resident set above the trimmed baseline (heap reuse included)
  bool skipped = false;
};

// Wall-clock seconds of one call (CUDA work included).
template <typename F>
double seconds_of(c10::Device dev, F&& fn) {
  auto t0 = std::chrono::steady_clock::now();
  fn();
  if (dev.is_cuda()) torch::cuda::synchronize();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Time and peak memory of one call, optionally after an untimed warm-up call.
template <typename F>
Measure measure(c10::Device dev, bool warm_up, F&& fn) {
  Measure m;
  if (warm_up)
    seconds_of(dev, fn);   // first-touch page faults and allocator growth are not what (a) vs (b) compares
  reset_peak_memory(dev);  // trims the heap first, so the baseline below is what is really held
  const int64_t base = dev.is_cuda() ? 0 : current_rss_bytes();
  reset_tensor_bytes_peak();
  const int64_t tensor_base = tensor_bytes_live();
  m.secs = seconds_of(dev, fn);
  const double mib = double(1 << 20);
  if (dev.is_cuda()) {
    m.extra_mib = double(peak_memory_bytes(dev)) / mib;
  } else {
    m.extra_mib = double(tensor_bytes_peak() - tensor_base) / mib;
    m.rss_mib = double(peak_memory_bytes(dev) - base) / mib;
  }
  return m;
}

// Best-of-`repeats` times of two functions run alternately (a, b, a, b, ...), so that drift in
// the machine's speed (other processes, frequency, page-cache state) hits both alike.
template <typename FA, typename FB>
std::pair<double, double> best_times_interleaved(c10::Device dev, int repeats, FA&& fa, FB&& fb) {
  double a = 1e30, b = 1e30;
  for (int r = 0; r < repeats; ++r) {
    a = std::min(a, seconds_of(dev, fa));
    b = std::min(b, seconds_of(dev, fb));
  }
  return {a, b};
}

// The naive recorder: the whole causal (T × T) softmax matrix, then −Σ p ln p. Heads go in
// groups of `group` (all at once when they fit) so that long T can be measured at all; each
// group still materialises full T × T matrices, which is what makes the naive way quadratic.
torch::Tensor naive_entropy(const torch::Tensor& q, const torch::Tensor& k, double scale, int64_t group) {
  const int64_t T = q.size(2), H = q.size(1), G = H / k.size(1);
  auto kk = G > 1 ? k.repeat_interleave(G, 1) : k;  // (B, H, T, D)
  auto mask = torch::ones({T, T}, torch::kBool).triu(1).to(q.device());
  std::vector<torch::Tensor> out;
  for (int64_t h0 = 0; h0 < H; h0 += group) {
    const int64_t n = std::min(group, H - h0);
    auto x = torch::matmul(q.narrow(1, h0, n), kk.narrow(1, h0, n).transpose(-1, -2)).to(torch::kFloat32) *
             scale;  // (B, n, T, T)
    auto p = torch::softmax(x.masked_fill(mask, -std::numeric_limits<float>::infinity()), -1);
    out.push_back(-(p * torch::log(p.clamp_min(1e-30))).sum(-1));  // (B, n, T)
  }
  return torch::cat(out, 1);
}

}  // namespace

int run_bench_entropy(const cli::Args& args) {
  namespace po = cli::po;
  po::options_description d("ropelab bench entropy");
  cli::add_common_options(d);
  d.add_options()("shapes", po::value<std::string>()->default_value("7b,tiny"),
                  "attention shapes: 7b (32 heads x 128) and/or tiny (the tiny preset)")(
      "lengths", po::value<std::string>()->default_value("1024,2048,4096,8192,16384"), "sequence lengths")(
      "repeats", po::value<int>()->default_value(5),
      "timed repetitions of (a) and (b), alternating, after a warm-up (best is reported)")(
      "device", po::value<std::string>()->default_value("cpu"), "cpu or cuda")(
      "naive-max-gib", po::value<double>()->default_value(8.0),
      "memory for the naive T×T matrices; heads are done in groups that fit")(
      "naive-max-len", po::value<int64_t>()->default_value(16384),
      "skip the naive case (c) above this T (it is minutes per case at 16k on a CPU)");
  const auto vm =
      cli::parse_command("ropelab bench entropy [--shapes 7b,tiny] [--lengths 1024,...,16384]", d, args);
  const int repeats = vm["repeats"].as<int>();
  check_input(repeats >= 1, "--repeats must be >= 1");
  const auto lengths = cli::parse_int_list(vm["lengths"].as<std::string>(), "--lengths");
  const c10::Device dev(vm["device"].as<std::string>());
  const double naive_max = vm["naive-max-gib"].as<double>();
  const int64_t naive_max_len = vm["naive-max-len"].as<int64_t>();
  check_input(naive_max_len >= 1, "--naive-max-len (", naive_max_len, ") must be >= 1");
  torch::NoGradGuard ng;
  install_tensor_memory_counter();  // before q/k/v: every tensor of a case is counted

  std::cout << "# " << version_text().substr(0, version_text().find('\n')) << ", " << at::get_num_threads()
            << " threads on " << dev.str()
            << "; MiB = peak tensor memory of the case (CPU: counted allocations; CUDA: allocator peak); "
               "RSS = peak resident MiB above the pre-case baseline\n";
  std::cout << "| shape | T | (a) ms | (b) ms | (c) ms | (b)/(a) | (c)/(b) | (a) MiB | (b) MiB | (c) MiB | "
               "(b)/(a) mem "
               "| (a) RSS | (b) RSS |\n"
               "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  std::stringstream ss(vm["shapes"].as<std::string>());
  std::string shape;
  while (std::getline(ss, shape, ',')) {
    int64_t H = 32, Hkv = 32, D = 128;
    if (shape == "tiny") {
      auto c = *ModelConfig::preset("tiny");
      H = c.num_attention_heads, Hkv = c.num_key_value_heads, D = c.head_dim();
    } else {
      check_input(shape == "7b", "--shapes: unknown shape '", shape, "'; valid: 7b, tiny");
    }
    for (int64_t T : lengths) {
      check_input(T >= 1, "--lengths: ", T, " must be >= 1");
      auto o = torch::TensorOptions().device(dev).dtype(torch::kFloat32);
      auto q = torch::randn({1, H, T, D}, o), k = torch::randn({1, Hkv, T, D}, o),
           v = torch::randn({1, Hkv, T, D}, o);
      auto pos = torch::arange(T, torch::kLong);
      auto scale = torch::full({T}, float(1.0 / std::sqrt(double(D))), torch::kFloat32);
      AttendOptions plain, with;
      with.want_entropy = true;
      auto run_a = [&] { attend(q, k, v, pos, pos, scale, plain); };
      auto run_b = [&] { attend(q, k, v, pos, pos, scale, with); };
      auto a = measure(dev, true, run_a);  // peak memory (and a first time)
      auto b = measure(dev, true, run_b);
      auto [ta, tb] = best_times_interleaved(dev, repeats, run_a, run_b);
      a.secs = std::min(a.secs, ta);
      b.secs = std::min(b.secs, tb);
      Measure c;
      // About 3 live fp32 (T × T) matrices per head (logits, probabilities, p ln p).
      const double per_head_gib = 3.0 * double(T) * double(T) * 4.0 / double(1 << 30);
      const int64_t group = std::min<int64_t>(H, int64_t(naive_max / per_head_gib));
      const double need_gib = per_head_gib * double(std::max<int64_t>(group, 1));
      std::string skip_reason;
      if (T > naive_max_len)
        skip_reason = "skip (T > --naive-max-len)";
      else if (group < 1)
        skip_reason = "skip (" + std::to_string(need_gib) + " GiB/head)";
      c.skipped = !skip_reason.empty();
      if (!c.skipped)
        c = measure(dev, false, [&] { naive_entropy(q, k, 1.0 / std::sqrt(double(D)), group); });
      auto f = [](double x) {
        std::ostringstream s;
        s << std::fixed << std::setprecision(1) << x;
        return s.str();
      };
      std::cout << "| " << shape << " " << H << "x" << D << " | " << T << " | " << f(a.secs * 1e3) << " | "
                << f(b.secs * 1e3) << " | " << (c.skipped ? "skip" : f(c.secs * 1e3)) << " | "
                << std::setprecision(2) << std::fixed << b.secs / a.secs << " | "
                << (c.skipped ? "-" : f(c.secs / b.secs)) << " | " << f(a.extra_mib) << " | "
                << f(b.extra_mib) << " | " << (c.skipped ? skip_reason : f(c.extra_mib)) << " | "
                << std::setprecision(2) << (a.extra_mib > 0 ? b.extra_mib / a.extra_mib : 0.0) << " | "
                << f(a.rss_mib) << " | " << f(b.rss_mib) << " |\n"
                << std::flush;
    }
  }
  return 0;
}

}  // namespace ropelab
