// Extensions (output_layer.hpp): what "MSE is not suitable for logistic regression" means
// beyond slow gradients — curvature (cross-entropy·sigmoid is convex in w, MSE·sigmoid is not)
// and the largest gradient each can produce.
//
// Every check is certified (certify.hpp): second derivatives of the losses' definitions come
// from jets of jets over balls, first derivatives from jets; claimed curvatures and bounds are
// formulas evaluated in ball arithmetic.
#include "gradaudit/testing/certify.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/definitions.hpp"
#include "gradaudit/testing/generators.hpp"

#include <rapidcheck.h>

#include <cmath>

namespace {
namespace curvature_claims {

using namespace gradaudit;
using namespace gradaudit::testing;

const char* const kSection = "gradaudit extensions › curvature and gradient bounds";

/// The whole range of a logit in double: e^z is finite and nonzero (or subnormal) there.
constexpr double kLogitRange = 745;

/// A case: weights w (1 to 3 entries in [-40, 40]), inputs x (in [-20, 20], so that a single
/// product w_i·x_i reaches ±800 and w·x covers the whole logit range and beyond), a direction
/// v (in [-20, 20], or x itself) and a hard or soft target y. Recorded, with its classes.
struct curvature_case {
  std::vector<double> w, x, v;
  double y = 0;
};

curvature_case draw_curvature_case(bool along_x) {
  curvature_case c;
  c.w = *gen::vector_of(1, 3, gen::real_in(-40, 40));
  c.x = *rc::gen::container<std::vector<double>>(c.w.size(), gen::real_in(-20, 20));
  c.v = along_x ? c.x : *rc::gen::container<std::vector<double>>(c.w.size(), gen::real_in(-20, 20));
  c.y = *rc::gen::oneOf(gen::label(), gen::probability());
  input("w", c.w);
  input("x", c.x);
  if (!along_x) input("v", c.v);
  input("y", c.y);
  double z = 0;  // only to classify the case
  for (std::size_t i = 0; i < c.w.size(); ++i) z += c.w[i] * c.x[i];
  classify("saturated |w·x| > 36.7", std::abs(z) > 36.7);
  classify("|w·x| > 745", std::abs(z) > 745);
  classify("soft target", c.y != 0 && c.y != 1);
  return c;
}

/// d²/dt² f(w + t·v) at t = 0 — the curvature of f along v — by nested forward mode
/// (jet<jet<ball>>): exact differentiation of the definition, certified enclosures.
template <class F>
ball curvature_along(F f, const std::vector<double>& w, const std::vector<double>& v) {
  using J = jet<ball>;
  using JJ = jet<J>;
  const JJ t = JJ::variable(J::variable(ball(0), 0, 1), 0, 1);
  std::vector<JJ> p;
  p.reserve(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) p.push_back(w[i] + t * v[i]);
  const JJ r = f(p);
  if (r.d.empty() || r.d[0].d.empty()) return ball(0);  // f is affine along v
  return r.d[0].d[0];
}

/// The logistic-regression losses as functions of the weights, for any scalar S.
auto bce_sigmoid_of_w(const curvature_case& c) {
  return [&c](const auto& w) { return def::bce(def::sigmoid(def::dot(w, c.x)), c.y); };
}
auto mse_sigmoid_of_w(const curvature_case& c) {
  return [&c](const auto& w) { return def::mse(def::sigmoid(def::dot(w, c.x)), c.y); };
}

/// ŷ = σ(w·x) and the slope x·v of w·x along v, in balls.
ball output(const curvature_case& c) {
  return def::sigmoid(def::dot(std::vector<ball>(c.w.begin(), c.w.end()), c.x));
}
ball slope(const curvature_case& c) {
  return def::dot(std::vector<ball>(c.x.begin(), c.x.end()), c.v);
}

/// Logits and targets of the one-dimensional bound claims.
double draw_logit() {
  const double z = *gen::real_in(-kLogitRange, kLogitRange);
  input("z", z);
  classify("saturated |z| > 36.7", std::abs(z) > 36.7);
  return z;
}

/// L(z) = (σ(z) - y)² and L(z) = bce(σ(z), y) as functions of the logit.
auto mse_sigmoid_of_z(double y) {
  return [y](const auto& z) { return def::mse(def::sigmoid(z), y); };
}
auto bce_sigmoid_of_z(double y) {
  return [y](const auto& z) { return def::bce(def::sigmoid(z), y); };
}

GRADAUDIT_CLAIM({
    .id = "ext.curvature.bce_sigmoid_convex",
    .section = kSection,
    .quote = "cross-entropy with a sigmoid output is convex in w, with Hessian ŷ(1-ŷ)xxᵀ",
    .statement = "for L(w) = bce(σ(w·x), y) (hard or soft y, |w·x| up to 2400), the second "
                 "derivative along any direction v is ŷ(1-ŷ)(x·v)² >= 0 (so the Hessian is "
                 "ŷ(1-ŷ)xxᵀ, positive semi-definite), certified against the second derivative "
                 "of the definition by nested jets",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const auto c = draw_curvature_case(false);
          const auto truth = [&] { return curvature_along(bce_sigmoid_of_w(c), c.w, c.v); };
          check_equal("d²L/dt² along v", truth, [&] {
            const ball s = output(c), d = slope(c);
            return s * (1 - s) * d * d;
          });
          certify_at_most(
              "0 <= d²L/dt² along v", [] { return ball(0); }, truth);
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.curvature.mse_sigmoid_convex",
    .section = kSection,
    .quote = "squared error with a sigmoid output is convex in w",
    .statement = "for L(w) = (σ(w·x) - y)² (hard or soft y), the second derivative along x is "
                 ">= 0 everywhere (the loss is convex in w), certified from the definition by "
                 "nested jets: a certainly negative value refutes it",
    .expected = verdict::refuted,
    .correction = "along the unit direction x/|x| the curvature is 2σ'(σ' + (σ - y)(1 - 2σ))|x|² "
                  "(along x itself, times |x|² once more): for y = 0 it is 2σ'σ(2 - 3σ)|x|², "
                  "negative once ŷ > 2/3 (for y = 1 once ŷ < 1/3) — on the "
                  "saturated wrong side, where gradient descent most needs to move, the loss "
                  "surface is concave and flat. Cross-entropy's ŷ(1-ŷ)|x|² never is negative.",
    .as_stated =
        [] {
          const auto c = draw_curvature_case(true);
          certify_at_most(
              "0 <= d²L/dt² along x", [] { return ball(0); },
              [&] { return curvature_along(mse_sigmoid_of_w(c), c.w, c.x); });
        },
    .corrected =
        [] {
          const auto c = draw_curvature_case(true);
          check_equal(
              "2σ'(σ' + (σ - y)(1 - 2σ))|x|²·|x|² along x",
              [&] { return curvature_along(mse_sigmoid_of_w(c), c.w, c.x); },
              [&] {
                const ball s = output(c), ds = s * (1 - s), xx = slope(c);
                return 2 * ds * (ds + (s - c.y) * (1 - 2 * s)) * xx * xx;
              });
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.bound.mse_sigmoid_gradient",
    .section = kSection,
    .quote = "the MSE·sigmoid gradient is at most 8/27·|x|",
    .statement = "for L = (σ(z) - y)² with y ∈ [0, 1] (hard or soft), |∂L/∂z| <= 8/27 for z "
                 "over [-745, 745] (so |∂L/∂w_i| <= 8/27·|x_i|), with equality at ŷ = 1/3 for "
                 "y = 1 (z = -ln 2) and ŷ = 2/3 for y = 0 (z = ln 2)",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = draw_logit();
          const double y = *rc::gen::oneOf(gen::label(), gen::probability());
          input("y", y);
          const bool hard = y == 0 || y == 1;
          classify("hard target", hard);
          classify("soft target", !hard);
          certify_at_most(
              "|∂L/∂z| <= 8/27", [&] { return abs(derivative(mse_sigmoid_of_z(y), ball(z))); },
              [] { return ball::ratio(8, 27); });
          if (!hard) return;
          // Attained: at z = ∓ln 2 (ŷ = 1/3 for y = 1, 2/3 for y = 0) ∂L/∂z = ∓2·(2/3)·(2/9).
          check_equal(
              "∂L/∂z at the peak z = ∓ln 2",
              [&] {
                const ball peak = y == 1 ? -log(ball(2)) : log(ball(2));
                return derivative(mse_sigmoid_of_z(y), peak);
              },
              [&] { return y == 1 ? -ball::ratio(8, 27) : ball::ratio(8, 27); });
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.bound.bce_sigmoid_gradient",
    .section = kSection,
    .quote = "the BCE·sigmoid gradient reaches |x|",
    .statement = "for L = bce(σ(z), y) with y ∈ {0, 1}, |∂L/∂z| = |ŷ - y| < 1 everywhere and "
                 "exceeds 1 - 2e^{-t} at t = |z| on the wrong side of the label: the gradient "
                 "reaches |x|, 27/8 times MSE·sigmoid's largest, exactly where MSE's vanishes "
                 "(t over [0, 745]; hard labels only, since 'the wrong side' is a label's)",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double t = *gen::real_in(0, kLogitRange), y = *gen::label();
          input("t", t);
          input("y", y);
          classify("saturated t > 36.7", t > 36.7);
          classify("t < 1", t < 1);
          const double z = y == 1 ? -t : t;  // the wrong side
          const auto grad = [&] { return abs(derivative(bce_sigmoid_of_z(y), ball(z))); };
          check_equal("|∂L/∂z| = |ŷ - y|", grad, [&] { return abs(def::sigmoid(ball(z)) - y); });
          certify_at_most(
              "|∂L/∂z| < 1", grad, [] { return ball(1); }, true);
          certify_at_most(
              "1 - 2e^-t < |∂L/∂z|", [&] { return 1 - 2 * exp(-ball(t)); }, grad, true);
        },
});

}  // namespace curvature_claims
}  // namespace
