// The certified engine: balls, jets, the adaptive precision loop and the verdicts it allows.
#include "gradaudit/testing/certify.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/definitions.hpp"
#include "gradaudit/testing/generators.hpp"

#include <gtest/gtest.h>

#include <deque>

#include <cmath>

namespace {

using namespace gradaudit;
using namespace gradaudit::testing;

auto softplus = [](const auto& z) { return log1p(exp(z)); };
auto logistic = [](const auto& z) { return 1 / (1 + exp(-z)); };

TEST(Ball, DoublesAreExactAndArithmeticEncloses) {
  const ball third = ball(1) / ball(3);
  EXPECT_FALSE(third.exact());
  EXPECT_TRUE(ball(0.1).exact());
  EXPECT_GE(third.digits(), 36);  // 128 bits: 38.5 digits, less a few bits of radius
  EXPECT_TRUE(overlaps(third * 3, ball(1)));
  EXPECT_FALSE(overlaps(third, ball(0.3333333333333333)));  // the double is not 1/3
  EXPECT_THROW((void)(third * 3 < ball(1)), undecided);     // 3·(1/3) vs 1 cannot be ordered
  EXPECT_TRUE(ball(-2) < ball(1));
}

TEST(Ball, ExponentsDoNotOverflow) {
  const ball e = exp(ball(745.0)) * exp(ball(-745.0));
  EXPECT_TRUE(overlaps(e, ball(1)));
  EXPECT_GE(e.digits(), 30);
}

// The probe: d/dz log(1+e^z) at z = 338.8 is 1 - 1e-147 (the old oracle returned 0.5
// with a bound of 2.8e65), and at z = -700 it is 9.8596765437597708567e-305.
TEST(Jet, SoftplusDerivativeInTheTails) {
  const ball d1 = derivative(softplus, ball(338.8));
  EXPECT_TRUE(overlaps(d1, ball(1)));
  EXPECT_GE(d1.digits(), 30);
  const ball d2 = derivative(softplus, ball(-700.0));
  EXPECT_EQ(d2.str(20), "9.8596765437597708567e-305");
}

TEST(Jet, GradientOfAProductAndSecondDerivative) {
  auto f = [](const auto& v) { return v[0] * v[0] * v[1]; };  // ∇ = (2xy, x²)
  const std::vector<ball> x{ball(3), ball(5)};
  const auto g = gradient(f, std::span<const ball>(x));
  EXPECT_TRUE(g[0] == ball(30));
  EXPECT_TRUE(g[1] == ball(9));
  // (x³)'' = 6x through nested jets.
  using J = jet<ball>;
  const jet<J> y = jet<J>::variable(J::variable(ball(2), 0, 1), 0, 1);
  const jet<J> c = y * y * y;
  EXPECT_TRUE(c.d[0].d[0] == ball(12));
}

/// A claim of the engine's own, run through the registry's runner.
/// claim_result points at its claim, so the claims are kept alive (a deque never moves them).
claim_result run(property p, int cases = 50) {
  static std::deque<claim> keep;
  const claim& c = keep.emplace_back(claim{.id = "engine.test",
                                           .section = "gradaudit (tests)",
                                           .quote = "-",
                                           .statement = "-",
                                           .as_stated = std::move(p)});
  return run_claim(c, run_options{.seed = 7, .cases = cases});
}

void sigmoid_identity(int sign) {
  const double x = *gen::real_in(-745, 745);
  input("x", x);
  check_derivative(
      "σ'(x)", logistic,
      [&](const ball& b) {
        const ball s = logistic(b);
        return sign * s * (1 - s);
      },
      x);
}

TEST(Certify, TrueIdentityHoldsOverTheWholeRangeAtSeventeenDigits) {
  const auto r = run([] { sigmoid_identity(+1); }, 200);
  EXPECT_EQ(r.observed, verdict::holds) << r.reason << r.as_stated.message;
  EXPECT_GE(r.as_stated.min_digits, 17);
  EXPECT_EQ(r.as_stated.cases, 200);
}

TEST(Certify, WrongSignIsRefutedWithAProof) {
  const auto r = run([] { sigmoid_identity(-1); });
  EXPECT_EQ(r.observed, verdict::refuted);
  EXPECT_TRUE(r.as_stated.proven);
  ASSERT_FALSE(r.as_stated.counterexample_checks.empty());
}

TEST(Certify, ZeroCasesIsInconclusive) {
  const auto r = run([] { sigmoid_identity(-1); }, 0);
  EXPECT_EQ(r.observed, verdict::inconclusive);
  EXPECT_NE(r.reason.find("0 cases"), std::string::npos);
}

// log(e^x) - x is exactly 0, but no enclosure of it is the exact point 0: the engine must say
// it does not know, never "holds".
TEST(Certify, AnEnclosureThatNeverNarrowsIsInconclusive) {
  settings().max_bits = 512;
  const auto r = run(
      [] {
        const double x = *gen::real_in(1, 2);
        input("x", x);
        check_equal(
            "log(e^x) - x", [&] { return log(exp(ball(x))) - ball(x); }, [] { return ball(0); });
      },
      3);
  settings().max_bits = 4096;
  EXPECT_EQ(r.observed, verdict::inconclusive);
  EXPECT_EQ(r.as_stated.inconclusive_cases, 3);
}

TEST(Certify, MutantOfAHoldingFormulaIsRefuted) {
  gradaudit::testing::impl::mutate_claims() = true;
  const auto r = run([] { sigmoid_identity(+1); });
  gradaudit::testing::impl::mutate_claims() = false;
  EXPECT_EQ(r.observed, verdict::refuted);
}

TEST(Certify, UlpDistanceIsCertified) {
  const auto ok = run([] {
    const double x = *gen::real_in(-745, 745);
    input("x", x);
    certify_ulps(
        "exp", std::exp(x), [&] { return exp(ball(x)); }, 1.0);
  });
  EXPECT_EQ(ok.observed, verdict::holds) << ok.reason;
  const auto bad = run([] {
    const double x = *gen::real_in(1, 2);
    input("x", x);
    certify_ulps(
        "exp", std::nextafter(std::nextafter(std::exp(x), 9.0), 9.0), [&] { return exp(ball(x)); },
        1.0);
  });
  EXPECT_EQ(bad.observed, verdict::refuted);
}

TEST(Certify, BoundsAreCertifiedOrRefuted) {
  const auto ok = run([] {
    const double z = *gen::real_in(-745, 745);
    input("z", z);
    certify_at_most(
        "σ'(z) <= 1/4", [&] { return derivative(logistic, ball(z)); }, [] { return ball(0.25); });
  });
  EXPECT_EQ(ok.observed, verdict::holds) << ok.reason;
  const auto bad = run([] {
    const double z = *gen::real_in(-1, 1);
    input("z", z);
    certify_at_most(
        "σ'(z) <= 0.24", [&] { return derivative(logistic, ball(z)); }, [] { return ball(0.24); });
  });
  EXPECT_EQ(bad.observed, verdict::refuted);
}

TEST(Certify, ClassesAreCounted) {
  const auto r = run(
      [] {
        const double z = *gen::real_in(-745, 745);
        classify("|z| > 36.7", std::abs(z) > 36.7);
        classify("never", false);
        input("z", z);
      },
      100);
  EXPECT_GT(r.as_stated.classes.at("|z| > 36.7"), 0);
  EXPECT_EQ(r.as_stated.classes.at("never"), 0);
}

}  // namespace

namespace {

// The definitions differentiate at jets: ∂/∂w (y - σ(w·x))² = 2(σ - y)σ(1 - σ)x.
TEST(Definitions, MseSigmoidGradient) {
  const std::vector<double> x{2.0, -1.0};
  const double y = 1;
  auto loss = [&](const auto& w) { return def::mse(def::sigmoid(def::dot(w, x)), y); };
  const std::vector<ball> w{ball(0.5), ball(0.25)};
  const auto g = gradient(loss, std::span<const ball>(w));
  const ball s = def::sigmoid(def::dot(w, x));
  for (std::size_t i = 0; i < 2; ++i) EXPECT_TRUE(overlaps(g[i], 2 * (s - y) * s * (1 - s) * x[i]));
  EXPECT_TRUE(def::bce(ball(0), 0.0) == ball(0));  // 0·log 0 left out
}

}  // namespace
