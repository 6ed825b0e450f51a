// Claims of the article's 前置知识 section: the sigmoid and its derivative, and the accuracy
// of gradaudit's own double sigmoid functions against the 50-digit reference.
#include "gradaudit/activation.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <cmath>

namespace {

using namespace gradaudit;
using namespace gradaudit::testing;

const char* const kSection = "前置知识";
const char* const kLib = "gradaudit (accuracy of the double path)";

/// e^{-x}/(1+e^{-x})^2 with the sign the article gives (-1) or the right one (+1), in ref_t:
/// exp, +, ×, /, × — five correctly rounded operations on positive values.
ref_t article_middle_step(double x, int sign) {
  const ref_t e = exp(-ref_t(x));
  const ref_t d = 1 + e;
  return sign * e / (d * d);
}

void middle_step_property(int sign) {
  const double x = *gen::real_in(-40, 40);
  input("x", x);
  const ref_t claimed = article_middle_step(x, sign);
  check_derivative("f'(x)", claimed, formula_error(6, claimed),
                   derivative({scalar_function::kind::sigmoid}, x));
}

// Where s(1-s) becomes exactly 0 in double: from the first x at which s rounds to 1.
// With a naive s = 1/(1+exp(-x)) that is where 1 + e^{-x} rounds to 1 (e^{-x} <= 2^-53);
// with a correctly rounded s it is where 1 - σ(x) < 2^-54, i.e. x > 54·ln 2. Both points
// were found by bisection and are checked (with their predecessors) by the property below.
constexpr double kNaiveBreaks = 36.736800569677108;    // 0x1.25e4f7b2737fbp+5
constexpr double kAccurateBreaks = 37.428971664263997;  // 0x1.2b6e88b227658p+5

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

}  // namespace

GRADAUDIT_CLAIM({
    .id = "sigmoid.definition",
    .section = kSection,
    .quote = R"(f(x) = sigmoid(x) = \frac{1}{1+e^{-x}})",
    .statement = "gradaudit's double sigmoid is within 1 ULP of 1/(1+e^{-x}) evaluated at 50 "
                 "digits, for every finite x (subnormal results and x where σ rounds to 1 "
                 "included)",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double x = *gen::any_finite();
          input("x", x);
          // The definition taken literally, at 50 digits: 1/(1+e^{-x}) is accurate to 2u
          // relative there for every x (e^{-x} may be huge; its inverse is then tiny but the
          // exponent range is 2^±2^30), far below the 1-ULP tolerance (ULP >= 2^-52 relative).
          const ref_t exact = 1 / (1 + exp(-ref_t(x)));
          check_ulps("sigmoid(x)", sigmoid(x), exact, 1.0);
        },
    .cases = 10000,
});

GRADAUDIT_CLAIM({
    .id = "sigmoid.derivative.middle_step",
    .section = kSection,
    .quote = R"(f'(x) = -\frac{1}{(1+e^{-x})^2}e^{-x})",
    .statement = "the derivative of 1/(1+e^{-x}) equals -e^{-x}/(1+e^{-x})^2",
    .expected = verdict::refuted,
    .correction = "f'(x) = +e^{-x}/(1+e^{-x})^2: the chain rule's inner factor d(1+e^{-x})/dx "
                  "= -e^{-x} cancels the minus sign of d(u^{-1})/du = -u^{-2}. The article's "
                  "expression is -f(x)(1-f(x)), which contradicts its own next step.",
    .as_stated = [] { middle_step_property(-1); },
    .corrected = [] { middle_step_property(+1); },
});

GRADAUDIT_CLAIM({
    .id = "sigmoid.derivative.identity",
    .section = kSection,
    .quote = R"(= f(x)(1 - f(x)))",
    .statement = "σ'(x) = σ(x)(1-σ(x)) in exact arithmetic: σ(1-σ) evaluated at 50 digits "
                 "agrees with a central difference of σ within their combined error bound, "
                 "for x in [-60, 60] (beyond, 1-σ at 50 digits keeps too few digits to "
                 "certify anything: it is exactly 0 past x ≈ 116)",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double x = *gen::real_in(-60, 60);
          input("x", x);
          const ref_t f = detail::sigmoid_kernel<ref_t>(ref_t(x));
          const ref_t claimed = f * (1 - f);
          // σ to 4u relative (so 4u absolute, σ <= 1); 1 - σ inherits that 4u absolute plus
          // one rounding; the product adds one more: 6u absolute covers it.
          check_derivative("f(x)(1-f(x))", claimed, formula_error(6, ref_t(1)),
                           derivative({scalar_function::kind::sigmoid}, x));
        },
});

