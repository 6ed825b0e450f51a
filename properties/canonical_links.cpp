// Extensions (loss.hpp, output_layer.hpp): the theorem behind the article's "coincidence" —
// for the negative log-likelihood of an exponential family with its canonical link,
// ∂L/∂z = c·(ŷ - y) — and the extra factor every non-canonical pair carries instead.
// (The categorical/softmax case is in softmax_cross_entropy.cpp; the Gaussian/identity case,
// only a formula, is in claims/article.toml.)
//
// Every check is certified (certify.hpp): the TRUE side is the loss as its textbook
// definition, a generic lambda differentiated by jets over balls; the CLAIMED side is the
// formula evaluated in ball arithmetic.
#include "gradaudit/testing/certify.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/definitions.hpp"
#include "gradaudit/testing/generators.hpp"

#include <rapidcheck.h>

#include <cmath>
#include <limits>

namespace {
namespace canonical_links_claims {

using namespace gradaudit;
using namespace gradaudit::testing;

const char* const kSection = "gradaudit extensions › canonical links";

/// The whole range of a logit in double: e^z is finite and nonzero (or subnormal) there.
constexpr double kLogitRange = 745;

/// A logit z from [-745, 745], recorded, with the classes that matter for a sigmoid output.
double draw_logit() {
  const double z = *gen::real_in(-kLogitRange, kLogitRange);
  input("z", z);
  classify("saturated |z| > 36.7", std::abs(z) > 36.7);
  classify("z = 0 or -0", z == 0);
  return z;
}

/// A Bernoulli target: a hard label {0, 1} or a soft probability (down to subnormals).
double draw_target() {
  const double y = *rc::gen::oneOf(gen::label(), gen::probability());
  input("y", y);
  classify("hard target", y == 0 || y == 1);
  classify("soft target", y != 0 && y != 1);
  return y;
}

/// A Poisson target: a count 0…20 or a non-negative real rate (the NLL ŷ - y·log ŷ and its
/// derivative are defined for any y >= 0).
double draw_rate() {
  const double y =
      *rc::gen::oneOf(rc::gen::map(rc::gen::inRange(0, 21), [](int n) { return double(n); }),
                      gen::real_in(0, 1000));
  input("y", y);
  classify("count target", y == std::floor(y));
  classify("non-integer target", y != std::floor(y));
  return y;
}

/// ŷ = z > 0 over the whole positive double range, subnormals included.
double draw_positive_output() {
  const double z = *gen::magnitude_in(std::numeric_limits<double>::denorm_min(),
                                      std::numeric_limits<double>::max(), false);
  input("z", z);
  classify("ŷ < 1e-300", z < 1e-300);
  classify("ŷ > 1e300", z > 1e300);
  return z;
}

/// Poisson negative log-likelihood (up to log y!) of the output ŷ: ŷ - y·log ŷ.
template <class S>
S poisson_nll(const S& yhat, double y) {
  if (y == 0) return yhat;  // 0·log ŷ left out, as in the definition by continuity
  return yhat - y * log(yhat);
}

GRADAUDIT_CLAIM({
    .id = "ext.canonical.bernoulli_sigmoid",
    .section = kSection,
    .quote = "Bernoulli likelihood (cross-entropy) with the sigmoid link: ∂L/∂z = ŷ - y",
    .statement = "for L = -(y log ŷ + (1-y) log(1-ŷ)) with ŷ = σ(z) and any y ∈ [0, 1], "
                 "∂L/∂z = ŷ - y (z over [-745, 745], hard and soft targets; certified against "
                 "the jet derivative of the definition)",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = draw_logit();
          const double y = draw_target();
          classify("ŷ subnormal (z < -708.4)", z < -708.4);
          check_derivative(
              "∂L/∂z", [y](const auto& t) { return def::bce(def::sigmoid(t), y); },
              [y](const ball& t) { return def::sigmoid(t) - y; }, z);
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.canonical.poisson_exp",
    .section = kSection,
    .quote = "Poisson likelihood with the exp link: ∂L/∂z = ŷ - y",
    .statement = "for L = ŷ - y·log ŷ with ŷ = e^z (z over [-745, 745]) and a target y >= 0 "
                 "(counts and non-integer rates), ∂L/∂z = ŷ - y",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = draw_logit();
          const double y = draw_rate();
          check_derivative(
              "∂L/∂z", [y](const auto& t) { return poisson_nll(exp(t), y); },
              [y](const ball& t) { return exp(t) - y; }, z);
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.noncanonical.mse_sigmoid",
    .section = kSection,
    .quote = "squared error with the sigmoid (not its canonical link): an extra factor ŷ(1-ŷ)",
    .statement = "for L = (ŷ - y)² with ŷ = σ(z), ∂L/∂z = 2(ŷ - y)·ŷ(1-ŷ): the canonical form "
                 "times dŷ/dz = ŷ(1-ŷ), which vanishes where the sigmoid saturates (z over "
                 "[-745, 745], hard and soft targets)",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = draw_logit();
          const double y = draw_target();
          check_derivative(
              "∂L/∂z", [y](const auto& t) { return def::mse(def::sigmoid(t), y); },
              [y](const ball& t) {
                const ball s = def::sigmoid(t);
                return 2 * (s - y) * s * (1 - s);
              },
              z);
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.noncanonical.bce_linear",
    .section = kSection,
    .quote = "cross-entropy with the identity (not its canonical link): an extra factor 1/(ŷ(1-ŷ))",
    .statement =
        "for L = -(y log ŷ + (1-y) log(1-ŷ)) with ŷ = z ∈ (0, 1), ∂L/∂z = (ŷ - y)/(ŷ(1-ŷ)): "
        "the canonical form divided by the Bernoulli variance, unbounded at ŷ → 0, 1 "
        "(ŷ down to the subnormals and up to 1 - 2^-53, hard and soft targets). The "
        "minimum ŷ = y is left out: there ∂L/∂z is exactly 0, and the jet's "
        "-y/ŷ + (1-y)/(1-ŷ) (e.g. at ŷ = y = 0.75) cancels to an enclosure of 0 that no "
        "precision makes the exact point",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = *gen::probability(true);
          input("z", z);
          classify("ŷ subnormal", z < std::numeric_limits<double>::min());
          classify("ŷ > 1 - 1e-15", z > 1 - 1e-15);
          const double y = draw_target();
          RC_PRE(z != y);
          check_derivative(
              "∂L/∂z", [y](const auto& t) { return def::bce(t, y); },
              [y](const ball& t) { return (t - y) / (t * (1 - t)); }, z);
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.noncanonical.poisson_identity",
    .section = kSection,
    .quote = "Poisson likelihood with the identity (not its canonical link): an extra factor 1/ŷ",
    .statement = "for L = ŷ - y·log ŷ with ŷ = z > 0 (the whole positive double range), "
                 "∂L/∂z = (ŷ - y)/ŷ: the canonical form divided by the Poisson variance ŷ",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = draw_positive_output();
          const double y = draw_rate();
          check_derivative(
              "∂L/∂z", [y](const auto& t) { return poisson_nll(t, y); },
              [y](const ball& t) { return (t - y) / t; }, z);
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
          const double z = draw_positive_output();
          const double y = draw_rate();
          check_derivative(
              "∂L/∂ŷ", [y](const auto& t) { return poisson_nll(t, y); },
              [y](const ball& t) { return t - y; }, z);
        },
});

}  // namespace canonical_links_claims
}  // namespace
