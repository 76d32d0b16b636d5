// Refusing work that cannot fit before allocating it: a config with 10^9 layers, or a length of
// 10^12 tokens, must end in one line that says how much it would need, not in minutes of
// allocation followed by the OOM killer. No LibTorch here: configs and CLIs use it.
#pragma once
#include <cstdint>
#include <string>

namespace ropelab {

// Physical memory of this machine in bytes (sysconf), or -1 when unknown.
int64_t physical_memory_bytes();

// "1.50 GiB", "3.2 TiB", "812 B": binary units, three significant figures.
std::string format_bytes(double bytes);

// Throws InputError "<what> needs <bytes>; this machine has <physical>" when `bytes` exceeds the
// physical memory. `bytes` is a double so that absurd requests (10^15 elements) do not overflow.
void check_fits_host_memory(double bytes, const std::string& what);

// Throws InputError "<what> needs <bytes>; <dir> has <free> free" when the file system that will
// hold `path` (its nearest existing ancestor) has less free space than `bytes`.
void check_fits_disk(double bytes, const std::string& path, const std::string& what);

}  // namespace ropelab
