// One writer per output. Two processes writing the same result file or directory would
// interleave (two entropy runs rewriting one HDF5 file, two fine-tunes saving into one folder);
// the second is refused instead. The lock is an advisory flock(2) on a hidden sibling file
// `.NAME.lock`, held for the life of the object (the process, in practice) and released by the
// kernel when the process dies, so a killed job never leaves a stale lock. The lock file itself
// stays: unlinking it would let a third process lock a new file while the second still holds
// the old one.
#pragma once
#include <filesystem>
#include <string>

namespace ropelab {

class OutputLock {
 public:
  // InputError "<target>: being written by another process (pid N) ..." when held elsewhere.
  explicit OutputLock(const std::filesystem::path& target);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  static std::filesystem::path lock_path(const std::filesystem::path& target);

 private:
  int fd_ = -1;
};

}  // namespace ropelab
