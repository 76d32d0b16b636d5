// Refusing work that cannot fit before allocating it: a config with 10^9 layers, or a length of
// 10^12 tokens, must end in one line that says how much it would need, not in minutes of
// allocation followed by the OOM killer. No LibTorch here: configs and CLIs use it.
#pragma once
#include <cstdint>
#include <string>

namespace ropelab {

// Physical memory of this machine in bytes (sysconf), or -1 when unknown.
int64_t physical_memory_bytes();

// "812 B", "1.5 KiB", "2.5 MiB", "12.34 GiB", "73.56 TiB", "3.55 PiB": binary units; two decimals
// from GiB up (memory plans compare GiB), one below. A double, so absurd sizes print too.
std::string format_bytes(double bytes);

// Throws InputError "<what> needs <bytes>; this machine has <physical>" when `bytes` exceeds the
// physical memory. `bytes` is a double so that absurd requests (10^15 elements) do not overflow.
void check_fits_host_memory(double bytes, const std::string& what);

// Throws InputError "<what> needs <bytes>; <dir> has <free> free" when the file system that will
// hold `path` (its nearest existing ancestor) has less free space than `bytes`.
void check_fits_disk(double bytes, const std::string& path, const std::string& what);

}  // namespace ropelab
