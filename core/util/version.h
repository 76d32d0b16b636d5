// Build and runtime identity recorded in every output: toolkit version, git SHA, LibTorch,
// CUDA, BLAS and threads.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace ropelab {

std::string toolkit_version();     // "0.1.0"
std::string git_sha();             // short SHA, "-dirty" when built from a modified tree
std::string torch_version();       // "1.13.1"
bool cuda_compiled();              // built with ROPELAB_CUDA
bool cuda_available();             // a CUDA device is visible at run time
std::string blas_info();           // BLAS/LAPACK backend as LibTorch reports it
std::string version_text();        // multi-line, for the CLI's version option
nlohmann::json provenance_json();  // {"ropelab_version", "git_sha", "torch_version", ...}
std::string utc_now_iso8601();

}  // namespace ropelab
