// The public loss vocabulary (softplus.hpp, logsumexp.hpp, divergence.hpp, robust.hpp, focal.hpp,
// count_nll.hpp, bce_with_logits with pos_weight) against certified values: each double result
// is compared, in ULPs, with the enclosure of the *definition* (formula/vocabulary.hpp in ball
// arithmetic: no stable rewriting, unbounded exponents), the precision raised until the ULP
// distance is on one side of the bound the header states. A case the enclosures cannot decide
// by 4096 bits fails (it would otherwise pass unproven).
#include "gradaudit/gradaudit.hpp"

#include "gradaudit/formula/claim.hpp"
#include "gradaudit/formula/evaluate.hpp"
#include "gradaudit/formula/parse.hpp"
#include "gradaudit/formula/vocabulary.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/ball.hpp"
#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/jet.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <arb.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace {

namespace ga = gradaudit;
namespace gen = gradaudit::testing::gen;
namespace vocab = gradaudit::formula::vocab;
using gradaudit::ref_t;
using gradaudit::testing::ball;
using gradaudit::testing::jet;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kDd = 0.5 + 0x1p-11;  // the double-double kernels' bound (0.5 ULP + 2^53·2^-64)

/// The certified ULP distance of `got` from the real number `exact()` encloses: [least, most].
struct ulps {
  bool decided = false;
  double least = 0, most = 0;
  std::string why;
};

ulps certified_ulps(double got, const std::function<ball()>& exact, double bound) {
  ulps r;
  for (long bits = 128; bits <= 4096; bits *= 2) {
    gradaudit::testing::precision_scope scope(bits);
    ball e;
    try {
      e = exact();
    } catch (const gradaudit::testing::undecided& u) {
      r.why = u.what();
      continue;
    }
    if (!e.finite()) {
      r.why = "reference not finite at " + std::to_string(bits) + " bits";
      continue;
    }
    ref_t lo, hi;
    arb_get_interval_mpfr(lo.backend().data(), hi.backend().data(), e.raw());
    if (gradaudit::testing::ulp_of<double>(lo) != gradaudit::testing::ulp_of<double>(hi)) continue;
    const double dlo = gradaudit::testing::ulp_distance(got, lo),
                 dhi = gradaudit::testing::ulp_distance(got, hi);
    const bool inside = ref_t(got) >= lo && ref_t(got) <= hi;
    r.most = std::max(dlo, dhi);
    r.least = inside ? 0.0 : std::min(dlo, dhi);
    if (r.most <= bound || r.least > bound) {
      r.decided = true;
      r.why = e.str(20);
      return r;
    }
  }
  return r;
}

/// RC_ASSERT that `got` is within `bound` ULP of the certified `exact()`.
#define ASSERT_ULPS(got, exact, bound)                                                        \
  do {                                                                                        \
    const double got_ = (got);                                                                \
    const double bound_ = (bound);                                                            \
    const ulps u_ = certified_ulps(got_, exact, bound_);                                      \
    RC_LOG() << #got << " = " << gradaudit::testing::shortest(got_) << ", exact " << u_.why   \
             << ", ULP in [" << u_.least << ", " << u_.most << "], bound " << bound_ << "\n"; \
    RC_ASSERT(u_.decided);                                                                    \
    RC_ASSERT(u_.most <= bound_);                                                             \
  } while (false)

std::vector<ball> balls(const std::vector<double>& v) { return {v.begin(), v.end()}; }

/// Soft weights of the stated range: 0, 1 or in [2^-450, 1).
rc::Gen<double> soft_weight() {
  return rc::gen::map(gen::probability(), [](double p) { return p < 0x1p-450 ? 0.0 : p; });
}

/// Logit vectors: K in [1, 6], entries in [-300, 300] (gaps below 670: the range of the CE bound).
rc::Gen<std::vector<double>> logits() { return gen::vector_of(1, 6, gen::real_in(-300, 300)); }

// ---- softplus.hpp -------------------------------------------------------------------------

RC_GTEST_PROP(VocabularyUlp, SoftplusAndGradients, ()) {
  const double x = *gen::any_finite();
  ASSERT_ULPS(
      ga::softplus(x), [&] { return vocab::softplus(ball(x)); }, kDd);
  ASSERT_ULPS(
      ga::softplus_grad(x), [&] { return vocab::sigmoid(ball(x)); }, kDd);
  ASSERT_ULPS(
      ga::log_sigmoid_grad(x), [&] { return vocab::sigmoid(ball(-x)); }, kDd);
}

