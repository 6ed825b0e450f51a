// Extensions (loss.hpp, output_layer.hpp): the theorem behind the article's "coincidence" —
// for the negative log-likelihood of an exponential family with its canonical link,
// ∂L/∂z = c·(ŷ - y) — and the extra factor every non-canonical pair carries instead.
// (The categorical/softmax case is in softmax_cross_entropy.cpp.)
#include "gradaudit/loss.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/oracle.hpp"

#include <rapidcheck.h>

#include <cmath>

namespace {

using namespace gradaudit;
using namespace gradaudit::testing;

const char* const kSection = "gradaudit extensions › canonical links";

/// L(z) = e^z - y·z, the Poisson negative log-likelihood (up to log y!) with the exp link.
/// Value: exp, ×, − correctly rounded: error <= 3u·(e^z + y|z|). |L'| = |e^z - y| <= e^hi + y
/// and L''' = e^z <= e^hi on [lo, hi].
smooth_function poisson_exp(const ref_t& y) {
  smooth_function f;
  f.value = [y](const ref_t& t) { return exp(t) - y * t; };
  f.value_error = [y](const ref_t& t) { return formula_error(3, exp(t) + y * abs(t)); };
  f.max_abs_d1 = [y](const ref_t&, const ref_t& hi) { return exp(hi) + y; };
  f.max_abs_d3 = [](const ref_t&, const ref_t& hi) { return exp(hi); };
  return f;
}

/// L(ŷ) = ŷ - y·log ŷ, the Poisson negative log-likelihood with the identity link, on ŷ > 0.
/// Value: log, ×, − correctly rounded: error <= 3u·(ŷ + y|log ŷ|). On [lo, hi] ⊂ (0, ∞):
/// |L'| = |1 - y/ŷ| <= 1 + y/lo, |L'''| = 2y/ŷ³ <= 2y/lo³.
smooth_function poisson_identity(const ref_t& y) {
  smooth_function f;
  f.value = [y](const ref_t& t) { return t - y * log(t); };
  f.value_error = [y](const ref_t& t) { return formula_error(3, t + y * abs(log(t))); };
  f.max_abs_d1 = [y](const ref_t& lo, const ref_t&) { return 1 + y / lo; };
  f.max_abs_d3 = [y](const ref_t& lo, const ref_t&) { return 2 * y / (lo * lo * lo); };
  f.lo = 0;
  return f;
}

double draw_count() {
  const double y = *rc::gen::inRange(0, 21);
  input("y", y);
  return y;
}

}  // namespace

