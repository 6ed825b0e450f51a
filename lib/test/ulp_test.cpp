// ulp_distance and ulp_of: the yardstick of every accuracy claim, checked on values whose
// distance is known exactly.
#include "gradaudit/testing/ulp.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {
using gradaudit::ref_t;
using gradaudit::testing::ulp_distance;
using gradaudit::testing::ulp_of;
using lim = std::numeric_limits<double>;

TEST(UlpDistance, ExactIsZero) {
  for (double x : {0.0, 1.0, -1.0, 0.1, lim::max(), lim::min(), lim::denorm_min(), -3e-310})
    EXPECT_EQ(ulp_distance(x, ref_t(x)), 0.0) << x;
}

TEST(UlpDistance, NeighboursAreOneApart) {
  for (double x : {1.0, 0.1, 1e300, 3e-310, lim::min(), lim::denorm_min(), 1.5}) {
    const double next = std::nextafter(x, lim::infinity());
    // For x a power of two, next - x = ulp(x), and ulp is taken at the exact value x.
    EXPECT_EQ(ulp_distance(next, ref_t(x)), 1.0) << x;
  }
}

TEST(UlpDistance, HalfwayBetweenNeighbours) {
  const ref_t mid = (ref_t(1.0) + ref_t(std::nextafter(1.0, 2.0))) / 2;
  EXPECT_EQ(ulp_distance(1.0, mid), 0.5);
}

TEST(UlpDistance, SubnormalsCountWithTheSmallestSpacing) {
  EXPECT_EQ(ulp_of<double>(ref_t(lim::denorm_min())), ref_t(lim::denorm_min()));
  EXPECT_EQ(ulp_of<double>(ref_t(0)), ref_t(lim::denorm_min()));
  // A value far below the subnormals against 0: a fraction of 2^-1074.
  const ref_t tiny = ldexp(ref_t(1), -1100);
  EXPECT_GT(ulp_distance(0.0, tiny), 0.0);
  EXPECT_LT(ulp_distance(0.0, tiny), 1e-7);
  EXPECT_EQ(ulp_distance(lim::denorm_min(), ref_t(0)), 1.0);
}

TEST(UlpDistance, NonFiniteAndOverflow) {
  const double inf = lim::infinity(), nan = lim::quiet_NaN();
  EXPECT_EQ(ulp_distance(nan, ref_t(nan)), 0.0);
  EXPECT_EQ(ulp_distance(nan, ref_t(1)), inf);
  EXPECT_EQ(ulp_distance(1.0, ref_t(nan)), inf);
  EXPECT_EQ(ulp_distance(inf, ref_t(inf)), 0.0);
  EXPECT_EQ(ulp_distance(-inf, ref_t(inf)), inf);
  // 2·max overflows to inf under round-to-nearest; max itself does not.
  EXPECT_EQ(ulp_distance(inf, ref_t(lim::max()) * 2), 0.0);
  EXPECT_EQ(ulp_distance(inf, ref_t(lim::max())), inf);
  // Beyond max the spacing stays that of the top binade, 2^971: (2max - max)/2^971 = 2^53 - 1.
  EXPECT_EQ(ulp_distance(lim::max(), ref_t(lim::max()) * 2), 0x1p53 - 1);
}

TEST(UlpDistance, FloatFormat) {
  EXPECT_EQ(ulp_distance(std::nextafter(1.0f, 2.0f), ref_t(1.0f)), 1.0);
}

TEST(ToDigits, PrintsRequestedSignificantDigits) {
  EXPECT_EQ(gradaudit::testing::to_digits(ref_t(1) / 3, 5), "3.3333e-01");
  EXPECT_EQ(gradaudit::testing::shortest(0.1), "0.1");
  EXPECT_EQ(gradaudit::testing::shortest(-lim::infinity()), "-inf");
}

}  // namespace