TEST(VocabularyEdges, Softplus) {
  EXPECT_EQ(ga::softplus(-kInf), 0.0);
  EXPECT_EQ(ga::softplus(kInf), kInf);
  EXPECT_TRUE(std::isnan(ga::softplus(kNan)));
  EXPECT_EQ(ga::softplus(0.0), std::log(2.0));  // RN(ln 2): std::log is correctly rounded at 2
  EXPECT_EQ(ga::softplus(-0.0), ga::softplus(0.0));
  EXPECT_EQ(ga::softplus(std::numeric_limits<double>::max()), std::numeric_limits<double>::max());
  EXPECT_EQ(ga::softplus(-std::numeric_limits<double>::max()), 0.0);
  EXPECT_EQ(ga::softplus(std::numeric_limits<double>::denorm_min()), std::log(2.0));
  EXPECT_EQ(ga::softplus_grad(0.0), 0.5);
  EXPECT_EQ(ga::log_sigmoid_grad(kInf), 0.0);
  EXPECT_EQ(ga::log_sigmoid_grad(-kInf), 1.0);
  EXPECT_GT(ga::softplus(-720.0), 0.0);  // e^-720 is subnormal, not flushed
}

// ---- logsumexp.hpp ------------------------------------------------------------------------

RC_GTEST_PROP(VocabularyUlp, SoftmaxI, ()) {
  const auto z =
      *gen::vector_of(1, 6, rc::gen::oneOf(gen::real_in(-1000, 1000), gen::any_finite()));
  const std::size_t i = *rc::gen::inRange<std::size_t>(0, z.size());
  ASSERT_ULPS(
      ga::softmax_i<double>(z, i), [&] { return vocab::softmax(balls(z), i + 1); }, kDd);
}

RC_GTEST_PROP(VocabularyUlp, LogSoftmaxI, ()) {
  const auto z = *logits();
  const std::size_t i = *rc::gen::inRange<std::size_t>(0, z.size());
  ASSERT_ULPS(
      ga::log_softmax_i<double>(z, i), [&] { return vocab::log_softmax(balls(z), i + 1); }, kDd);
}

// logsumexp's bound is absolute: 0.5 ULP + 2^-66(|m| + log1p T), i.e. 2^-13·κ ULP more with
// κ = (|m| + log1p T)/|lse| (a relative error ε is at most 2^53·ε ULP). κ is taken from a
// double evaluation (relative error < 2^-50 away from lse = 0), so 2^-12·κ has a factor 2 of room.
RC_GTEST_PROP(VocabularyUlp, Logsumexp, ()) {
  const auto z = *gen::vector_of(1, 6, gen::real_in(-800, 800));
  const double lse = ga::logsumexp<double>(z);
  double m = z[0];
  for (double v : z) m = std::max(m, v);
  const double parts = std::abs(m) + std::abs(lse - m);
  const double kappa = lse == 0 ? (parts == 0 ? 0 : kInf) : parts / std::abs(lse);
  ASSERT_ULPS(
      lse, [&] { return vocab::logsumexp(balls(z)); }, kDd + 0x1p-12 * kappa);
}

TEST(VocabularyEdges, Logsumexp) {
  const std::vector<double> with_inf{1.0, kInf, kInf}, all_minus{-kInf, -kInf}, with_nan{0.0, kNan};
  EXPECT_EQ(ga::softmax_i<double>(with_inf, 1), 0.5);
  EXPECT_EQ(ga::softmax_i<double>(with_inf, 0), 0.0);
  EXPECT_TRUE(std::isnan(ga::softmax_i<double>(all_minus, 0)));
  EXPECT_TRUE(std::isnan(ga::softmax_i<double>(with_nan, 0)));
  const std::vector<double> far{0.0, -800.0};  // e^-800 is below the subnormals: 0
  EXPECT_EQ(ga::softmax_i<double>(far, 1), 0.0);
  const std::vector<double> sub{0.0, -740.0};  // e^-740 ≈ 4.2e-322: subnormal, kept
  EXPECT_GT(ga::softmax_i<double>(sub, 1), 0.0);
  const std::vector<double> one{3.5};
  EXPECT_EQ(ga::softmax_i<double>(one, 0), 1.0);
  EXPECT_EQ(ga::log_softmax_i<double>(one, 0), 0.0);
  const std::vector<double> empty;
  EXPECT_THROW((void)ga::softmax_i<double>(empty, 0), ga::domain_error);
  try {
    (void)ga::log_softmax_i<double>(one, 3);
    FAIL() << "no error";
  } catch (const ga::domain_error& e) {
    EXPECT_STREQ(e.what(), "log_softmax_i: i = 3 is not a class index in [0, 1)");
  }
}