GRADAUDIT_CLAIM({
    .id = "ext.canonical.gaussian_identity",
    .section = kSection,
    .quote = "Gaussian likelihood (squared error) with the identity link: ∂L/∂z = 2(ŷ - y)",
    .statement = "for L = (ŷ - y)² with ŷ = z, ∂L/∂z = 2(ŷ - y): the canonical form, with the "
                 "family's constant 2",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = *gen::real_in(-100, 100), y = *gen::real_in(-100, 100);
          input("z", z);
          input("y", y);
          // 2(z - y): one subtraction, one exact doubling.
          check_derivative("∂L/∂z", 2 * (ref_t(z) - y), formula_error(1, 2 * (std::abs(z) + std::abs(y))),
                           derivative(scalar_function{scalar_function::kind::mse_linear, ref_t(y)}, ref_t(z)));
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.canonical.bernoulli_sigmoid",
    .section = kSection,
    .quote = "Bernoulli likelihood (cross-entropy) with the sigmoid link: ∂L/∂z = ŷ - y",
    .statement = "for L = -(y log ŷ + (1-y) log(1-ŷ)) with ŷ = σ(z) and any y ∈ [0, 1], "
                 "∂L/∂z = ŷ - y",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = *gen::real_in(-40, 40), y = *gen::probability();
          input("z", z);
          input("y", y);
          // σ(z) - y: sigmoid (exp, +, /) and one subtraction, magnitudes <= 1.
          check_derivative("∂L/∂z", sigmoid(ref_t(z)) - y, formula_error(4, ref_t(1)),
                           derivative(scalar_function{scalar_function::kind::bce_sigmoid, ref_t(y)}, ref_t(z)));
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.canonical.poisson_exp",
    .section = kSection,
    .quote = "Poisson likelihood with the exp link: ∂L/∂z = ŷ - y",
    .statement = "for L = ŷ - y·log ŷ with ŷ = e^z and a count y, ∂L/∂z = ŷ - y",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = *gen::real_in(-10, 5);
          input("z", z);
          const double y = draw_count();
          const ref_t yhat = exp(ref_t(z));
          check_derivative("∂L/∂z", yhat - y, formula_error(2, yhat + y), derivative(poisson_exp(ref_t(y)), ref_t(z)));
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.noncanonical.mse_sigmoid",
    .section = kSection,
    .quote = "squared error with the sigmoid (not its canonical link): an extra factor ŷ(1-ŷ)",
    .statement = "for L = (ŷ - y)² with ŷ = σ(z), ∂L/∂z = 2(ŷ - y)·ŷ(1-ŷ): the canonical form "
                 "times dŷ/dz = ŷ(1-ŷ), which vanishes where the sigmoid saturates",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = *gen::real_in(-40, 40), y = *gen::label();
          input("z", z);
          input("y", y);
          const ref_t s = sigmoid(ref_t(z));
          // σ (3 operations), σ - y, 1 - σ and three products; magnitudes <= 2.
          check_derivative("∂L/∂z", 2 * (s - y) * s * (1 - s), formula_error(8, ref_t(2)),
                           derivative(scalar_function{scalar_function::kind::mse_sigmoid, ref_t(y)}, ref_t(z)));
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.noncanonical.bce_linear",
    .section = kSection,
    .quote = "cross-entropy with the identity (not its canonical link): an extra factor 1/(ŷ(1-ŷ))",
    .statement = "for L = -(y log ŷ + (1-y) log(1-ŷ)) with ŷ = z ∈ (0, 1), ∂L/∂z = (ŷ - y)/(ŷ(1-ŷ)): "
                 "the canonical form divided by the Bernoulli variance, unbounded at ŷ → 0, 1",
    .expected = verdict::holds,
    .as_stated =
        [] {
          // ŷ within 1e-6 of 0 or 1 at most: closer, the domain's edge forces the oracle's
          // step so small that it certifies few digits.
          const double z = *gen::real_in(1e-6, 1 - 1e-6), y = *gen::label();
          input("z", z);
          input("y", y);
          const ref_t r = (ref_t(z) - y) / (ref_t(z) * (1 - ref_t(z)));
          // z - y, 1 - z, ×, /: four roundings relative to |r|.
          check_derivative("∂L/∂z", r, formula_error(4, abs(r)),
                           derivative(scalar_function{scalar_function::kind::bce_linear, ref_t(y)}, ref_t(z)));
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.noncanonical.poisson_identity",
    .section = kSection,
    .quote = "Poisson likelihood with the identity (not its canonical link): an extra factor 1/ŷ",
    .statement = "for L = ŷ - y·log ŷ with ŷ = z > 0, ∂L/∂z = (ŷ - y)/ŷ: the canonical form "
                 "divided by the Poisson variance ŷ",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = *gen::magnitude_in(1e-3, 1e3, false);
          input("z", z);
          const double y = draw_count();
          const ref_t r = (ref_t(z) - y) / ref_t(z);
          check_derivative("∂L/∂z", r, formula_error(2, abs(r)), derivative(poisson_identity(ref_t(y)), ref_t(z)));
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.noncanonical.residual_form",
    .section = kSection,
    .quote = "every loss/output pair has ∂L/∂z = c·(ŷ - y)",
    .statement = "the non-canonical pairs share the canonical form too: for Poisson with the "
                 "identity output, ∂L/∂ŷ = ŷ - y",
    .expected = verdict::refuted,
    .correction = "only canonical pairs have ∂L/∂z = c·(ŷ - y); a non-canonical pair carries the "
                  "factor (dŷ/dz)/Var(ŷ): ŷ(1-ŷ) for MSE·sigmoid, 1/(ŷ(1-ŷ)) for BCE·linear, 1/ŷ "
                  "for Poisson·identity (ext.noncanonical.*).",
    .as_stated =
        [] {
          const double z = *gen::magnitude_in(1e-3, 1e3, false);
          input("z", z);
          const double y = draw_count();
          check_derivative("∂L/∂ŷ", ref_t(z) - y, formula_error(1, ref_t(z) + y),
                           derivative(poisson_identity(ref_t(y)), ref_t(z)));
        },
});
