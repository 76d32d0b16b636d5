#include "core/io/h5_update.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "core/util/error.h"
#include "core/util/numbers.h"

namespace ropelab::h5 {

namespace fs = std::filesystem;

namespace {

// Temporaries `NAME.tmp-<pid>` whose process is gone are leftovers of a kill.
void remove_stale_temporaries(const fs::path& target) {
  std::error_code ec;
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string prefix = target.filename().string() + ".tmp-";
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string pid = name.substr(prefix.size());
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto parsed = parse_int64(pid);  // all digits, but maybe beyond a pid (std::stol threw)
    if (!parsed || *parsed > INT32_MAX) continue;
    const long p = long(*parsed);
    if (p != long(::getpid()) && ::kill(pid_t(p), 0) != 0 && errno == ESRCH) fs::remove(e.path(), ec);
  }
}

[[noreturn]] void fail_io(const std::string& path, const std::string& what, int err) {
  throw std::runtime_error(path + ": " + what + " (" + std::strerror(err) + ")");
}

void fsync_path(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) fail_io(path, "cannot reopen to sync", errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) fail_io(path, "cannot sync to disk", err);
}

// A plain read/write loop: std::filesystem::copy_file reports a full tmpfs as EIO, and the cause
// (ENOSPC) is what the user needs to read.
void copy_file_checked(const std::string& from, const std::string& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) fail_io(from, "cannot open", errno);
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    const int err = errno;
    ::close(in);
    fail_io(to, "cannot create", err);
  }
  std::vector<char> buf(1 << 20);
  int err = 0;
  for (;;) {
    const ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      break;
    }
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(out, buf.data() + done, size_t(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        err = errno;
        break;
      }
      done += w;
    }
    if (err) break;
  }
  ::close(in);
  if (::close(out) != 0 && !err) err = errno;
  if (err) {
    ::unlink(to.c_str());
    fail_io(from, "cannot copy to " + to + " before adding a run", err);
  }
}

}  // namespace

Update::Update(const std::string& path, bool start_empty) : path_(path) {
  const fs::path target(path);
  if (target.has_parent_path() && !fs::is_directory(target.parent_path()))
    fail_input(path, ": the output directory ", target.parent_path().string(), " does not exist");
  remove_stale_temporaries(target);
  tmp_ = path + ".tmp-" + std::to_string(::getpid());
  std::error_code ec;
  fs::remove(tmp_, ec);
  if (!start_empty && fs::exists(target)) {
    H5File::open_read(path);  // not an HDF5 file -> InputError naming it, before any copy
    copy_file_checked(path, tmp_);
  }
  try {
    file_.emplace(H5File::create_or_open(tmp_));
  } catch (...) {
    fs::remove(tmp_, ec);
    throw;
  }
}

Update::~Update() {
  if (committed_) return;
  file_.reset();
  std::error_code ec;
  fs::remove(tmp_, ec);
}

void Update::commit() {
  file_->flush();
  file_.reset();  // closes the file: HDF5 writes what it still caches now
  fsync_path(tmp_);
  std::error_code ec;
  fs::rename(tmp_, path_, ec);
  if (ec) throw std::runtime_error(path_ + ": cannot move " + tmp_ + " into place (" + ec.message() + ")");
  committed_ = true;
}

}  // namespace ropelab::h5
