#include "core/util/version.h"

#include <ATen/Config.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <ctime>
#include <sstream>

#include "core/util/threads.h"
#include "git_sha.h"

namespace ropelab {

std::string toolkit_version() { return ROPELAB_VERSION; }
std::string git_sha() { return ROPELAB_GIT_SHA; }
std::string torch_version() { return TORCH_VERSION; }

bool cuda_compiled() {
#ifdef ROPELAB_CUDA
  return true;
#else
  return false;
#endif
}

bool cuda_available() { return torch::cuda::is_available(); }

std::string blas_info() {
  // at::show_config() lists the build's BLAS/LAPACK; keep the relevant lines only.
  std::istringstream in(at::show_config());
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.find("BLAS") != std::string::npos || line.find("LAPACK") != std::string::npos) {
      auto first = line.find_first_not_of(" -");
      if (!out.empty()) out += "; ";
      out += line.substr(first == std::string::npos ? 0 : first);
    }
  }
  return out.empty() ? "unknown" : out;
}

std::string version_text() {
  std::ostringstream os;
  os << "ropelab " << toolkit_version() << " (git " << git_sha() << ")\n"
     << "LibTorch " << torch_version() << "\n"
     << "CUDA: " << (cuda_compiled() ? "compiled" : "not compiled")
     << (cuda_available() ? ", device available" : ", no device") << "\n"
     << "BLAS: " << blas_info() << "\n"
     << "BLAS at run time: " << runtime_blas() << "\n"
     << "threads: " << at::get_num_threads() << "\n";
  return os.str();
}

nlohmann::json provenance_json() {
  return {{"ropelab_version", toolkit_version()},
          {"git_sha", git_sha()},
          {"torch_version", torch_version()},
          {"cuda", cuda_compiled()},
          {"created_utc", utc_now_iso8601()}};
}

std::string utc_now_iso8601() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace ropelab
