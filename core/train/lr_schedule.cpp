#include "core/train/lr_schedule.h"

#include <cmath>

#include "core/util/error.h"

namespace ropelab {

void LrSchedule::validate() const {
  check_input(std::isfinite(peak) && peak > 0, "`lr` (", peak, ") must be a finite number > 0");
  check_input(min_lr >= 0 && min_lr <= peak, "`min_lr` (", min_lr, ") must be in [0, `lr`]");
  check_input(warmup_steps >= 0, "`warmup_steps` (", warmup_steps, ") must be >= 0");
  check_input(total_steps >= 1, "the run has ", total_steps, " optimizer steps; it needs at least 1");
  check_input(warmup_steps < total_steps || total_steps == 1, "`warmup_steps` (", warmup_steps,
              ") must be smaller than the number of steps (", total_steps, ")");
}

double LrSchedule::at(int64_t step) const {
  if (step < warmup_steps) return peak * double(step) / double(std::max<int64_t>(1, warmup_steps));
  const double progress =
      double(step - warmup_steps) / double(std::max<int64_t>(1, total_steps - warmup_steps));
  return min_lr + (peak - min_lr) * 0.5 * (1.0 + std::cos(M_PI * progress));
}

}  // namespace ropelab
