#include "core/util/files.h"

#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
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
  }
}

void write_text_file_atomic(const fs::path& path, const std::string& text) {
  fs::path tmp = path;
  tmp += ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(tmp.string() + ": cannot write (directory missing or read-only?)");
    out << text;
    out.flush();
    if (!out) throw std::runtime_error(tmp.string() + ": write failed (disk full?)");
  }
  fs::rename(tmp, path);
}

void check_output_path(const fs::path& path, bool overwrite) {
  if (fs::exists(path) && !overwrite)
    fail_input(path.string(), ": output already exists; pass --overwrite to replace it");
}

AtomicDir::AtomicDir(fs::path target, bool overwrite)
    : target_(std::move(target)), overwrite_(overwrite) {
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

// --- SHA-256 (FIPS 180-4), small and dependency-free -----------------------------------------
namespace {
constexpr std::array<uint32_t, 64> kK = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

struct Sha256 {
  std::array<uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  uint8_t buf[64];
  size_t len = 0;
  uint64_t total = 0;

  void block(const uint8_t* p) {
    uint32_t w[64];
    for (int i = 0; i < 16; ++i)
      w[i] = (uint32_t(p[4 * i]) << 24) | (uint32_t(p[4 * i + 1]) << 16) |
             (uint32_t(p[4 * i + 2]) << 8) | uint32_t(p[4 * i + 3]);
    for (int i = 16; i < 64; ++i) {
      uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kK[i] + w[i];
      uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  void update(const uint8_t* p, size_t n) {
    total += n;
    while (n > 0) {
      size_t take = std::min(n, 64 - len);
      std::memcpy(buf + len, p, take);
      len += take; p += take; n -= take;
      if (len == 64) { block(buf); len = 0; }
    }
  }
  std::string hex() {
    uint64_t bits = total * 8;
    uint8_t pad = 0x80;
    update(&pad, 1);
    uint8_t zero = 0;
    while (len != 56) update(&zero, 1);
    uint8_t lenb[8];
    for (int i = 0; i < 8; ++i) lenb[i] = uint8_t(bits >> (56 - 8 * i));
    update(lenb, 8);
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (uint32_t v : h)
      for (int i = 7; i >= 0; --i) out += digits[(v >> (4 * i)) & 0xf];
    return out;
  }
};
}  // namespace

std::string sha256_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  check_input(in.good(), path.string(), ": cannot open file for hashing");
  Sha256 sha;
  std::vector<char> chunk(1 << 20);
  while (in) {
    in.read(chunk.data(), chunk.size());
    sha.update(reinterpret_cast<const uint8_t*>(chunk.data()), size_t(in.gcount()));
  }
  return sha.hex();
}

}  // namespace ropelab
