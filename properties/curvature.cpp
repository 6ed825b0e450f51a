// Extensions (output_layer.hpp): what "MSE is not suitable for logistic regression" means
// beyond slow gradients — curvature (cross-entropy·sigmoid is convex in w, MSE·sigmoid is not)
// and the largest gradient each can produce.
#include "gradaudit/activation.hpp"
#include "gradaudit/loss.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/oracle.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <rapidcheck.h>

#include <cmath>

namespace {

using namespace gradaudit;
using namespace gradaudit::testing;

const char* const kSection = "gradaudit extensions › curvature and gradient bounds";

/// A case: w, x, a direction v (1 to 3 entries each, in [-4, 4]) and a label y; the logit
/// z = w·x and the slope s = x·v of z along v, at 50 digits.
struct curvature_case {
  double y = 0;
  ref_t z, s;
};

curvature_case draw_curvature_case(bool along_x) {
  const auto w = *gen::vector_of(1, 3, gen::real_in(-4, 4));
  const auto x = *rc::gen::container<std::vector<double>>(w.size(), gen::real_in(-4, 4));
  const auto v = along_x ? x : *rc::gen::container<std::vector<double>>(w.size(), gen::real_in(-4, 4));
  curvature_case c;
  c.y = *gen::label();
  input("w", w);
  input("x", x);
  if (!along_x) input("v", v);
  input("y", c.y);
  for (std::size_t i = 0; i < w.size(); ++i) {
    c.z += ref_t(w[i]) * ref_t(x[i]);
    c.s += ref_t(x[i]) * ref_t(v[i]);
  }
  return c;
}

/// d²/dt² g(t) at 0 for g(t) = loss(z + t·s) by the second difference
/// (g(h) - 2g(0) + g(-h))/h², with |error| <= M4·s⁴·h²/12 (Taylor, M4 >= |loss''''|) +
/// 4E/h² (E bounds each value's error) + 3u·|D| (the combination's own roundings). h is the
/// power of two near (48E/(M4 s⁴))^(1/4), the minimiser of the first two terms.
derivative_estimate second_derivative(const std::function<ref_t(const ref_t&)>& loss, const ref_t& z, const ref_t& s,
                                      const ref_t& e, const ref_t& m4) {
  const ref_t u = ref_unit_roundoff();
  const ref_t as = abs(s);
  if (as == 0) return {ref_t(0), ref_t(0), ref_t(0)};  // g is constant
  ref_t h = pow(48 * e / (m4 * pow(as, 4)), ref_t(0.25));
  int ex = 0;
  (void)frexp(h, &ex);
  h = ldexp(ref_t(1), ex - 1);
  const ref_t d = (loss(z + h * s) - 2 * loss(z) + loss(z - h * s)) / (h * h);
  // The callers' E includes the rounding of z ± h·s (two roundings, <= 2u(|z| + h|s|)) times
  // their bound on |loss'|.
  const ref_t bound = m4 * pow(as, 4) * h * h / 12 + 4 * e / (h * h) + 3 * u * abs(d);
  return {d, bound, h};
}

}  // namespace

