// File-system helpers with the toolkit's error policy: every failure names the path.
//
// Atomic outputs: write into a sibling temporary ("DIR.tmp-<pid>") and rename over the target at
// the end, so a crash never leaves a half-written result under the final name. Existing outputs
// are refused unless overwrite is set.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace ropelab {

namespace fs = std::filesystem;

std::string read_text_file(const fs::path& path);     // InputError if missing/unreadable
nlohmann::json read_json_file(const fs::path& path);  // InputError names path + parse position
void write_text_file_atomic(const fs::path& path, const std::string& text);  // temp + rename
std::string sha256_file(const fs::path& path);                               // hex digest

// A file written front to back with errors that name the path and errno's cause ("No space left
// on device"), synced to disk by close(). Destroyed without a successful close(), the partial file
// is removed, so a full disk never leaves a short file behind.
class SyncedFile {
 public:
  explicit SyncedFile(fs::path path);
  ~SyncedFile();
  SyncedFile(const SyncedFile&) = delete;
  SyncedFile& operator=(const SyncedFile&) = delete;
  void write(const void* data, size_t n);
  void close();

 private:
  fs::path path_;
  int fd_ = -1;
};

// Refuses to replace an existing output unless `overwrite`; the message names the option. Also
// checks that the output's directory (or its nearest existing ancestor) can be written, so an
// unwritable place is an error before any work starts.
void check_output_path(const fs::path& path, bool overwrite);
// The writability check alone: creates and removes a probe file; InputError names `path` and the
// cause ("Read-only file system", "Permission denied", ...).
void check_writable_location(const fs::path& path);

// A directory built under a temporary name and moved into place by commit().
// If destroyed without commit() the temporary is removed.
class AtomicDir {
 public:
  AtomicDir(fs::path target, bool overwrite);
  ~AtomicDir();
  AtomicDir(const AtomicDir&) = delete;
  AtomicDir& operator=(const AtomicDir&) = delete;

  const fs::path& path() const { return tmp_; }  // write here
  const fs::path& target() const { return target_; }
  void commit();

 private:
  fs::path target_, tmp_;
  bool overwrite_, committed_ = false;
};

}  // namespace ropelab