GRADAUDIT_CLAIM({
    .id = "sigmoid.derivative.identity_in_double",
    .section = kSection,
    .quote = R"(= f(x)(1 - f(x)))",
    .statement = "evaluated literally in double, s(1-s) with s = σ(x) is an accurate σ'(x): "
                 "relative error at most 3·2^-52 (the error of three correctly rounded "
                 "operations on an exact σ) for every finite x with a normal result",
    .expected = verdict::needs_correction,
    .correction = "accurate only for x <= 0. For x > 0 the relative error of s(1-s) grows "
                  "like (3 + e^x)·2^-52 (1-s cancels the rounding error of s), all digits "
                  "are lost near x = 36, and s(1-s) is exactly 0 once s rounds to 1: from x = "
                  "36.736800569677108 with s = 1/(1+exp(-x)), from x = 37.428971664263997 with "
                  "a correctly rounded s. Yet σ'(x) ≈ e^{-x} is still representable down to "
                  "x ≈ 745. Use σ'(x) = e^{-|x|}/(1+e^{-|x|})^2.",
    .as_stated =
        [] {
          const double x = *gen::real_in(-700, 700);
          input("x", x);
          const ref_t exact = sigmoid_grad(ref_t(x));
          const double got = literal_identity(x);
          check_close("s(1-s) within relative 3·2^-52 of σ'(x)", ref_t(got), exact,
                      3 * ref_t(0x1p-52) * exact);
        },
    .under_conditions =
        [] {
          const double x = *gen::real_in(-700, 0);
          input("x", x);
          const ref_t exact = sigmoid_grad(ref_t(x));
          const double got = literal_identity(x);
          // s = σ(x)(1+δ1), |δ1| <= 2^-52 (our sigmoid is within 1 ULP); for x <= 0, s <= 1/2
          // so 1 - s carries δ1·s/(1-s) <= 2^-52 plus one rounding 2^-53; the product one
          // more 2^-53: total relative error < 3·2^-52 (second-order terms are below 2^-100).
          check_close("s(1-s) within relative 3·2^-52 of σ'(x)", ref_t(got), exact,
                      3 * ref_t(0x1p-52) * exact);
        },
    .corrected =
        [] {
          const double x = *gen::real_in(-700, 700);
          input("x", x);
          const ref_t exact = sigmoid_grad(ref_t(x));
          const double got = literal_identity(x);
          // For x > 0 the propagated error of s in 1 - s is δ1·s/(1-s) <= 2^-52·e^x.
          const ref_t bound = (3 + exp(ref_t(x))) * ref_t(0x1p-52);
          check_close("s(1-s) within relative (3 + e^x)·2^-52 of σ'(x)", ref_t(got), exact,
                      bound * exact);
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
    .statement = "gradaudit::sigmoid_grad in double is within 1 ULP of e^{-|x|}/(1+e^{-|x|})^2 "
                 "at 50 digits for every finite x, including x > 36.7 (where the literal "
                 "formula returns 0) and the subnormal tails |x| > 708.4",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double x = *gen::any_finite();
          input("x", x);
          const ref_t e = exp(-abs(ref_t(x)));
          check_ulps("sigmoid_grad(x)", sigmoid_grad(x), e / ((1 + e) * (1 + e)), 1.0);
        },
    .cases = 10000,
});

GRADAUDIT_CLAIM({
    .id = "accuracy.log_sigmoid",
    .section = kLib,
    .quote = R"(loss = -(y \log(\hat{y}) + (1-y) \log(1-\hat{y})))",
    .statement = "gradaudit::log_sigmoid in double (the y = 1 loss of a sigmoid output is "
                 "-log σ(z)) is within 1 ULP of -log(1+e^{-x}) at 50 digits for every finite x",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double x = *gen::any_finite();
          input("x", x);
          // log1p(e^{-x}) for x >= 0; x - log1p(e^{x}) for x < 0 (the same number; the second
          // form only avoids e^{-x} overflowing at 50 digits for x < -2^30·ln 2).
          const ref_t rx = x;
          const ref_t exact = x >= 0 ? -log1p(exp(-rx)) : rx - log1p(exp(rx));
          check_ulps("log_sigmoid(x)", log_sigmoid(x), exact, 1.0);
        },
    .cases = 10000,
});
