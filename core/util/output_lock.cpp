#include "core/util/output_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/util/error.h"

namespace ropelab {

namespace fs = std::filesystem;

fs::path OutputLock::lock_path(const fs::path& target) {
  fs::path t = target;
  while (t.has_filename() == false && t.has_parent_path() && t != t.parent_path())
    t = t.parent_path();  // "dir/"
  return t.parent_path() / ("." + t.filename().string() + ".lock");
}

OutputLock::OutputLock(const fs::path& target) {
  const fs::path lock = lock_path(target);
  std::error_code ec;
  if (lock.has_parent_path()) fs::create_directories(lock.parent_path(), ec);
  fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    const int err = errno;
    fail_input(target.string(), ": cannot create the lock file ", lock.string(), " (", std::strerror(err),
               ")");
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char buf[32] = {0};
    const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK)
      fail_input(target.string(), ": being written by another process (pid ",
                 n > 0 ? std::string(buf, size_t(n)) : "?", ", lock ", lock.string(),
                 "); wait for it or write elsewhere");
    fail_input(target.string(), ": cannot lock ", lock.string(), " (", std::strerror(err), ")");
  }
  // The holder's pid, for the message above; informative only (the flock is what counts).
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd_, 0) == 0) {
    const ssize_t w = ::pwrite(fd_, pid.data(), pid.size(), 0);
    (void)w;
  }
}

OutputLock::~OutputLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace ropelab
