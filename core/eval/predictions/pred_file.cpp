#include "core/eval/predictions/pred_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "core/util/error.h"
#include "core/util/files.h"

namespace ropelab::predictions {

namespace {

nlohmann::json parse_prediction_line(const std::string& line, const std::filesystem::path& path,
                                     size_t lineno) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range.406 ("1e999")
    fail_input(path.string(), ":", lineno, ": not valid JSON (", e.what(),
               "); this is not a prediction file ropelab can resume — move it away or pass `overwrite`");
  }
  check_input(j.is_object() && j.contains("pred"), path.string(), ":", lineno,
              ": not a prediction line (expected an object with \"pred\")");
  return j;
}

}  // namespace

std::string prediction_line(const nlohmann::json& record) {
  return record.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

std::vector<nlohmann::json> read_prediction_lines(const std::filesystem::path& path) {
  const std::string text = read_text_file(path);
  std::vector<nlohmann::json> out;
  size_t start = 0, lineno = 0;
  while (start < text.size()) {
    const size_t nl = text.find('\n', start);
    if (nl == std::string::npos) break;  // a partial last line is not a prediction
    ++lineno;
    out.push_back(parse_prediction_line(text.substr(start, nl - start), path, lineno));
    start = nl + 1;
  }
  return out;
}

PredictionAppender::PredictionAppender(std::filesystem::path path) : path_(std::move(path)) {
  if (std::filesystem::exists(path_)) {
    const std::string text = read_text_file(path_);
    const size_t keep =
        text.empty() || text.back() == '\n' ? text.size() : text.rfind('\n') + 1;  // npos+1 == 0
    if (keep != text.size()) {
      std::filesystem::resize_file(path_, keep);
      repaired_ = true;
    }
    done_ = read_prediction_lines(path_).size();
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw std::runtime_error(path_.string() + ": cannot open for appending: " + std::strerror(errno));
}

PredictionAppender::~PredictionAppender() {
  if (fd_ >= 0) ::close(fd_);
}

void PredictionAppender::append(const nlohmann::json& record) {
  const std::string line = prediction_line(record) + "\n";
  size_t off = 0;
  while (off < line.size()) {
    const ssize_t w = ::write(fd_, line.data() + off, line.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) throw std::runtime_error(path_.string() + ": write failed: " + std::strerror(errno));
    off += size_t(w);
  }
  ::fdatasync(fd_);
  ++done_;
}

}  // namespace ropelab::predictions
