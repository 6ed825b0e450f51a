// Extensions (softmax.hpp): softmax cross-entropy for K classes — its accuracy in double
// against the certified value of its definition and the naive logsumexp - z_y's, its
// gradient (the categorical family's canonical link), and the two-class case as a sigmoid.
#include "gradaudit/softmax.hpp"
#include "gradaudit/testing/certify.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/definitions.hpp"
#include "gradaudit/testing/generators.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace {
namespace softmax_cross_entropy_claims {

using namespace gradaudit;
using namespace gradaudit::testing;

const char* const kSection = "gradaudit extensions › softmax cross-entropy";

struct logits_case {
  std::vector<double> z;
  std::size_t y = 0;
};

/// K = 2…10 logits, each from the moderate range, the range where e^{z_k - m} reaches the
/// subnormals, or log-uniform up to 1e300; in half of the cases the true class dominates by
/// up to 800 (where logsumexp - z_y cancels). Recorded as inputs.
logits_case draw_logits() {
  logits_case c;
  const int k = *rc::gen::inRange(2, 11);
  const auto one = rc::gen::weightedOneOf<double>({{4, gen::real_in(-40, 40)},
                                                   {2, gen::real_in(-750, 750)},
                                                   {1, gen::magnitude_in(1e-300, 1e300)}});
  c.z = *rc::gen::container<std::vector<double>>(static_cast<std::size_t>(k), one);
  c.y = static_cast<std::size_t>(*rc::gen::inRange(0, k));
  if (*rc::gen::arbitrary<bool>()) {
    double others = -std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < c.z.size(); ++j)
      if (j != c.y) others = std::max(others, c.z[j]);
    c.z[c.y] = others + *gen::real_in(0, 800);
  }
  input("z", c.z);
  input("y", static_cast<double>(c.y));
  double others = -std::numeric_limits<double>::infinity(), largest = 0;
  for (std::size_t j = 0; j < c.z.size(); ++j) {
    if (j != c.y) others = std::max(others, c.z[j]);
    largest = std::max(largest, std::abs(c.z[j]));
  }
  classify("true class dominates by > 36.7 (L < 1e-16)", c.z[c.y] - others > 36.7);
  classify("true class dominates by > 745 (L underflows)", c.z[c.y] - others > 745);
  classify("true class below the largest logit", c.z[c.y] < others);
  classify("some |z_k| > 1e3", largest > 1e3);
  return c;
}

/// The exact loss as its definition, log Σ_k e^{z_k} - z_y, in ball arithmetic: no shift,
/// no stable rewriting (balls do not overflow; where it cancels, the engine adds bits).
ball exact_loss(const logits_case& c) {
  const std::vector<ball> z(c.z.begin(), c.z.end());
  return def::logsumexp(z) - z[c.y];
}

/// The textbook logsumexp(z) - z_y in double (max-shifted, so nothing overflows).
double naive(const logits_case& c) {
  const double m = *std::max_element(c.z.begin(), c.z.end());
  double s = 0;
  for (double v : c.z) s += std::exp(v - m);
  return (m + std::log(s)) - c.z[c.y];
}

/// The whole range of a logit in double: e^z is finite and nonzero (or subnormal) there.
constexpr double kLogitRange = 745;

/// A target probability vector over K classes: a hard (one-hot) or soft target on `c`. The
/// other classes' masses are doubles (0 for a hard target; soft: 0 or a probability times
/// 2^-4, down to the subnormals) and class c takes the mass they leave, y_c = 1 - Σ_{k≠c} y_k
/// >= 7/16, as a ball: so Σ y = 1 exactly, which the canonical form ŷ - y needs.
struct categorical_target {
  std::vector<double> others;  ///< y_k for k ≠ c (others[c] is 0 and unused)
  std::size_t c = 0;

  /// y_k as a ball at the working precision.
  ball operator[](std::size_t k) const {
    if (k != c) return ball(others[k]);
    ball rest(1);
    for (std::size_t j = 0; j < others.size(); ++j)
      if (j != c) rest -= ball(others[j]);
    return rest;
  }
};

/// Draws a hard or soft target over K classes and records it.
categorical_target draw_categorical_target(std::size_t k) {
  categorical_target t;
  t.c = static_cast<std::size_t>(*rc::gen::inRange<std::size_t>(0, k));
  t.others.assign(k, 0.0);
  const bool soft = *rc::gen::arbitrary<bool>();
  if (soft)
    for (std::size_t j = 0; j < k; ++j)
      if (j != t.c) t.others[j] = std::ldexp(*gen::probability(), -4);
  input("y (class taking the rest)", static_cast<double>(t.c));
  input("y (other classes)", t.others);
  classify("hard target", !soft);
  classify("soft target", soft);
  return t;
}

/// The categorical negative log-likelihood -Σ_k y_k log softmax(z)_k (terms with y_k = 0
/// left out), for any scalar S.
template <class S>
S categorical_nll(const std::vector<S>& z, const categorical_target& y) {
  S l(0);
  for (std::size_t k = 0; k < z.size(); ++k)
    if (k == y.c || y.others[k] != 0) l -= y[k] * log(def::softmax(z, k));
  return l;
}