// ---- divergence.hpp -----------------------------------------------------------------------

/// A probability vector of length K from drawn weights (normalised in double: the sum is 1 to
/// a few ULP, which KL's definition does not need).
std::vector<double> simplex(const std::vector<double>& w) {
  double s = 0;
  for (double v : w) s += v;
  std::vector<double> p;
  for (double v : w) p.push_back(s > 0 ? v / s : 1.0 / static_cast<double>(w.size()));
  return p;
}

// KL's bound: 0.5 ULP + 2^-65·Σ p_i|log(p_i/q_i)|, i.e. 2^-12·κ ULP more, κ = Σ|t_i|/KL (taken
// in double from the terms; log's relative error of a few 2^-53 makes it a factor 1.01 of
// κ at most, and the bound below uses 2^-11·κ: a factor 2 of room).
RC_GTEST_PROP(VocabularyUlp, KullbackLeibler, ()) {
  const int K = *rc::gen::inRange(1, 6);
  const auto p = simplex(*gen::vector_of(K, K, gen::probability()));
  auto q = simplex(*gen::vector_of(K, K, gen::probability(true)));
  if (*rc::gen::arbitrary<bool>()) {  // q near p: where KL is ill-conditioned
    for (std::size_t i = 0; i < q.size(); ++i)
      q[i] = p[i] > 0 ? std::min(1.0, p[i] * (1 + 0x1p-20 * (q[i] - 0.5))) : q[i];
  }
  const double got = ga::kl<double>(p, q);
  double terms = 0;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (p[i] > 0) terms += p[i] * std::abs(std::log(p[i]) - std::log(q[i]));
  const double kappa = got == 0 ? (terms == 0 ? 0 : kInf) : terms / std::abs(got);
  ASSERT_ULPS(
      got, [&] { return vocab::kl(balls(p), balls(q)); }, kDd + 0x1p-11 * kappa);
}

RC_GTEST_PROP(VocabularyUlp, KullbackLeiblerFarApart, ()) {  // κ <= 2^11: ≤ 1 ULP as promised
  const double a = *gen::probability(true), b = *gen::probability(true);
  const std::vector<double> p{a, 1 - a}, q{b, 1 - b};
  const double got = ga::kl<double>(p, q);
  const double terms =
      a * std::abs(std::log(a / b)) + (1 - a) * std::abs(std::log1p(-a) - std::log1p(-b));
  RC_PRE(got > 0 && terms / got <= 0x1p10);
  ASSERT_ULPS(
      got, [&] { return vocab::kl(balls(p), balls(q)); }, 1.0);
}

RC_GTEST_PROP(VocabularyUlp, CrossEntropySoftTargets, ()) {
  const auto z = *logits();
  const auto y =
      *gen::vector_of(static_cast<int>(z.size()), static_cast<int>(z.size()), soft_weight());
  ASSERT_ULPS(
      ga::cross_entropy<double>(z, y), [&] { return vocab::cross_entropy(balls(z), balls(y)); },
      kDd);
}

// Logits far apart (gaps up to 2·10^300, below the 2^1024 where m - z_i overflows): the
// weighted gaps are large, and the 2^600 scaling that serves tiny results must not overflow them.
rc::Gen<std::vector<double>> wide_logits() {
  return gen::vector_of(1, 4,
                        rc::gen::oneOf(gen::real_in(-300, 300), gen::magnitude_in(1e-300, 1e300)));
}

