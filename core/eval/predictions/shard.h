// Splitting a prediction run (LongBench, RULER) over processes (shard "i/n") and merging the shards back.
//
// Invariants: shard i of n owns the samples k with k % n == i (pred.py's data_all[i::n]), i is
// 0-based. A shard writes `<dataset>.shard-i-of-n.part` — not a `.jsonl`, so the scorer never
// mistakes a partial shard for a dataset — in the order of its samples. merge_shards interleaves
// the n files back into dataset order and writes `<dataset>.jsonl` atomically, only when every
// shard holds exactly the number of lines it owns (an incomplete shard is an InputError naming it).
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace ropelab::predictions {

struct Shard {
  int64_t index = 0, count = 1;
  static Shard parse(const std::string& spec);  // "i/n", 0 <= i < n; InputError naming `shard`
  bool sharded() const { return count > 1; }
  bool owns(size_t sample) const { return int64_t(sample % size_t(count)) == index; }
  size_t owned(size_t n_samples) const;  // how many of n_samples this shard owns
  std::string tag() const;               // "shard-i-of-n"
};

// "<dataset>.jsonl" unsharded, "<dataset>.shard-i-of-n.part" otherwise.
std::string prediction_file_name(const std::string& dataset, const Shard& shard);

// Merges `count` shard files of `dataset` (n_samples in total) into DIR/<dataset>.jsonl.
// Refuses an existing <dataset>.jsonl unless overwrite. Returns the number of lines written.
size_t merge_shards(const std::filesystem::path& dir, const std::string& dataset, int64_t count,
                    size_t n_samples, bool overwrite);

}  // namespace ropelab::predictions
