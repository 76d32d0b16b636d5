#include "core/util/files.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/util/error.h"

namespace ropelab {

std::string read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  check_input(in.good(), path.string(), ": cannot open file (does it exist?)");
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

nlohmann::json read_json_file(const fs::path& path) {
  std::string text = read_text_file(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail_input(path.string(), ": invalid JSON at byte ", e.byte, ": ", e.what());
  } catch (const nlohmann::json::out_of_range& e) {  // 406: a number too large for a double
    fail_input(path.string(), ": invalid JSON: ", e.what());
  }
}

SyncedFile::SyncedFile(fs::path path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    const int err = errno;
    throw std::runtime_error(path_.string() + ": cannot write (" + std::strerror(err) + ")");
  }
}

SyncedFile::~SyncedFile() {
  if (fd_ < 0) return;
  ::close(fd_);
  ::unlink(path_.c_str());
}

void SyncedFile::write(const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd_, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      const int err = errno;
      throw std::runtime_error(path_.string() + ": write failed (" + std::strerror(err) + ")");
    }
    p += w;
    n -= size_t(w);
  }
}

void SyncedFile::close() {
  int err = ::fsync(fd_) == 0 ? 0 : errno;
  if (::close(fd_) != 0 && err == 0) err = errno;
  fd_ = -1;
  if (err != 0) {
    ::unlink(path_.c_str());
    throw std::runtime_error(path_.string() + ": write failed (" + std::strerror(err) + ")");
  }
}

void write_text_file_atomic(const fs::path& path, const std::string& text) {
  fs::path tmp = path;
  tmp += ".tmp-" + std::to_string(::getpid());
  SyncedFile out(tmp);
  out.write(text.data(), text.size());
  out.close();
  fs::rename(tmp, path);
}

void check_output_path(const fs::path& path, bool overwrite) {
  if (fs::exists(path) && !overwrite)
    fail_input(path.string(), ": output already exists; pass `overwrite` to replace it");
  check_writable_location(path);
}

void check_writable_location(const fs::path& path) {
  std::error_code ec;
  fs::path dir = fs::absolute(path, ec).parent_path();
  while (!dir.empty() && !fs::exists(dir, ec) && dir != dir.parent_path()) dir = dir.parent_path();
  const fs::path probe = dir / (".ropelab-write-test-" + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    const int err = errno;
    fail_input(path.string(), ": cannot write in ", dir.string(), " (", std::strerror(err), ")");
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

AtomicDir::AtomicDir(fs::path target, bool overwrite) : target_(std::move(target)), overwrite_(overwrite) {
  check_output_path(target_, overwrite_);
  tmp_ = target_;
  tmp_ += ".tmp-" + std::to_string(::getpid());
  fs::remove_all(tmp_);
  if (target_.has_parent_path()) fs::create_directories(target_.parent_path());
  fs::create_directories(tmp_);
}

AtomicDir::~AtomicDir() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(tmp_, ec);
  }
}

void AtomicDir::commit() {
  if (fs::exists(target_)) {
    check_output_path(target_, overwrite_);
    fs::path old = target_;
    old += ".old-" + std::to_string(::getpid());
    fs::rename(target_, old);
    fs::rename(tmp_, target_);
    fs::remove_all(old);
  } else {
    fs::rename(tmp_, target_);
  }
  committed_ = true;
}

// --- SHA-256: OpenSSL's libcrypto (EVP), not a hand-written digest ------------------------------
std::string sha256_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  check_input(in.good(), path.string(), ": cannot open file for hashing");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL: cannot initialise SHA-256");
  std::vector<char> chunk(1 << 20);
  while (in) {
    in.read(chunk.data(), std::streamsize(chunk.size()));
    if (in.gcount() > 0 && EVP_DigestUpdate(ctx.get(), chunk.data(), size_t(in.gcount())) != 1)
      throw std::runtime_error("OpenSSL: SHA-256 update failed");
  }
  check_input(in.eof(), path.string(), ": read error while hashing");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest, &n) != 1)
    throw std::runtime_error("OpenSSL: SHA-256 final failed");
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += digits[digest[i] >> 4];
    out += digits[digest[i] & 0xf];
  }
  return out;
}

}  // namespace ropelab