RC_GTEST_PROP(VocabularyUlp, CrossEntropyWideLogits, ()) {
  const auto z = *wide_logits();
  const auto y =
      *gen::vector_of(static_cast<int>(z.size()), static_cast<int>(z.size()), soft_weight());
  const std::size_t c = *rc::gen::inRange<std::size_t>(0, z.size());
  const double eps = *soft_weight();
  ASSERT_ULPS(
      ga::cross_entropy<double>(z, y), [&] { return vocab::cross_entropy(balls(z), balls(y)); },
      kDd);
  ASSERT_ULPS(
      ga::label_smoothing<double>(z, c, eps),
      [&] { return vocab::label_smoothing(balls(z), c + 1, ball(eps)); }, kDd);
}

RC_GTEST_PROP(VocabularyUlp, LabelSmoothing, ()) {
  const auto z = *logits();
  const std::size_t c = *rc::gen::inRange<std::size_t>(0, z.size());
  const double eps = *soft_weight();
  ASSERT_ULPS(
      ga::label_smoothing<double>(z, c, eps),
      [&] { return vocab::label_smoothing(balls(z), c + 1, ball(eps)); }, kDd);
}

TEST(VocabularyEdges, Divergence) {
  const std::vector<double> p{0.5, 0.5, 0.0}, q{0.25, 0.75, 0.0}, q0{1.0, 0.0, 0.0};
  EXPECT_EQ(ga::kl<double>(p, p), 0.0);
  EXPECT_EQ(ga::kl<double>(p, q0), kInf);
  EXPECT_GT(ga::kl<double>(p, q), 0.0);
  const std::vector<double> pn{kNan, 1.0, 0.0};
  EXPECT_TRUE(std::isnan(ga::kl<double>(pn, q)));
  const std::vector<double> bad{1.5, 0.0, 0.0};
  try {
    (void)ga::kl<double>(bad, q);
    FAIL() << "no error";
  } catch (const ga::domain_error& e) {
    EXPECT_STREQ(e.what(), "kl: p[0] = 1.5 is outside [0, 1]");
  }
  const std::vector<double> z{2.0, kInf}, y{0.5, 0.5};
  EXPECT_EQ(ga::cross_entropy<double>(z, y), kInf);  // the y_0 term: z_0 is dominated by +inf
  const std::vector<double> zf{1.0, -2.0}, hard{0.0, 1.0};
  EXPECT_EQ(ga::cross_entropy<double>(zf, hard), ga::softmax_cross_entropy<double>(zf, 1));
  EXPECT_EQ(ga::label_smoothing<double>(zf, 1, 0.0), ga::softmax_cross_entropy<double>(zf, 1));
  EXPECT_THROW((void)ga::label_smoothing<double>(zf, 0, 1.5), ga::domain_error);
  EXPECT_THROW((void)ga::label_smoothing<double>(zf, 2, 0.1), ga::domain_error);
}

// ---- robust.hpp ---------------------------------------------------------------------------

rc::Gen<double> width() {
  return gen::magnitude_in(std::numeric_limits<double>::denorm_min(), 1e300, false);
}

RC_GTEST_PROP(VocabularyUlp, MaeHuberSmoothL1, ()) {
  const double yhat = *gen::any_finite(),
               y = *rc::gen::oneOf(gen::any_finite(), rc::gen::just(yhat * 0.75));
  const double delta = *rc::gen::oneOf(width(), gen::real_in(0.1, 5));
  ASSERT_ULPS(
      ga::mae(yhat, y), [&] { return vocab::mae(ball(yhat), ball(y)); }, 0.5);
  ASSERT_ULPS(
      ga::huber(yhat, y, delta), [&] { return vocab::huber(ball(yhat), ball(y), ball(delta)); },
      kDd);
  const double r = std::abs(y - yhat);
  RC_PRE(r == 0 || r / delta >= 0x1p-1000);  // smooth_l1's stated range
  ASSERT_ULPS(
      ga::smooth_l1(yhat, y, delta),
      [&] { return vocab::smooth_l1(ball(yhat), ball(y), ball(delta)); }, kDd);
}