GRADAUDIT_CLAIM({
    .id = "ext.softmax.accuracy",
    .section = kSection,
    .quote = "softmax_cross_entropy in double is within 2 ULP of the exact value",
    .statement = "gradaudit's double softmax_cross_entropy(z, y) is within 2 ULP of the exact "
                 "value log Σ e^{z_k} - z_y (certified in ball arithmetic) for K = 2…10 logits "
                 "over the whole range, including a true class that dominates by up to 800",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const auto c = draw_logits();
          certify_ulps(
              "L(z, y)", softmax_cross_entropy<double>(c.z, c.y), [&] { return exact_loss(c); },
              2.0);
        },
    .cases = 5000,
});

GRADAUDIT_CLAIM({
    .id = "ext.softmax.naive_logsumexp",
    .section = kSection,
    .quote = "loss = logsumexp(z) - z[y]",
    .statement = "the textbook logsumexp(z) - z_y (max-shifted) in double is within 2 ULP of "
                 "the exact value (certified in ball arithmetic)",
    .expected = verdict::refuted,
    .correction = "when the true class dominates, logsumexp(z) and z_y agree in every digit "
                  "the double keeps and their difference cancels to 0 (or a multiple of "
                  "ulp(z_y)); L = log1p(Σ_{k≠y} e^{z_k - z_y}) keeps it (ext.softmax.accuracy).",
    .as_stated =
        [] {
          const auto c = draw_logits();
          certify_ulps(
              "logsumexp(z) - z_y", naive(c), [&] { return exact_loss(c); }, 2.0);
        },
    .cases = 5000,
});

GRADAUDIT_CLAIM({
    .id = "ext.softmax.two_class_is_sigmoid",
    .section = kSection,
    .quote = "two-class softmax = sigmoid of the logit difference",
    .statement = "for K = 2 and a target (1 - y, y) (y hard or soft), the softmax "
                 "cross-entropy -Σ y_k log softmax(z)_k equals bce(σ(z1 - z0), y), and "
                 "softmax(z)_1 = σ(z1 - z0); z0, z1 over [-745, 745], certified in balls",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z0 = *gen::real_in(-kLogitRange, kLogitRange);
          const double z1 = *gen::real_in(-kLogitRange, kLogitRange);
          const double y = *rc::gen::oneOf(gen::label(), gen::probability());
          input("z0", z0);
          input("z1", z1);
          input("y", y);
          classify("hard target", y == 0 || y == 1);
          classify("soft target", y != 0 && y != 1);
          classify("|z1 - z0| > 36.7 (σ saturated in double)", std::abs(z1 - z0) > 36.7);
          const categorical_target target{{0.0, y}, 0};  // (1 - y, y): class 0 takes the rest
          const auto z = [&] { return std::vector<ball>{ball(z0), ball(z1)}; };
          check_equal(
              "softmax CE of (1 - y, y) vs bce(σ(z1 - z0), y)",
              [&] { return categorical_nll(z(), target); },
              [&] {
                // bce(ŷ, y) = -(y log ŷ + (1-y) log(1-ŷ)) with 1 - y exact (def::bce
                // rounds it in double), zero-coefficient terms left out.
                const ball s = def::sigmoid(ball(z1) - z0);
                ball l(0);
                if (y != 0) l -= y * log(s);
                if (y != 1) l -= (ball(1) - y) * log(1 - s);
                return l;
              });
          check_equal(
              "softmax(z)_1 vs σ(z1 - z0)", [&] { return def::softmax(z(), 1); },
              [&] { return def::sigmoid(ball(z1) - z0); });
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.canonical.categorical_softmax",
    .section = "gradaudit extensions › canonical links",
    .quote = "categorical likelihood with the softmax link: ∂L/∂z = ŷ - y",
    .statement = "for the categorical negative log-likelihood L = -Σ_k y_k log softmax(z)_k "
                 "(K = 2…10 logits over [-745, 745]; y one-hot or a soft probability vector "
                 "summing to 1 exactly), ∂L/∂z_j = p_j - y_j for every j at once: the "
                 "canonical-link form ŷ - y (certified against the jet gradient)",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const int k = *rc::gen::inRange(2, 11);
          const auto z = *rc::gen::container<std::vector<double>>(
              static_cast<std::size_t>(k), gen::real_in(-kLogitRange, kLogitRange));
          input("z", z);
          const auto y = draw_categorical_target(z.size());
          const auto [lo, hi] = std::minmax_element(z.begin(), z.end());
          classify("spread max z - min z > 745 (some p_k underflows double)", *hi - *lo > 745);
          classify("p_c < 1e-300 (the target class far below the largest logit)",
                   *hi - z[y.c] > 690.8);
          std::vector<std::string> names;
          for (int j = 0; j < k; ++j) names.push_back("z" + std::to_string(j));
          check_gradient(
              "∂L/∂z", [&](const auto& v) { return categorical_nll(v, y); },
              [&](const std::vector<ball>& v) {
                std::vector<ball> g;
                for (std::size_t j = 0; j < v.size(); ++j) g.push_back(def::softmax(v, j) - y[j]);
                return g;
              },
              z, names);
        },
});

}  // namespace softmax_cross_entropy_claims
}  // namespace
