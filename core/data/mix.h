// A mix "text=0.4,passkey=0.2,sdqa=0.1,..." parsed into weights per kind, and turned into exact
// per-kind counts (largest remainder) laid out in a seeded order.
//
// Invariants: keys are unique and known (InputError names the option and lists the valid keys),
// weights are finite, >= 0 and sum to 1 within 1e-3; "text" (a plain-corpus chunk), "repeat" (a
// chunk followed by a copy of part of it), "randrepeat" (a random word sequence written again and
// again) and "randfacts" (random key-value facts stated and mentioned again) are only accepted where the
// caller allows plain corpus.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/tasks.h"

namespace ropelab::data {

struct MixEntry {
  std::string key;  // "text", "repeat", "randrepeat", "randfacts" or a task name
  double weight = 0;
};

std::vector<MixEntry> parse_mix(const std::string& spec, const std::string& option, bool allow_text);
std::string mix_to_string(const std::vector<MixEntry>& mix);

// The key of each of `count` items: counts per key by largest remainder, order shuffled by seed.
std::vector<std::string> mix_schedule(const std::vector<MixEntry>& mix, size_t count, uint64_t seed);

}  // namespace ropelab::data
