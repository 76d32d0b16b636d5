// The one progress-line helper (core/util/progress.h): duration format and ETA arithmetic.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "core/util/progress.h"

namespace ropelab {
namespace {

TEST(Progress, DurationsPrintAsMinutesSecondsOrHoursMinutes) {
  EXPECT_EQ(format_duration(0), "0m00s");
  EXPECT_EQ(format_duration(44.6), "0m45s");
  EXPECT_EQ(format_duration(185), "3m05s");
  EXPECT_EQ(format_duration(3599.4), "59m59s");
  EXPECT_EQ(format_duration(3720), "1h02m");
  EXPECT_EQ(format_duration(-1), "?");
  EXPECT_EQ(format_duration(std::nan("")), "?");
  EXPECT_EQ(format_duration(INFINITY), "?");
}

TEST(Progress, EtaFollowsThisRunsPace) {
  const ProgressLine p("tokens");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // Nothing done yet: no ETA.
  EXPECT_NE(p.status(0, 10, 0).find("0/10, 0 tokens/s, ETA ?"), std::string::npos) << p.status(0, 10, 0);
  // 1 of 1,000,000 items in >= 0.2 s: >= 55 h left, printed in hours.
  const std::string s = p.status(1, 1000000, 64);
  EXPECT_EQ(s.rfind("1/1000000, ", 0), 0u) << s;
  EXPECT_NE(s.find("h"), std::string::npos) << s;
  // A resumed run: 90 done, but only 1 by this process: the ETA is the slow pace x 10 left, not
  // the 90-item pace.
  const std::string r = p.status(90, 100, 1, /*done_here=*/1);
  const auto at = r.find("ETA ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_NE(r.substr(at), "ETA 0m00s") << r;
}

}  // namespace
}  // namespace ropelab
