#pragma once
/// \file scaled_terms.hpp
/// Sums of non-negative terms 2^m·(hi + lo) for the `double` kernels of the loss vocabulary
/// (BCE-with-logits with pos_weight, focal): each term keeps its binary exponent apart, so a
/// term far below the normal range (softplus(-800) = e^-800) is not flushed before it is
/// weighted, and the sum is rounded once (round_scaled), subnormal results included.
///
/// Only calls detail/{double_double,exp_log,logistic}.hpp; u = 2^-53.

#include "gradaudit/detail/logistic.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gradaudit::detail::dbl {

/// softplus(t) = log(1 + e^t) >= 0 as a scaled dd, relative error < 2^-66.3, for finite t:
///  - t < -50: e^t (exp_scaled, < 2^-76.9), since softplus(t) = e^t(1 - e^t/2 + …) and
///    e^t/2 < 2^-73;
///  - |t| <= 50: max(t, 0) + log1p(e^{-|t|}), two non-negative dd terms (< 2^-66.4 + 2u²);
///  - t > 50: t itself, the dropped log1p(e^{-t}) < e^-50 < 2^-72 relative to t >= 50 (t is
///    exact, so this is the only error).
inline scaled_dd softplus_scaled(double t) {
  if (t < -tail_cut) return exp_scaled(t);
  if (t > tail_cut) return {{t, 0}, 0};
  return {add(log1p_exp_neg_abs(t), std::max(t, 0.0)), 0};
}

/// 2^m·v times a dd weight w >= 0 (7u²), or +inf when the product overflows. Exact low parts
/// need |v·w| >= 2^-969 (the callers state the range of weights for which that holds).
inline scaled_dd scale_term(const scaled_dd& s, dd w) {
  const double p = s.v.hi * w.hi;
  if (!std::isfinite(p) || w.hi == 0) return {{p, 0}, p == 0 ? 0 : s.m};
  return {mul(s.v, w), s.m};
}

/// 2^a.m·a.v + 2^b.m·b.v for non-negative terms: the term with the smaller exponent is scaled
/// to the larger (exactly while its parts stay above 2^-1022 after scaling; below, its parts
/// are rounded to 2^-1074·2^m, which is under 2^-52 ULP of the sum: the sum is >= the larger
/// term, >= 2^m). A dd sum of non-negative terms: relative error 3u².
inline scaled_dd add_terms(scaled_dd a, scaled_dd b) {
  if (a.v.hi == 0) return b;
  if (b.v.hi == 0) return a;
  if (std::isinf(a.v.hi) || std::isinf(b.v.hi))
    return {{std::numeric_limits<double>::infinity(), 0}, 0};
  if (a.m < b.m) std::swap(a, b);
  const int shift = std::max(b.m - a.m, -1100);
  const dd bs = to_dd({b.v, shift});
  return {add(a.v, bs), a.m};
}

/// RN of a scaled sum, subnormal results (round_scaled) and overflow to ±inf included (for
/// m > 1023 the result is normal or infinite, so rounding v first and scaling is exact).
inline double round_terms(const scaled_dd& s) {
  if (std::isinf(s.v.hi) || s.v.hi == 0) return s.v.hi;
  if (s.m < -1200) return std::copysign(0.0, s.v.hi);  // |2^m·v| < 2^-1198: rounds to 0
  if (s.m <= 1023) return round_scaled(s);
  return std::ldexp(round(s.v), s.m);  // exact, or ±inf when the result overflows
}

/// bce_with_logits(z, y) for z <= 0 and a tiny soft target 0 < y < 2^-900, where the dd
/// kernel's products lose their low parts and its |z| > 700 shortcut drops L: since
/// y·softplus(-z) + (1 - y)·softplus(z) = y·(-z) + softplus(z) for z <= 0 (softplus(-z) =
/// -z + softplus(z)), the result is two non-negative terms, y·(-z) (an exact product of
/// y·2^1000, normal, and -z, kept at exponent -1000) and softplus(z) (scaled, < 2^-66.3
/// relative), summed (3u²) and rounded once: error <= 0.5 + 2^-11 ULP, subnormal results
/// included. (When -z is so small that the product's low part is inexact, softplus(z) >=
/// ln 2/2 dwarfs it.)
inline double bce_with_logits_tiny_target(double z, double y) {
  const scaled_dd product{two_product(std::ldexp(y, 1000), -z), -1000};
  return round_terms(add_terms(product, softplus_scaled(z)));
}

/// bce on a logit in double for every z and every y ∈ [0, 1], subnormal y included: the dd
/// kernel (logistic.hpp), or for -2^500 <= z <= 0 and 0 < y < 2^-900 (where the dd products
/// and its |z| > 700 shortcut fail) bce_with_logits_tiny_target. Error <= 0.5 + 2^-11 ULP.
/// Every double path (the public function, its batch form, pos_weight = 1, the trainer's loss)
/// comes through here.
inline double bce_with_logits(double z, double y) {
  if (z <= 0 && z >= -0x1p500 && y > 0 && y < 0x1p-900) return bce_with_logits_tiny_target(z, y);
  return bce_with_logits_dd(z, y);
}

}  // namespace gradaudit::detail::dbl
