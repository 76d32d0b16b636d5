// A prediction file (LongBench, RULER) that a killed run can resume: append-only, one complete JSON line
// per sample, in sample order.
//
// Invariants: opening repairs the file — a trailing partial line (the process died inside a
// write) is cut off, every complete line must be a JSON object with "pred" (anything else is an
// InputError naming FILE:LINE), and done() is the number of complete lines, i.e. the samples a
// rerun skips. append() writes the whole line with one O_APPEND write and fdatasync()s it, so
// after a crash the file holds complete lines plus at most one partial line, which the next open
// removes. Nothing is ever rewritten in the middle.
#pragma once
#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace ropelab::predictions {

class PredictionAppender {
 public:
  explicit PredictionAppender(std::filesystem::path path);  // creates the file when absent
  ~PredictionAppender();
  PredictionAppender(const PredictionAppender&) = delete;
  PredictionAppender& operator=(const PredictionAppender&) = delete;

  size_t done() const { return done_; }
  bool repaired() const { return repaired_; }  // a partial last line was removed on open
  void append(const nlohmann::json& record);   // one line, ensure_ascii=False like pred.py

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  size_t done_ = 0;
  bool repaired_ = false;
};

// The JSON text of one prediction line (no newline): UTF-8 kept as is, invalid UTF-8 in a
// generated string replaced by U+FFFD (what a Python decode with errors='replace' gives).
std::string prediction_line(const nlohmann::json& record);

// Complete lines of a prediction file (each parsed), for merging shards; InputError FILE:LINE.
std::vector<nlohmann::json> read_prediction_lines(const std::filesystem::path& path);

}  // namespace ropelab::predictions
