// The real-number generators: they stay in their sets, produce the special values they
// promise, and shrink to simpler values.
#include "gradaudit/testing/generators.hpp"

#include "gradaudit/testing/ulp.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace {

namespace gen = gradaudit::testing::gen;
using lim = std::numeric_limits<double>;

TEST(Generators, RealInStaysInRangeAndCoversIt) {
  const auto v = gen::sample(gen::real_in(-700, 700), 20000, 1);
  EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](double x) { return x >= -700 && x <= 700; }));
  // Log-scaled magnitudes reach small values; endpoints and 0 are mixed in.
  EXPECT_TRUE(
      std::any_of(v.begin(), v.end(), [](double x) { return x != 0 && std::abs(x) < 1e-5; }));
  EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](double x) { return x == 700; }));
  EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](double x) { return x == 0; }));
  EXPECT_GT(std::count_if(v.begin(), v.end(), [](double x) { return x > 350; }), 1000);
}

TEST(Generators, AnyFiniteReachesEveryRegion) {
  const auto v = gen::sample(gen::any_finite(), 20000, 2);
  auto has = [&](auto pred) { return std::any_of(v.begin(), v.end(), pred); };
  EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); }));
  EXPECT_TRUE(has([](double x) { return x != 0 && std::abs(x) < lim::min(); }));  // subnormal
  EXPECT_TRUE(has([](double x) { return x == 0 && std::signbit(x); }));           // -0
  EXPECT_TRUE(has([](double x) { return x == lim::max(); }));
  EXPECT_TRUE(has([](double x) { return x == -lim::denorm_min(); }));
  EXPECT_TRUE(has([](double x) { return std::abs(x) > 1e300; }));
}

TEST(Generators, AnyDoubleMixesInNonFinite) {
  const auto v = gen::sample(gen::any_double(), 20000, 3);
  EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](double x) { return std::isnan(x); }));
  EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](double x) { return x == -lim::infinity(); }));
}

TEST(Generators, ProbabilityIsDenseAtBothEnds) {
  const auto v = gen::sample(gen::probability(), 20000, 4);
  EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](double x) { return x >= 0 && x <= 1; }));
  EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](double x) { return x > 0 && x < 1e-300; }));
  EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](double x) { return x < 1 && x > 1 - 1e-15; }));
  const auto open = gen::sample(gen::probability(true), 20000, 5);
  EXPECT_TRUE(std::all_of(open.begin(), open.end(), [](double x) { return x > 0 && x < 1; }));
}

TEST(Generators, BadRangesAreErrors) {
  EXPECT_THROW(gen::real_in(1, 0), std::invalid_argument);
  EXPECT_THROW(gen::real_in(0, lim::infinity()), std::invalid_argument);
  EXPECT_THROW(gen::magnitude_in(0, 1), std::invalid_argument);
  EXPECT_THROW(gen::vector_of(3, 2, gen::label()), std::invalid_argument);
}

TEST(Shrinking, ProposesSimplerValuesFirst) {
  const auto c = gen::shrink_candidates(38.71554330987121, -700, 700);
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.front(), 0.0);
  EXPECT_NE(std::find(c.begin(), c.end(), 40.0), c.end());
  EXPECT_NE(std::find(c.begin(), c.end(), 38.7), c.end());
  EXPECT_NE(std::find(c.begin(), c.end(), 38.0), c.end());
  // -x shrinks to x; -0 to 0; 0 is final.
  const auto n = gen::shrink_candidates(-2.0, -10, 10);
  EXPECT_NE(std::find(n.begin(), n.end(), 2.0), n.end());
  EXPECT_EQ(gen::shrink_candidates(-0.0, -1, 1), std::vector<double>{0.0});
  EXPECT_TRUE(gen::shrink_candidates(0.0, -1, 1).empty());
  // Candidates stay in range.
  for (double x : gen::shrink_candidates(5.5, 5, 6)) EXPECT_TRUE(x >= 5 && x <= 6) << x;
}

// Shrinking terminates: following the first candidate repeatedly reaches a value with no
// candidates in a bounded number of steps (each step lowers digits, exponent or mantissa).
RC_GTEST_PROP(Shrinking, Terminates, ()) {
  double x = *gen::any_double();
  int steps = 0;
  for (auto c = gen::shrink_candidates(x, -lim::infinity(), lim::infinity()); !c.empty();
       c = gen::shrink_candidates(x, -lim::infinity(), lim::infinity())) {
    x = c.back();  // the least aggressive candidate: the longest path
    RC_ASSERT(++steps < 2000);
  }
}

// A property that fails above a threshold shrinks to a short decimal counterexample.
TEST(Shrinking, FindsShortCounterexamples) {
  double found = lim::quiet_NaN();
  const auto result = rc::detail::checkTestable([&] {
    const double x = *gen::real_in(-700, 700);
    found = x;
    RC_ASSERT(x < 37.43);
  });
  ASSERT_TRUE(result.is<rc::detail::FailureResult>());
  const auto& f = result.get<rc::detail::FailureResult>();
  ASSERT_EQ(f.counterExample.size(), 1u);
  // The minimum is a value of at most 3 significant digits (e.g. 40 or 37.5), not a random one.
  const double v = std::stod(f.counterExample[0].second);
  EXPECT_GE(v, 37.43);
  EXPECT_LE(gradaudit::testing::shortest(v).size(), 4u) << f.counterExample[0].second;
}

}  // namespace
