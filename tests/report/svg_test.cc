// The report's drawing primitives: escaping of user data, axis ticks, scales.
#include "daemon/report/svg.h"

#include <gtest/gtest.h>

namespace eb::report {
namespace {

TEST(ReportSvg, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(escape_html("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
  EXPECT_EQ(escape_html("int8 \xC3\x97 4"), "int8 \xC3\x97 4");  // UTF-8 passes through
  EXPECT_EQ(escape_html(""), "");
}

TEST(ReportSvg, TicksAreRoundAndCoverTheRange) {
  const Ticks t = nice_ticks(0, 12.7);
  EXPECT_DOUBLE_EQ(t.step, 2);
  EXPECT_DOUBLE_EQ(t.lo, 0);
  EXPECT_DOUBLE_EQ(t.hi, 14);
  ASSERT_EQ(t.values.size(), 8u);
  EXPECT_DOUBLE_EQ(t.values.back(), 14);
  EXPECT_EQ(t.decimals, 0);

  const Ticks z = nice_ticks(89.55, 90.85, 5);  // accuracies a few tenths apart
  EXPECT_DOUBLE_EQ(z.step, 0.5);
  EXPECT_LE(z.lo, 89.55);
  EXPECT_GE(z.hi, 90.85);
  EXPECT_EQ(z.decimals, 1);
}

TEST(ReportSvg, DegenerateRangesStillGiveAnAxis) {
  const Ticks one = nice_ticks(3.5, 3.5);
  EXPECT_LT(one.lo, 3.5);
  EXPECT_GT(one.hi, 3.5);
  EXPECT_GE(one.values.size(), 2u);
  const Ticks zero = nice_ticks(0, 0);
  EXPECT_LT(zero.lo, zero.hi);
  const Ticks swapped = nice_ticks(10, 0);
  EXPECT_DOUBLE_EQ(swapped.lo, 0);
  EXPECT_DOUBLE_EQ(swapped.hi, 10);
}

TEST(ReportSvg, NumbersNeverPrintNanOrNegativeZero) {
  EXPECT_EQ(px(1.0 / 0.0), "0.00");
  EXPECT_EQ(fixed(-0.0001, 2), "0.00");
  EXPECT_EQ(fixed(2.345, 1), "2.3");
}

TEST(ReportSvg, ScalesMapDomainToPixels) {
  const Scale y{0, 10, 300, 100};  // y grows downwards
  EXPECT_DOUBLE_EQ(y(0), 300);
  EXPECT_DOUBLE_EQ(y(10), 100);
  EXPECT_DOUBLE_EQ(y(5), 200);
  const Scale log{0.1, 10, 0, 200, true};
  EXPECT_DOUBLE_EQ(log(1), 100);  // one decade of two
  EXPECT_NEAR(log(10), 200, 1e-9);
  EXPECT_DOUBLE_EQ(log(0), 0);  // non-positive values sit at the low end instead of -inf
}

TEST(ReportSvg, LogTicksSpanTheRangeInOneTwoFiveSteps) {
  const Ticks t = log_ticks(0.14, 8.3);  // fast kernels with scheduler spikes
  EXPECT_TRUE(t.log);
  EXPECT_EQ(t.labels, (std::vector<std::string>{"0.1", "0.2", "0.5", "1", "2", "5", "10"}));
  EXPECT_DOUBLE_EQ(t.lo, 0.1);
  EXPECT_DOUBLE_EQ(t.hi, 10);
  const Ticks wide = log_ticks(0.01, 500);  // many decades: decades only
  EXPECT_EQ(wide.labels, (std::vector<std::string>{"0.01", "0.1", "1", "10", "100", "1000"}));
}

}  // namespace
}  // namespace eb::report
