#include "core/util/host_memory.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/util/error.h"

namespace ropelab {

int64_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return -1;
  return int64_t(pages) * int64_t(page);
}

std::string format_bytes(double bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  double v = bytes;
  while (std::fabs(v) >= 1024.0 && u < 6) {
    v /= 1024.0;
    ++u;
  }
  char buf[64];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%.0f B", v);
  else if (u < 3)
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[u]);
  else
    std::snprintf(buf, sizeof buf, "%.2f %s", v, kUnits[u]);
  return buf;
}

void check_fits_host_memory(double bytes, const std::string& what) {
  const int64_t have = physical_memory_bytes();
  if (have <= 0) return;  // unknown: nothing to compare with
  check_input(std::isfinite(bytes) && bytes <= double(have), what, " needs ", format_bytes(bytes),
              "; this machine has ", format_bytes(double(have)), " of memory");
}

void check_fits_disk(double bytes, const std::string& path, const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = fs::absolute(path, ec);
  while (!dir.empty() && !fs::exists(dir, ec) && dir != dir.parent_path()) dir = dir.parent_path();
  struct statvfs st;
  if (::statvfs(dir.c_str(), &st) != 0) return;  // unknown: the write itself will report
  const double free_bytes = double(st.f_bavail) * double(st.f_frsize);
  check_input(std::isfinite(bytes) && bytes <= free_bytes, what, " needs ", format_bytes(bytes), "; ",
              dir.string(), " has ", format_bytes(free_bytes), " free");
}

}  // namespace ropelab
