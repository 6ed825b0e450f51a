// Extensions (softmax.hpp): softmax cross-entropy for K classes — its accuracy in double
// against the 50-digit reference and the naive logsumexp - z_y's, its gradient (the
// categorical family's canonical link), and the two-class case as a sigmoid.
#include "gradaudit/loss.hpp"
#include "gradaudit/softmax.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/oracle.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <cmath>

namespace {

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
  const auto one = rc::gen::weightedOneOf<double>(
      {{4, gen::real_in(-40, 40)}, {2, gen::real_in(-750, 750)}, {1, gen::magnitude_in(1e-300, 1e300)}});
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
  return c;
}

/// The 50-digit reference: the same stable formula in ref_t. Its error is a few units of
/// u = 2^-168 relative to L per operation, plus u·|z_k - m| relative in e^{z_k - m}, which
/// matters only where e^{z_k - m} is not negligible next to L (|z_k - m| < 1e6, since ref_t's
/// exponent reaches e^-1e6 and beyond): at most ~1e-44 relative, 1e-28 of a double ULP. The
/// 2-ULP bounds below need no allowance for it.
ref_t reference(const logits_case& c) {
  const std::vector<ref_t> zr(c.z.begin(), c.z.end());
  return softmax_cross_entropy<ref_t>(zr, c.y);
}

/// The textbook logsumexp(z) - z_y in double (max-shifted, so nothing overflows).
double naive(const logits_case& c) {
  const double m = *std::max_element(c.z.begin(), c.z.end());
  double s = 0;
  for (double v : c.z) s += std::exp(v - m);
  return (m + std::log(s)) - c.z[c.y];
}

}  // namespace

GRADAUDIT_CLAIM({
    .id = "ext.softmax.accuracy",
    .section = kSection,
    .quote = "softmax_cross_entropy in double is within 2 ULP of the exact value",
    .statement = "gradaudit's double softmax_cross_entropy(z, y) is within 2 ULP of the 50-digit "
                 "value for K = 2…10 logits over the whole range, including a true class that "
                 "dominates by up to 800",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const auto c = draw_logits();
          check_ulps("L(z, y)", softmax_cross_entropy<double>(c.z, c.y), reference(c), 2.0);
        },
    .cases = 5000,
});

GRADAUDIT_CLAIM({
    .id = "ext.softmax.naive_logsumexp",
    .section = kSection,
    .quote = "loss = logsumexp(z) - z[y]",
    .statement = "the textbook logsumexp(z) - z_y (max-shifted) in double is within 2 ULP of "
                 "the exact value",
    .expected = verdict::refuted,
    .correction = "when the true class dominates, logsumexp(z) and z_y agree in every digit "
                  "the double keeps and their difference cancels to 0 (or a multiple of "
                  "ulp(z_y)); L = log1p(Σ_{k≠y} e^{z_k - z_y}) keeps it (ext.softmax.accuracy).",
    .as_stated =
        [] {
          const auto c = draw_logits();
          check_ulps("logsumexp(z) - z_y", naive(c), reference(c), 2.0);
        },
    .cases = 5000,
});

GRADAUDIT_CLAIM({
    .id = "ext.softmax.two_class_is_sigmoid",
    .section = kSection,
    .quote = "two-class softmax = sigmoid of the logit difference",
    .statement = "for K = 2, softmax cross-entropy of (z0, z1) with class y equals "
                 "bce_with_logits(z1 - z0, y) at 50 digits, i.e. softmax(z)_1 = σ(z1 - z0)",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z0 = *gen::real_in(-50, 50), z1 = *gen::real_in(-50, 50);
          const double y = *gen::label();
          input("z0", z0);
          input("z1", z1);
          input("y", y);
          const std::vector<ref_t> z{ref_t(z0), ref_t(z1)};
          const ref_t soft = softmax_cross_entropy<ref_t>(z, static_cast<std::size_t>(y));
          const ref_t sig = bce_with_logits<ref_t>(ref_t(z1) - ref_t(z0), ref_t(y));
          // Each side: a dozen correctly rounded operations (subtractions, exp, log1p, +) on
          // values below 101 in magnitude: formula_error(12, 101) each.
          check_close("softmax CE vs BCE on z1 - z0", soft, sig, 2 * formula_error(12, ref_t(101)));
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.canonical.categorical_softmax",
    .section = "gradaudit extensions › canonical links",
    .quote = "categorical likelihood with the softmax link: ∂L/∂z = ŷ - y",
    .statement = "for the categorical negative log-likelihood with softmax (K = 2…10), "
                 "∂L/∂z_j = p_j - [j = y] for every j, the canonical-link form ŷ - y with y "
                 "one-hot (checked against the 50-digit central-difference oracle)",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const int k = *rc::gen::inRange(2, 11);
          auto z = *rc::gen::container<std::vector<double>>(static_cast<std::size_t>(k), gen::real_in(-20, 20));
          const auto y = static_cast<std::size_t>(*rc::gen::inRange(0, k));
          const auto j = static_cast<std::size_t>(*rc::gen::inRange(0, k));
          input("z", z);
          input("y", static_cast<double>(y));
          input("j", static_cast<double>(j));
          const std::vector<ref_t> zr(z.begin(), z.end());
          const ref_t claimed = softmax_cross_entropy_grad<ref_t>(zr, y)[j];
          double zmax = 0;
          for (double v : z) zmax = std::max(zmax, std::abs(v));
          smooth_function f;
          f.value = [&](const ref_t& t) {
            auto zt = zr;
            zt[j] = t;
            return softmax_cross_entropy<ref_t>(zt, y);
          };
          // The stable form: K - 1 subtractions and exps, K - 2 sums, log1p, one subtraction
          // and one sum; each correctly rounded, on magnitudes up to K + L + 2·max|z| (the
          // exps are <= 1; a rounding in z_k - m moves e^{z_k - m} <= 1 by u·|z_k - m|).
          f.value_error = [&](const ref_t& t) {
            const ref_t m = std::max(ref_t(zmax), abs(t));
            return formula_error(6 * k + 10, k + 4 * m + 1);  // L <= 2·max|z| + log K
          };
          // |∂L/∂z_j| = |p_j - [j = y]| <= 1; ∂³L/∂z_j³ = p(1-p)(1-2p) with p = p_j, at most
          // 1/(6√3) < 0.1 in magnitude.
          f.max_abs_d1 = [](const ref_t&, const ref_t&) { return ref_t(1); };
          f.max_abs_d3 = [](const ref_t&, const ref_t&) { return ref_t(0.1); };
          // The claimed p_j - [j = y]: K exps and subtractions, two sums of K terms, one
          // division; values <= K.
          check_derivative("∂L/∂z_j", claimed, formula_error(5 * k + 5, ref_t(k)), derivative(f, ref_t(z[j])));
        },
});