RC_GTEST_PROP(VocabularyUlp, RobustGradientsAndHinge, ()) {
  const double yhat = *gen::any_finite(), y = *gen::any_finite(), delta = *width();
  const double z = *gen::any_finite(),
               t = *rc::gen::oneOf(gen::any_finite(), rc::gen::element(-1.0, 1.0));
  ASSERT_ULPS(
      ga::hinge(z, t), [&] { return vocab::hinge(ball(z), ball(t)); }, kDd);
  // clamp(ŷ - y, -δ, δ) and (ŷ - y)/β inside: the exact values, enclosed directly.
  ASSERT_ULPS(
      ga::huber_grad(yhat, y, delta),
      [&] {
        const ball g = ball(yhat) - ball(y);
        return gradaudit::formula::real::min(gradaudit::formula::real::max(g, ball(-delta)),
                                             ball(delta));
      },
      0.5);
  RC_PRE(std::abs(yhat - y) < delta);
  ASSERT_ULPS(
      ga::smooth_l1_grad(yhat, y, delta), [&] { return (ball(yhat) - ball(y)) / ball(delta); },
      kDd);
}

TEST(VocabularyEdges, Robust) {
  const double max = std::numeric_limits<double>::max(),
               tiny = std::numeric_limits<double>::denorm_min();
  EXPECT_EQ(ga::mae(max, -max), kInf);
  EXPECT_EQ(ga::mae(-0.0, 0.0), 0.0);
  EXPECT_TRUE(std::isnan(ga::huber(kNan, 1.0, 1.0)));
  EXPECT_EQ(ga::huber(0.0, 3.0, 1.0), 2.5);
  EXPECT_EQ(ga::huber(0.0, 0.5, 1.0), 0.125);
  EXPECT_EQ(ga::huber(0.0, kInf, 1.0), kInf);
  EXPECT_EQ(ga::huber(-max, max, kInf), kInf);          // r²/2 overflows: +inf
  EXPECT_EQ(ga::huber(0.0, 0x1p-530, 1.0), 0x1p-1061);  // r²/2 subnormal, exact
  EXPECT_EQ(ga::huber(0.0, 0x1p-537, 1.0), 0.0);        // r²/2 = 2^-1075: a tie, to even
  EXPECT_EQ(ga::mae(tiny, 0.0), tiny);
  EXPECT_EQ(ga::smooth_l1(0.0, 3.0, 0.0), 3.0);  // β = 0: L1
  EXPECT_EQ(ga::smooth_l1(0.0, 0.5, 1.0), 0.125);
  EXPECT_EQ(ga::smooth_l1_grad(0.0, 0.5, 1.0), -0.5);
  EXPECT_EQ(ga::smooth_l1_grad(0.0, 5.0, 1.0), -1.0);
  EXPECT_EQ(ga::huber_grad(0.0, 5.0, 1.0), -1.0);
  EXPECT_EQ(ga::hinge(2.0, 1.0), 0.0);
  EXPECT_EQ(ga::hinge(-2.0, 1.0), 3.0);
  EXPECT_TRUE(std::isnan(ga::hinge(kNan, 1.0)));
  EXPECT_EQ(ga::hinge(kInf, -1.0), kInf);
  try {
    (void)ga::huber(0.0, 1.0, 0.0);
    FAIL() << "no error";
  } catch (const ga::domain_error& e) {
    EXPECT_STREQ(e.what(), "huber: delta = 0 is not > 0");
  }
  EXPECT_THROW((void)ga::smooth_l1(0.0, 1.0, -1.0), ga::domain_error);
}

// ---- focal.hpp ----------------------------------------------------------------------------

// Bound: 0.5 + 2^-11 + 2^-13·A ULP (the header's 0.5 + 2^-13.3·A and the dd roundings), with
// A = γ·(softplus(z) + softplus(-z)) >= either exponent. The reference is the second line of
// focal.hpp's formula in balls (ga::focal<ball>): the definition's log(1 - σ(z)) at z = 10^4
// needs ~15000 bits before it is not [0 ± ε]; VocabularyGeneric checks the two lines agree.
RC_GTEST_PROP(VocabularyUlp, Focal, ()) {
  const double z = *rc::gen::oneOf(gen::real_in(-800, 800), gen::any_finite());
  const double y = *soft_weight(), alpha = *soft_weight();
  const double gamma = *rc::gen::oneOf(rc::gen::element(0.0, 1.0, 2.0), gen::real_in(0, 5));
  const double A = gamma * (ga::softplus(z) + ga::softplus(-z));
  ASSERT_ULPS(
      ga::focal(z, y, gamma, alpha),
      [&] { return ga::focal(ball(z), ball(y), ball(gamma), ball(alpha)); },
      std::min(kDd + 0x1p-13 * A, 0.66));
}

