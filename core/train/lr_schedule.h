// Learning-rate schedule: linear warm-up from 0 to the peak, then cosine decay to min_lr over the
// remaining steps — Hugging Face's get_cosine_schedule_with_warmup (min_lr 0) evaluated at the
// 0-based index of the optimizer update. With no warm-up the first update uses the peak; with
// 6 steps the last uses peak·(1+cos(5π/6))/2.
#pragma once
#include <cstdint>

namespace ropelab {

struct LrSchedule {
  double peak = 2e-5;
  int64_t warmup_steps = 0;
  int64_t total_steps = 1;
  double min_lr = 0.0;
  void validate() const;
  double at(int64_t step) const;  // step in [0, total_steps)
};

}  // namespace ropelab
