// Claims of the article's 前置知识 section: the sigmoid and its derivative in double, and the
// accuracy of gradaudit's own double sigmoid functions. (The derivative's two formulas, the
// middle step and σ(1-σ), are only formulas: claims/article.toml.) Every reference is a
// certified ball: the definition σ(x) = 1/(1+e^{-x}) (definitions.hpp) evaluated in Arb,
// differentiated by jets.
#include "gradaudit/activation.hpp"
#include "gradaudit/testing/certify.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/definitions.hpp"
#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <cmath>

namespace {
namespace activation_sigmoid_claims {

using namespace gradaudit;
using namespace gradaudit::testing;

const char* const kSection = "前置知识";
const char* const kLib = "gradaudit (accuracy of the double path)";

/// Where σ(x) leaves the normal range of double (σ(x) ≈ e^x < 2^-1022 below it), and where
/// σ'(x) ≈ e^{-|x|} does (|x| beyond it): ln 2^-1022 = -708.396….
constexpr double kSubnormalBelow = -708.3964185322641;

/// Where s(1-s) becomes exactly 0 in double: from the first x at which s rounds to 1.
/// With a naive s = 1/(1+exp(-x)) that is where 1 + e^{-x} rounds to 1 (e^{-x} <= 2^-53);
/// with a correctly rounded s it is where 1 - σ(x) < 2^-54, i.e. x > 54·ln 2. Both points
/// were found by bisection and are checked (with their predecessors) by the property below.
constexpr double kNaiveBreaks = 36.736800569677108;    // 0x1.25e4f7b2737fbp+5
constexpr double kAccurateBreaks = 37.42994775023705;  // 0x1.2b708872320e2p+5

/// Every finite double, with the logit range [-745, 745] (where σ and σ' pass through every
/// binade of double) drawn as often as the rest.
rc::Gen<double> any_logit() { return rc::gen::oneOf(gen::any_finite(), gen::real_in(-745, 745)); }

/// Counts the regions of x that matter for σ and σ' in double.
void classify_logit(double x) {
  classify("x = 0 or -0", x == 0);
  classify("|x| < 2^-53 (σ rounds to 1/2), x ≠ 0", x != 0 && std::abs(x) < 0x1p-53);
  classify("saturated x > 36.7 (σ within 2^-53 of 1)", x > 36.7);
  classify("x < -708.4 (σ and σ' subnormal or 0)", x < kSubnormalBelow);
  classify("|x| > 745 (beyond the logit range)", std::abs(x) > 745);
}

/// σ'(x), certified: the definition of σ differentiated by a jet.
ball exact_sigmoid_grad(double x) {
  return derivative([](const auto& t) { return def::sigmoid(t); }, ball(x));
}

/// The article's f(1-f) evaluated literally in double with our (1-ULP) sigmoid.
double literal_identity(double x) {
  const double s = sigmoid(x);
  return s * (1 - s);
}

/// The same with the sigmoid most code writes.
double naive_identity(double x) {
  const double s = 1 / (1 + std::exp(-x));
  return s * (1 - s);
}

/// f(x) == 0 at `at` and f > 0 at the double just below it.
void check_breaks_at(const char* what, double (*f)(double), double at) {
  const double before = std::nextafter(at, 0.0);
  check_that(std::string(what) + " is 0 at " + shortest(at), f(at) == 0, shortest(f(at)), "0");
  check_that(std::string(what) + " is > 0 at " + shortest(before), f(before) > 0,
             shortest(f(before)), "> 0");
}

/// Certifies |s(1-s) - σ'(x)| <= relative_bound·σ'(x) for the double s(1-s) at x, with
/// σ'(x) the certified derivative of the definition.
void check_literal_identity_error(const char* what, double x,
                                  const std::function<ball()>& relative_bound) {
  const double got = literal_identity(x);
  certify_at_most(
      what, [&] { return abs(ball(got) - exact_sigmoid_grad(x)); },
      [&] { return relative_bound() * exact_sigmoid_grad(x); });
}

/// Draws x in [lo, hi] for the double-rounding claim (normal results only: the relative bound
/// means nothing for a subnormal σ'(x)), and records it.
double draw_normal_result_x(double lo, double hi) {
  const double x = *gen::real_in(lo, hi);
  input("x", x);
  classify("x <= 0", x <= 0);
  classify("0 < x <= 36.7", x > 0 && x <= 36.7);
  classify("x > 37.43 (s rounds to 1: s(1-s) = 0)", x > kAccurateBreaks);
  return x;
}

GRADAUDIT_CLAIM({
    .id = "sigmoid.definition",
    .section = kSection,
    .quote = R"(f(x) = sigmoid(x) = \frac{1}{1+e^{-x}})",
    .statement = "gradaudit's double sigmoid is within 1 ULP of 1/(1+e^{-x}) (a certified "
                 "ball of the definition) for every finite x (subnormal results and x where "
                 "σ rounds to 1 included; half the cases drawn from [-745, 745])",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double x = *any_logit();
          input("x", x);
          classify_logit(x);
          certify_ulps(
              "sigmoid(x)", sigmoid(x), [&] { return def::sigmoid(ball(x)); }, 1.0);
        },
    .cases = 10000,
});

GRADAUDIT_CLAIM({
    .id = "sigmoid.derivative.identity_in_double",
    .section = kSection,
    .quote = R"(= f(x)(1 - f(x)))",
    .statement = "evaluated literally in double, s(1-s) with s = σ(x) is an accurate σ'(x): "
                 "relative error at most 3·2^-52 (the error of three correctly rounded "
                 "operations on an exact σ) for every x with a normal result, |x| <= 708.39 "
                 "(beyond, σ'(x) is subnormal and a relative bound is meaningless); the error "
                 "is certified against σ'(x) of the definition by jets",
    .expected = verdict::needs_correction,
    .correction = "accurate only for x <= 0. For x > 0 the relative error of s(1-s) grows "
                  "like (3 + e^x)·2^-52 (1-s cancels the rounding error of s), all digits "
                  "are lost near x = 36, and s(1-s) is exactly 0 once s rounds to 1: from x = "
                  "36.736800569677108 with s = 1/(1+exp(-x)), from x = 37.42994775023705 with "
                  "a correctly rounded s. Yet σ'(x) ≈ e^{-x} is still representable down to "
                  "x ≈ 745. Use σ'(x) = e^{-|x|}/(1+e^{-|x|})^2.",
    .as_stated =
        [] {
          const double x = draw_normal_result_x(kSubnormalBelow, -kSubnormalBelow);
          check_literal_identity_error("|s(1-s) - σ'(x)| <= 3·2^-52·σ'(x)", x,
                                       [] { return 3 * ball(0x1p-52); });
        },
    .under_conditions =
        [] {
          const double x = *gen::real_in(kSubnormalBelow, 0);
          input("x", x);
          classify("x < -36.7", x < -36.7);
          // s = σ(x)(1+δ1), |δ1| <= 2^-52 (our sigmoid is within 1 ULP); for x <= 0, s <= 1/2
          // so 1 - s carries δ1·s/(1-s) <= 2^-52 plus one rounding 2^-53; the product one
          // more 2^-53: total relative error < 3·2^-52 (second-order terms are below 2^-100).
          check_literal_identity_error("|s(1-s) - σ'(x)| <= 3·2^-52·σ'(x)", x,
                                       [] { return 3 * ball(0x1p-52); });
        },
    .corrected =
        [] {
          const double x = draw_normal_result_x(kSubnormalBelow, -kSubnormalBelow);
          // For x > 0 the propagated error of s in 1 - s is δ1·s/(1-s) <= 2^-52·e^x.
          check_literal_identity_error("|s(1-s) - σ'(x)| <= (3 + e^x)·2^-52·σ'(x)", x,
                                       [&] { return (3 + exp(ball(x))) * ball(0x1p-52); });
          // And where all is lost: s(1-s) is exactly 0 from these points on.
          check_breaks_at("s(1-s), s = gradaudit::sigmoid", literal_identity, kAccurateBreaks);
          check_breaks_at("s(1-s), s = 1/(1+exp(-x))", naive_identity, kNaiveBreaks);
        },
});

// ---- gradaudit's own accuracy (the issue's 1-ULP bound), over >= 10 000 inputs each -------

GRADAUDIT_CLAIM({
    .id = "accuracy.sigmoid_grad",
    .section = kLib,
    .quote = R"(= f(x)(1 - f(x)))",
    .statement = "gradaudit::sigmoid_grad in double is within 1 ULP of σ'(x) (the definition "
                 "1/(1+e^{-x}) differentiated by jets, a certified ball) for every finite x, "
                 "including x > 36.7 (where the literal formula returns 0) and the subnormal "
                 "tails |x| > 708.4; half the cases drawn from [-745, 745]",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double x = *any_logit();
          input("x", x);
          classify_logit(x);
          certify_ulps(
              "sigmoid_grad(x)", sigmoid_grad(x), [&] { return exact_sigmoid_grad(x); }, 1.0);
        },
    .cases = 10000,
});

GRADAUDIT_CLAIM({
    .id = "accuracy.log_sigmoid",
    .section = kLib,
    .quote = R"(loss = -(y \log(\hat{y}) + (1-y) \log(1-\hat{y})))",
    .statement = "gradaudit::log_sigmoid in double (the y = 1 loss of a sigmoid output is "
                 "-log σ(z)) is within 1 ULP of -log(1+e^{-x}) (a certified ball) for every "
                 "finite x; half the cases drawn from [-745, 745]",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double x = *any_logit();
          input("x", x);
          classify_logit(x);
          certify_ulps(
              "log_sigmoid(x)", log_sigmoid(x), [&] { return def::log_sigmoid(ball(x)); }, 1.0);
        },
    .cases = 10000,
});

}  // namespace activation_sigmoid_claims
}  // namespace