TEST(VocabularyEdges, Focal) {
  EXPECT_EQ(ga::focal(kInf, 1.0, 2.0, 0.25), 0.0);
  EXPECT_EQ(ga::focal(kInf, 0.0, 2.0, 0.25), kInf);
  EXPECT_EQ(ga::focal(-kInf, 1.0, 0.0, 0.25), kInf);
  EXPECT_EQ(ga::focal(-kInf, 1.0, 2.0, 0.0), 0.0);
  EXPECT_TRUE(std::isnan(ga::focal(0.0, 1.0, kNan, 0.25)));
  // γ = 0, α = 1/2: half of BCE-with-logits, bitwise here (both correctly rounded, halving exact).
  EXPECT_EQ(ga::focal(1.5, 1.0, 0.0, 0.5), ga::bce_with_logits(1.5, 1.0) / 2);
  EXPECT_THROW((void)ga::focal(0.0, 1.0, -1.0, 0.25), ga::domain_error);
  EXPECT_THROW((void)ga::focal(0.0, 1.0, 2.0, 1.25), ga::domain_error);
}

// ---- count_nll.hpp ------------------------------------------------------------------------

// Poisson: 0.5 ULP + 2^-76·e^z absolute, i.e. 2^-23·e^z/|L| ULP more; the bound uses 2^-22.
RC_GTEST_PROP(VocabularyUlp, PoissonNll, ()) {
  const double z = *rc::gen::oneOf(gen::real_in(-745, 717), gen::real_in(-5, 5));
  const double y = *rc::gen::oneOf(rc::gen::element(0.0, 1.0, 3.0), gen::real_in(0, 100),
                                   gen::magnitude_in(1e-300, 1e300, false));
  const double got = ga::poisson_nll(z, y);
  RC_PRE(std::isfinite(got));
  const double ratio = std::exp(z - std::log(std::abs(got)));  // e^z/|L|, overflow-free
  ASSERT_ULPS(
      got, [&] { return vocab::poisson_nll(ball(z), ball(y)); }, kDd + 0x1p-22 * ratio);
}

// Gaussian: 2^-12.9·κ ULP more, κ = (|log σ²| + r²/σ²)/|log σ² + r²/σ²|; the bound uses 2^-12
// and κ from balls (128 bits: its midpoint is κ to far better than the factor 2 of room).
RC_GTEST_PROP(VocabularyUlp, GaussianNll, ()) {
  const double mu = *rc::gen::oneOf(gen::real_in(-1000, 1000), gen::any_finite());
  const double y = *rc::gen::oneOf(gen::real_in(-1000, 1000), rc::gen::just(mu));
  const double var =
      *rc::gen::oneOf(gen::magnitude_in(std::numeric_limits<double>::denorm_min(), 1e300, false),
                      gen::real_in(0.01, 10), rc::gen::just(1.0));
  const double got = ga::gaussian_nll(mu, y, var);
  RC_PRE(std::isfinite(got));
  const ball l = log(ball(var)), q = (ball(y) - ball(mu)) * (ball(y) - ball(mu)) / ball(var);
  const ball sum = l + q;
  const double kappa =
      sum.contains_zero() ? (sum.is_zero() ? 1 : kInf) : ((abs(l) + q) / abs(sum)).mid_double();
  ASSERT_ULPS(
      got, [&] { return vocab::gaussian_nll(ball(mu), ball(y), ball(var)); },
      kDd + 0x1p-12 * kappa);
}

TEST(VocabularyEdges, CountNll) {
  EXPECT_EQ(ga::poisson_nll(0.0, 5.0), 1.0);
  EXPECT_EQ(ga::poisson_nll(-kInf, 2.0), kInf);
  EXPECT_EQ(ga::poisson_nll(-kInf, 0.0), 0.0);
  EXPECT_EQ(ga::poisson_nll(800.0, 1e300), kInf);
  EXPECT_GT(ga::poisson_nll(-740.0, 0.0), 0.0);  // e^-740: subnormal, kept
  EXPECT_EQ(ga::poisson_nll(709.9, 0.0), kInf);  // e^709.9 > DBL_MAX
  EXPECT_TRUE(std::isnan(ga::poisson_nll(kNan, 1.0)));
  EXPECT_THROW((void)ga::poisson_nll(0.0, -1.0), ga::domain_error);
  EXPECT_EQ(ga::gaussian_nll(0.0, 2.0, 1.0), 2.0);
  EXPECT_EQ(ga::gaussian_nll(0.0, 0.0, 1.0), 0.0);
  EXPECT_EQ(ga::gaussian_nll(0.0, 1e300, 1e-300), kInf);
  EXPECT_EQ(ga::gaussian_nll(0.0, 1.0, kInf), kInf);
  EXPECT_TRUE(std::isnan(ga::gaussian_nll(0.0, kNan, 1.0)));
  try {
    (void)ga::gaussian_nll(0.0, 1.0, -0.0);
    FAIL() << "no error";
  } catch (const ga::domain_error& e) {
    EXPECT_STREQ(e.what(), "gaussian_nll: var = -0 is not > 0");
  }
}

