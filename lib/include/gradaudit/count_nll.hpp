#pragma once
/// \file count_nll.hpp
/// Negative log-likelihoods of the Poisson (log-rate input) and Gaussian (mean and variance
/// input) models, without their constant terms (PyTorch's PoissonNLLLoss(log_input=True,
/// full=False) and GaussianNLLLoss(full=False, eps not applied)):
///
///     poisson_nll(z, y)       = e^z - y·z                  (z = log rate, y >= 0 a count),
///     gaussian_nll(μ, y, σ²)  = (log σ² + (y - μ)²/σ²)/2   (σ² > 0).
///
/// Accuracy in double. Both are differences that can cancel (e^z ≈ y·z for y > e; log σ² < 0
/// against the quadratic term), so the bound is relative to their parts:
///  - poisson_nll: e^z as a scaled dd (exp_scaled, < 2^-76.9), y·z exact (two_product), one dd
///    sum: error ≤ 0.5 ULP + 2^-76·e^z, i.e. ≤ 0.5 + 2^-23·e^z/|L| ULP: ≤ 1 ULP while
///    |L| >= 2^-22·e^z. That holds everywhere for z <= 0 (both parts >= 0: e^z <= L) and for
///    y <= 1 (y·z·e^{-z} <= 1/e, so e^z <= 1.6·L): ≤ 0.5 + 2^-22 ULP there. Near the two
///    roots of e^z = y·z (y > e) L is ill-conditioned. z > 717: +inf (e^z > y·z for every
///    finite y).
///  - gaussian_nll: y - μ exact (two_sum), its square over σ² in dd (7u² + 16u², the exponents
///    kept apart so that r²/σ² is formed even where r² or 1/σ² alone would over- or
///    underflow), log σ² to 2^-66 (log_dd), one dd sum, halved: error ≤ 0.5 ULP +
///    2^-12.9·κ ULP with κ = (|log σ²| + r²/σ²)/|log σ² + r²/σ²|: ≤ 0.5 + 2^-12 ULP for σ² >= 1
///    (κ = 1), ≤ 1 ULP while κ <= 2^12.
///
/// Domain: y >= 0 for Poisson, σ² > 0 for Gaussian (else `domain_error`); NaN -> NaN; infinite
/// inputs give the IEEE value of the formula (e.g. poisson_nll(-inf, y > 0) = +inf).
/// Certified scalars (ball, jet<ball>) evaluate the formulas as written.

#include "gradaudit/detail/scaled_terms.hpp"
#include "gradaudit/robust.hpp"
#include "gradaudit/scalar.hpp"

#include <cmath>
#include <limits>
#include <string>

namespace gradaudit {
namespace detail::dbl {

inline double poisson_nll(double z, double y) {
  if (std::isnan(z) || std::isnan(y)) return z + y;
  if (std::isinf(z) || std::isinf(y)) return y == 0 ? std::exp(z) : std::exp(z) - y * z;
  if (z > 717) return inf;                     // ln z + ln(DBL_MAX) < z: e^z > y·z
  if (!std::isfinite(y * z)) return -(y * z);  // |y·z| overflows and dominates e^z <= e^717
  const scaled_dd e = exp_scaled(z);
  if (y == 0 || z == 0) return z == 0 ? 1.0 : round_terms(e);
  const dd p = two_product(y, z);
  if (e.m > 1000) {  // bring y·z to e's scale (its low part may lose bits only where e^z dominates)
    const double f = exp2i(-e.m / 2), g = exp2i(e.m / 2 - e.m);
    return round_terms({add(e.v, negate(dd{p.hi * f * g, p.lo * f * g})), e.m});
  }
  return round(add(to_dd(e), negate(p)));  // to_dd: e^z below 2^-969 costs < 2^-1074 absolute
}

inline double gaussian_nll(double mu, double y, double var) {
  const double plain_r = y - mu;
  if (std::isnan(plain_r) || std::isnan(var)) return plain_r + var;
  if (!std::isfinite(plain_r) || std::isinf(var))
    return (std::log(var) + plain_r * plain_r / var) / 2;
  const dd a = abs_dd(two_sum(y, -mu));
  if (var == 1) return half_square(a);  // log 1 = 0
  const dd l = log_dd(var);             // |log σ²| >= 2^-53 for σ² != 1
  if (a.hi == 0) return round(l) * 0.5;
  const scaled_dd n = normalized(a);
  const scaled_dd q = over(times(n, n), normalized({var, 0}));  // r²/σ² = 2^m·v, v in (1/2, 4)
  if (q.m < -1100) return round(l) * 0.5;  // r²/σ² < 2^-1098 <= 2^-1045·|log σ²|: no effect
  if (q.m > 1000) return round_terms(halved(q));  // r²/σ² > 2^999 >> |log σ²| <= 745
  return round(add(l, dd{scale2(q.v.hi, q.m), scale2(q.v.lo, q.m)})) * 0.5;
}

}  // namespace detail::dbl

/// Poisson NLL with a log-rate z: e^z - y·z (accuracy and domain in the file comment).
template <class S>
S poisson_nll(const S& z, const S& y) {
  if constexpr (Real<S>) {
    if (y < S(0)) throw domain_error("poisson_nll: y = " + detail::show(y) + " is not >= 0");
  }
  if constexpr (detail::binary_kernel_type<S>) {
    return static_cast<S>(detail::dbl::poisson_nll(z, y));
  } else {
    using std::exp;
    return exp(z) - y * z;
  }
}

/// Gaussian NLL (log σ² + (y - μ)²/σ²)/2 (accuracy and domain in the file comment).
template <class S>
S gaussian_nll(const S& mu, const S& y, const S& var) {
  if constexpr (Real<S>) {
    if (var <= S(0)) throw domain_error("gaussian_nll: var = " + detail::show(var) + " is not > 0");
  }
  if constexpr (detail::binary_kernel_type<S>) {
    return static_cast<S>(detail::dbl::gaussian_nll(mu, y, var));
  } else {
    using std::log;
    const S r = y - mu;
    return (log(var) + r * r / var) / S(2);
  }
}

}  // namespace gradaudit
