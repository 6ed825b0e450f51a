#pragma once
/// \file sigmoid_minus_target.hpp
/// ∂/∂z bce_with_logits(z, y) = σ(z) - y in double, for every y in [0, 1], within
/// 0.5 + 2^-11 ULP of the exact value, including soft targets at the root σ(z) ≈ y.
///
/// Why a fixed working precision cannot do it. Near the root the difference cancels: with
/// y = RN(σ(z)) ± k ULP, |σ(z) - y| is a few ULPs of y or less, so one ULP of the result is
/// ~2^-106·σ(z) or smaller, and for σ(z) a fraction of an ULP from a double y much smaller
/// still (tiny z: σ(z) - (1/2 + z/4) = -z³/48 + …, with 1/2 + z/4 a double for z = m·2^-51).
/// A dd σ(z) (relative error 2^-76) was 1.07e12 ULP off on such inputs (bench/README.md).
/// So the dd kernel answers where it can prove its result (sigmoid_minus_target_dd in
/// logistic.hpp: cancellation of at most 10 bits) and Ziv's strategy in MPFR finishes the
/// rest, correctly rounded (correct_sigmoid_minus_target below). MPFR is already a dependency
/// of the library (the reference type); this is its only use in a double kernel.

#include "gradaudit/detail/logistic.hpp"

#include <mpfr.h>

#include <cmath>

namespace gradaudit::detail {

/// RN(σ(z) - y) for finite z and y, by Ziv's strategy in MPFR. At precision p (128, 256, …)
/// lower and upper bounds of σ(z) - y by directed rounding: for the lower bound e = e^{-z}
/// rounded up, 1 + e rounded up, 1/(1 + e) rounded down, minus y rounded down; the upper
/// bound with every direction reversed. Rounding to nearest is monotonic, so when the two
/// bounds round to the same double (mpfr_get_d, RN, subnormals included) that double is
/// RN(σ(z) - y). The loop ends: σ(z) = y only for z = 0, y = 1/2 (for a rational z != 0,
/// e^{-z} is transcendental, Lindemann), which the dd kernel answers before; any other
/// difference is nonzero and the bounds close on it as p grows. At 2^15 bits (never reached
/// in the tests: the tiny-z structure above needs ~330 bits, and results within 2^-1075 of
/// 0 ~1100) the upper bound is returned.
inline double correct_sigmoid_minus_target(double z, double y) {
  double lo_d = 0, hi_d = 0;
  for (mpfr_prec_t p = 128; p <= (mpfr_prec_t{1} << 15); p *= 2) {
    mpfr_t mz, e, s, lo, hi;
    mpfr_inits2(p, mz, e, s, lo, hi, static_cast<mpfr_ptr>(nullptr));
    mpfr_set_d(mz, -z, MPFR_RNDN);  // exact: p >= 53
    mpfr_exp(e, mz, MPFR_RNDU);
    mpfr_add_ui(e, e, 1, MPFR_RNDU);
    mpfr_ui_div(s, 1, e, MPFR_RNDD);
    mpfr_sub_d(lo, s, y, MPFR_RNDD);
    mpfr_exp(e, mz, MPFR_RNDD);
    mpfr_add_ui(e, e, 1, MPFR_RNDD);
    mpfr_ui_div(s, 1, e, MPFR_RNDU);
    mpfr_sub_d(hi, s, y, MPFR_RNDU);
    lo_d = mpfr_get_d(lo, MPFR_RNDN);
    hi_d = mpfr_get_d(hi, MPFR_RNDN);
    mpfr_clears(mz, e, s, lo, hi, static_cast<mpfr_ptr>(nullptr));
    if (lo_d == hi_d) break;
  }
  return hi_d;
}

namespace dbl {

/// ∂/∂z bce_with_logits(z, y) = σ(z) - y.
/// y = 1: -σ(-z); y = 0: σ(z) (the 1-ULP sigmoid, subnormal results included). Soft y: the
/// dd kernel where it proves its result (sigmoid_minus_target_dd: within 0.5 + 2^-12.7 ULP),
/// else correct_sigmoid_minus_target (correctly rounded). Error <= 0.5 + 2^-11 ULP for every
/// z and every y in [0, 1]. z = ±inf: 1 - y, -y. NaN -> NaN.
/// Cost: the dd kernel (~50 ns) except where |σ(z) - y| < 2^-10·σ(z) (or the result is below
/// 2^-1000), where MPFR takes a few µs.
inline double bce_with_logits_grad(double z, double y) {
  if (std::isnan(z) || std::isnan(y)) return z + y;
  if (y == 1) return -sigmoid(-z);
  if (y == 0) return sigmoid(z);
  if (z == inf) return round(one_minus(y));
  if (z == -inf) return -y;
  if (const auto fast = sigmoid_minus_target_dd(z, y)) return *fast;
  return correct_sigmoid_minus_target(z, y);
}

}  // namespace dbl
}  // namespace gradaudit::detail