// ---- bce_with_logits with pos_weight ------------------------------------------------------

RC_GTEST_PROP(VocabularyUlp, BceWithLogitsPosWeight, ()) {
  const double z = *rc::gen::oneOf(gen::any_finite(), gen::real_in(-800, 800));
  const double y = *soft_weight();
  const double p = *rc::gen::oneOf(rc::gen::element(0.0, 1.0, 3.0), gen::real_in(0.001, 1000));
  RC_PRE(p * y == 0 || p * y >= 0x1p-890);
  ASSERT_ULPS(
      ga::bce_with_logits(z, y, p), [&] { return vocab::bce_logits(ball(z), ball(y), ball(p)); },
      kDd);
}

TEST(VocabularyEdges, BceWithLogitsPosWeight) {
  for (double z : {-3.0, 0.0, 2.5, 40.0, -800.0})
    for (double y : {0.0, 0.3, 1.0})
      EXPECT_EQ(ga::bce_with_logits(z, y, 1.0), ga::bce_with_logits(z, y)) << z;
  EXPECT_EQ(ga::bce_with_logits(-kInf, 1.0, 2.0), kInf);
  EXPECT_EQ(ga::bce_with_logits(-kInf, 1.0, 0.0), 0.0);
  EXPECT_EQ(ga::bce_with_logits(kInf, 1.0, 2.0), 0.0);
  EXPECT_EQ(ga::bce_with_logits(kInf, 0.5, 2.0), kInf);
  EXPECT_GT(ga::bce_with_logits(720.0, 1.0, 3.0), 0.0);  // 3e^-720: subnormal, kept
  try {
    (void)ga::bce_with_logits(0.0, 1.0, -2.0);
    FAIL() << "no error";
  } catch (const ga::domain_error& e) {
    EXPECT_STREQ(e.what(), "bce_with_logits: pos_weight = -2 is not a finite value >= 0");
  }
}

// ---- the generic templates on certified scalars ------------------------------------------

// The same templates evaluated on balls enclose the definitions, and on jets give the
// derivatives: softplus' = σ, (log σ)' = σ(-x), ∂/∂z_i logsumexp = softmax_i.
TEST(VocabularyGeneric, BallsEncloseTheDefinitions) {
  for (double x : {-700.0, -3.5, 0.0, 0.25, 40.0, 800.0}) {
    EXPECT_TRUE(overlaps(ga::softplus(ball(x)), vocab::softplus(ball(x)))) << x;
    EXPECT_TRUE(overlaps(ga::log_sigmoid(ball(x)), vocab::log_sigmoid(ball(x)))) << x;
    const auto d = ga::softplus(jet<ball>::variable(ball(x), 0, 1));
    EXPECT_TRUE(overlaps(d.d[0], vocab::sigmoid(ball(x)))) << x;
  }
  const std::vector<ball> z{ball(1.5), ball(-2.0), ball(700.0)},
      y{ball(0.25), ball(0.75), ball(0.0)};
  const std::vector<ball> p{ball(0.5), ball(0.5), ball(0.0)}, q{ball(0.25), ball(0.5), ball(0.25)};
  const std::span<const ball> zs(z), ys(y), ps(p), qs(q);
  EXPECT_TRUE(overlaps(ga::logsumexp(zs), vocab::logsumexp(z)));
  EXPECT_TRUE(overlaps(ga::softmax_i(zs, 1), vocab::softmax(z, 2)));
  EXPECT_TRUE(overlaps(ga::log_softmax_i(zs, 0), vocab::log_softmax(z, 1)));
  EXPECT_TRUE(overlaps(ga::kl(ps, qs), vocab::kl(p, q)));
  EXPECT_TRUE(overlaps(ga::cross_entropy(zs, ys), vocab::cross_entropy(z, y)));
  EXPECT_TRUE(
      overlaps(ga::label_smoothing(zs, 2, ball(0.1)), vocab::label_smoothing(z, 3, ball(0.1))));
  EXPECT_TRUE(overlaps(ga::huber(ball(0.5), ball(3.0), ball(1.0)),
                       vocab::huber(ball(0.5), ball(3.0), ball(1.0))));
  EXPECT_TRUE(overlaps(ga::focal(ball(-2.0), ball(1.0), ball(2.0), ball(0.25)),
                       vocab::focal(ball(-2.0), ball(1.0), ball(2.0), ball(0.25))));
  EXPECT_TRUE(
      overlaps(ga::poisson_nll(ball(2.0), ball(3.0)), vocab::poisson_nll(ball(2.0), ball(3.0))));
  EXPECT_TRUE(overlaps(ga::gaussian_nll(ball(0.5), ball(2.0), ball(0.3)),
                       vocab::gaussian_nll(ball(0.5), ball(2.0), ball(0.3))));
  std::vector<jet<ball>> zj;
  for (std::size_t i = 0; i < z.size(); ++i) zj.push_back(jet<ball>::variable(z[i], i, z.size()));
  const auto lse = ga::logsumexp(std::span<const jet<ball>>(zj));
  for (std::size_t i = 0; i < z.size(); ++i)
    EXPECT_TRUE(overlaps(lse.d[i], vocab::softmax(z, i + 1))) << i;
}