GRADAUDIT_CLAIM({
    .id = "ext.curvature.bce_sigmoid_convex",
    .section = kSection,
    .quote = "cross-entropy with a sigmoid output is convex in w, with Hessian ŷ(1-ŷ)xxᵀ",
    .statement = "for L(w) = bce(σ(w·x), y), the second derivative along any direction v is "
                 "ŷ(1-ŷ)(x·v)² >= 0 (so the Hessian is ŷ(1-ŷ)xxᵀ, positive semi-definite), "
                 "checked against a 50-digit second difference",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const auto c = draw_curvature_case(false);
          const ref_t y = c.y;
          auto loss = [&](const ref_t& t) { return bce_with_logits(t, y); };
          // Each value: softplus at 168 bits, a few correctly rounded operations on values
          // <= |z| + h|s| + 1 <= 60, plus the rounding of z ± h·s (<= 2u·60) times |L'| <= 1.
          const ref_t e = formula_error(12, ref_t(60));
          // |d⁴/dz⁴ softplus| = |σ'''| <= 1/8.
          const auto d = second_derivative(loss, c.z, c.s, e, ref_t(0.125));
          const ref_t s = sigmoid(c.z);
          const ref_t claimed = s * (1 - s) * c.s * c.s;
          check_derivative("d²L/dt² along v", claimed, formula_error(8, claimed + c.s * c.s), d);
          check_that("the curvature is >= 0", claimed >= 0, to_digits(claimed, 6), ">= 0");
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.curvature.mse_sigmoid_convex",
    .section = kSection,
    .quote = "squared error with a sigmoid output is convex in w",
    .statement = "for L(w) = (σ(w·x) - y)², the second derivative along x is >= 0 everywhere "
                 "(the loss is convex in w), checked with a 50-digit second difference and its "
                 "error bound: a negative value beyond the bound refutes it",
    .expected = verdict::refuted,
    .correction = "along x the curvature is 2σ'(σ' + (σ - y)(1 - 2σ))|x|²: for y = 0 it is "
                  "2σ'σ(2 - 3σ)|x|², negative once ŷ > 2/3 (for y = 1 once ŷ < 1/3) — on the "
                  "saturated wrong side, where gradient descent most needs to move, the loss "
                  "surface is concave and flat. Cross-entropy's ŷ(1-ŷ)|x|² never is negative.",
    .as_stated =
        [] {
          const auto c = draw_curvature_case(true);
          const ref_t y = c.y;
          auto loss = [&](const ref_t& t) {
            const ref_t d = sigmoid(t) - y;
            return d * d;
          };
          // Each value: σ (3 operations), −, × on magnitudes <= 1, plus the rounding of
          // z ± h·s (<= 2u·60) times |L'| <= 2.
          const ref_t e = formula_error(8, ref_t(120));
          // d⁴/dz⁴ (σ - y)² = 2[(σ - y)σ'''' + 4σ'σ''' + 3σ''²] with |σ - y| <= 1, |σ'| <= 1/4,
          // |σ''| <= 1/(6√3) < 0.0963, |σ'''| <= 1/8, |σ''''| < 0.128 (σ'''' =
          // σ'(1-2σ)(1-12σ+12σ²)): at most 2(0.128 + 0.125 + 0.028) < 1.
          const auto d = second_derivative(loss, c.z, c.s, e, ref_t(1));
          check_that("curvature along x >= 0", d.value + d.bound >= 0,
                     to_digits(d.value, 12) + " (± " + to_digits(d.bound, 2) + ")", ">= 0");
        },
    .corrected =
        [] {
          const auto c = draw_curvature_case(true);
          const ref_t y = c.y;
          auto loss = [&](const ref_t& t) {
            const ref_t d = sigmoid(t) - y;
            return d * d;
          };
          const auto d = second_derivative(loss, c.z, c.s, formula_error(8, ref_t(120)), ref_t(1));  // as above
          const ref_t s = sigmoid(c.z), ds = s * (1 - s);
          const ref_t claimed = 2 * ds * (ds + (s - y) * (1 - 2 * s)) * c.s * c.s;
          check_derivative("2σ'(σ' + (σ - y)(1 - 2σ))|x|²", claimed, formula_error(14, 4 * c.s * c.s + 1), d);
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.bound.mse_sigmoid_gradient",
    .section = kSection,
    .quote = "the MSE·sigmoid gradient is at most 8/27·|x|",
    .statement = "for L = (σ(z) - y)² with y ∈ {0, 1}, |∂L/∂z| <= 8/27 everywhere (so "
                 "|∂L/∂w_i| <= 8/27·|x_i|), with equality at ŷ = 1/3 for y = 1 (z = -ln 2) and "
                 "ŷ = 2/3 for y = 0",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = *gen::real_in(-40, 40), y = *gen::label();
          input("z", z);
          input("y", y);
          const auto d = derivative(scalar_function{scalar_function::kind::mse_sigmoid, ref_t(y)}, ref_t(z));
          const ref_t cap = ref_t(8) / 27;
          check_that("|∂L/∂z| <= 8/27", abs(d.value) - d.bound <= cap, to_digits(abs(d.value), 12), "<= 0.296296…");
          // Attained: at z = ∓ln 2 (ŷ = 1/3 for y = 1, 2/3 for y = 0) |∂L/∂z| = 2·(2/3)·(2/9).
          const ref_t peak = y == 1 ? -log(ref_t(2)) : log(ref_t(2));
          const auto dp = derivative(scalar_function{scalar_function::kind::mse_sigmoid, ref_t(y)}, peak);
          check_derivative("|∂L/∂z| at the peak", y == 1 ? -cap : cap, formula_error(1, cap), dp);
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.bound.bce_sigmoid_gradient",
    .section = kSection,
    .quote = "the BCE·sigmoid gradient reaches |x|",
    .statement = "for L = bce(σ(z), y) with y ∈ {0, 1}, |∂L/∂z| = |ŷ - y| < 1 everywhere and "
                 "exceeds 1 - 2e^{-t} at t = |z| on the wrong side of the label: the gradient "
                 "reaches |x|, 27/8 times MSE·sigmoid's largest, exactly where MSE's vanishes",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double t = *gen::real_in(0, 40), y = *gen::label();
          input("t", t);
          input("y", y);
          const ref_t z = y == 1 ? -t : t;  // the wrong side
          const auto d = derivative(scalar_function{scalar_function::kind::bce_sigmoid, ref_t(y)}, z);
          check_that("|∂L/∂z| < 1", abs(d.value) - d.bound < 1, to_digits(abs(d.value), 20), "< 1");
          check_that("|∂L/∂z| > 1 - 2e^-t", abs(d.value) + d.bound > 1 - 2 * exp(-ref_t(t)),
                     to_digits(abs(d.value), 20), "> " + to_digits(1 - 2 * exp(-ref_t(t)), 20));
        },
});