// The reference types evaluate the stable generic forms: they agree with the double kernels.
TEST(VocabularyGeneric, ReferenceTypeAgreesWithDouble) {
  for (double x : {-745.0, -30.0, 0.0, 1.0, 30.0, 745.0}) {
    EXPECT_LE(gradaudit::testing::ulp_distance(ga::softplus(x), ga::softplus(ref_t(x))), kDd) << x;
    EXPECT_LE(
        gradaudit::testing::ulp_distance(ga::focal(x, 1.0, 2.0, 0.25),
                                         ga::focal(ref_t(x), ref_t(1), ref_t(2), ref_t(0.25))),
        0.66)
        << x;
  }
}

// ---- the formula language measures the library in double --------------------------------

gradaudit::testing::verdict formula_verdict(const std::string& formula,
                                            std::vector<std::string> where) {
  static std::vector<gradaudit::testing::claim> keep;  // a claim_result points at its claim
  keep.push_back(gradaudit::formula::to_claim(
      {.id = "vocabulary.double", .formula = formula, .where = std::move(where)}));
  const auto r = gradaudit::testing::run_claim(
      keep.back(), gradaudit::testing::run_options{.seed = 7, .cases = 100});
  EXPECT_TRUE(r.checked()) << r.reason;
  return r.observed;
}

// A `double:` claim about a named function measures gradaudit's implementation: softmax_1 at
// z ∈ [-1000, 1000]² is within 1 ULP (the naive quotient overflows to inf/inf = NaN there).
TEST(VocabularyFormula, DoubleClaimsMeasureTheLibrary) {
  using gradaudit::testing::verdict;
  EXPECT_EQ(formula_verdict("double: softmax_1(z) within 1 ulp of exp(z_1)/(exp(z_1) + exp(z_2))",
                            {"z in [-1000, 1000]^2"}),
            verdict::holds);
  EXPECT_EQ(formula_verdict("double: exp(z_1)/(exp(z_1) + exp(z_2)) within 1 ulp of softmax_1(z)",
                            {"z in [-1000, 1000]^2"}),
            verdict::refuted);
  EXPECT_EQ(formula_verdict("double: focal(z, 1, 2, 0.25) within 1 ulp of focal(z, 1, 2, 0.25)",
                            {"z in [-30, 30]"}),
            verdict::holds);
  const auto n = gradaudit::formula::parse_expression("softmax_2(z)");
  const gradaudit::formula::point at{{.name = "z", .values = {1000.0, -1000.0}, .vector = true}};
  const std::vector<double> z{1000.0, -1000.0};
  EXPECT_EQ(gradaudit::formula::evaluate_double(*n, at, {}).at(0), ga::softmax_i<double>(z, 1));
}

}  // namespace
