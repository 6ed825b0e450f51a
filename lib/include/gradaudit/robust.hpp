#pragma once
/// \file robust.hpp
/// Regression losses of the residual r = y - ŷ that grow linearly for large |r|, and the hinge:
///
///     mae(ŷ, y)          = |r|,
///     huber(ŷ, y, δ)     = r²/2 for |r| <= δ,       δ(|r| - δ/2) beyond      (δ > 0),
///     smooth_l1(ŷ, y, β) = r²/(2β) for |r| < β,     |r| - β/2 beyond         (β >= 0; β = 0: |r|),
///     hinge(z, y)        = max(0, 1 - y·z)          (y = ±1 for the SVM hinge; any real y),
/// with huber_grad = ∂/∂ŷ = clamp(ŷ - y, -δ, δ) and smooth_l1_grad = clamp((ŷ - y)/β, -1, 1).
/// (smooth_l1(β) = huber(β)/β; PyTorch's HuberLoss and SmoothL1Loss.)
///
/// Accuracy in double. r = y - ŷ is exact as a double-double (two_sum), so nothing cancels:
///  - mae, huber_grad: one rounding of y - ŷ: correctly rounded;
///  - hinge: y·z exact (two_product), 1 - y·z one dd sum (2u²): ≤ 0.5 + 2^-11 ULP;
///  - huber, smooth_l1 quadratic parts: r²/2 and (|r|/β)·|r|/2 in dd (7u², + 16u²) on
///    significands in [1, 2) with the binary exponents kept apart, rounded once with the
///    exponent (subnormal results and overflow included): ≤ 0.5 + 2^-11 ULP;
///  - linear parts: |r| - δ/2 >= |r|/2 (no cancellation: |r| > δ), times δ in dd, the same way:
///    ≤ 0.5 + 2^-11 ULP;
///  - smooth_l1_grad: (ŷ - y)/β as an exact difference over β, one dd division (16u²) on
///    significands, rounded once with the exponent: ≤ 0.5 + 2^-11 ULP.
/// Overflow: +inf exactly when the true value rounds to it (r² beyond 2^1024 included, since
/// r²/2 is formed scaled).
///
/// Domain: δ in (0, +inf], β in [0, +inf] (else `domain_error` naming the argument); NaN in
/// gives NaN. Certified scalars (ball, jet<ball>) evaluate the piecewise definitions; a ball
/// straddling the kink |r| = δ is `undecided`.

#include "gradaudit/detail/scaled_terms.hpp"
#include "gradaudit/scalar.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gradaudit {
namespace detail {

template <class S>
void check_positive_width(const char* function, const char* argument, const S& w,
                          bool zero_allowed) {
  if constexpr (Real<S>) {
    if (is_nan(w) || w > S(0) || (zero_allowed && w == S(0))) return;
    throw domain_error(std::string(function) + ": " + argument + " = " + show(w) + " is not " +
                       (zero_allowed ? ">= 0" : "> 0"));
  }
}

namespace dbl {

inline dd abs_dd(dd a) { return a.hi < 0 ? negate(a) : a; }
inline bool dd_le(dd a, double b) { return a.hi < b || (a.hi == b && a.lo <= 0); }

/// a = 2^m·v with v.hi in [1, 2), for a finite dd a with a.hi != 0 (both parts scaled by ldexp:
/// exact, the low part lands near 2^-53). Products and quotients of such values never leave
/// the normal range, whatever the exponents; round_terms applies 2^m once at the end.
inline scaled_dd normalized(dd a) {
  const int e = std::ilogb(a.hi);
  return {{std::ldexp(a.hi, -e), std::ldexp(a.lo, -e)}, e};
}
inline scaled_dd times(const scaled_dd& a, const scaled_dd& b) {
  return {mul(a.v, b.v), a.m + b.m};
}
inline scaled_dd over(const scaled_dd& a, const scaled_dd& b) { return {div(a.v, b.v), a.m - b.m}; }
inline scaled_dd halved(scaled_dd a) { return {a.v, a.m - 1}; }

/// r²/2 for r = a (a dd >= 0), rounded once: 7u².
inline double half_square(dd a) {
  if (a.hi == 0) return 0;
  const scaled_dd n = normalized(a);
  return round_terms(halved(times(n, n)));
}

/// |y - ŷ| = 2^k·(a.hi + a.lo) exactly: k = 0 and a = |two_sum(y, -ŷ)|, or, when y - ŷ
/// overflows, k = 1 and the halves' difference (halving a value >= 2^1023 is exact).
inline scaled_dd abs_residual(double yhat, double y) {
  if (std::isfinite(y - yhat)) return {abs_dd(two_sum(y, -yhat)), 0};
  return {abs_dd(two_sum(0.5 * y, -0.5 * yhat)), 1};
}

/// |r| - c/2 for |r| > c (>= |r|/2: no cancellation), with |r| = 2^k·a as from abs_residual.
/// c/2^(k+1) is exact unless c < 2^-1021; then (2|r| - c)/2 instead (2|r| exact).
inline scaled_dd minus_half(const scaled_dd& r, double c) {
  if (c < 0x1p-1021 && r.m == 0 && r.v.hi < 0x1p1000)
    return {add(dd{2 * r.v.hi, 2 * r.v.lo}, -c), -1};
  return {add(r.v, -0.5 * c * exp2i(-r.m)), r.m};
}

inline double huber(double yhat, double y, double delta) {
  if (std::isnan(y - yhat) || std::isnan(delta) || std::isinf(y) || std::isinf(yhat)) {
    const double a = std::abs(y - yhat);
    return a <= delta ? a * a / 2 : delta * (a - delta / 2);
  }
  const scaled_dd r = abs_residual(yhat, y);
  if (r.m == 0 && dd_le(r.v, delta)) return half_square(r.v);
  if (std::isinf(delta)) return inf;  // |r| > DBL_MAX, quadratic: r²/2 overflows
  const scaled_dd d = minus_half(r, delta);
  return round_terms(times({normalized(d.v).v, normalized(d.v).m + d.m}, normalized({delta, 0})));
}

inline double smooth_l1(double yhat, double y, double beta) {
  if (std::isnan(y - yhat) || std::isnan(beta) || std::isinf(y) || std::isinf(yhat)) {
    const double a = std::abs(y - yhat);
    return a < beta ? a * a / (2 * beta) : a - beta / 2;
  }
  const scaled_dd r = abs_residual(yhat, y);
  const dd a = r.v;
  if (r.m != 0 || !(a.hi < beta || (a.hi == beta && a.lo < 0))) {
    if (std::isinf(beta)) return 0;           // r²/(2·inf)
    return round_terms(minus_half(r, beta));  // |r| - β/2 >= |r|/2
  }
  if (std::isinf(beta) || a.hi == 0) return 0;  // r²/(2·inf), 0²/(2β)
  const scaled_dd n = normalized(a);
  return round_terms(
      halved(times(over(n, normalized({beta, 0})), n)));  // (|r|/β)·|r|/2: 16u² + 7u²
}

inline double hinge(double z, double y) {
  const double plain = 1 - y * z;
  if (!std::isfinite(y * z) || std::isnan(plain))
    return std::isnan(plain) ? plain : std::max(0.0, plain);
  const double r = round(add(negate(two_product(y, z)), 1.0));  // y·z exact, 2u²
  return r > 0 ? r : 0.0;
}

inline double smooth_l1_grad(double yhat, double y, double beta) {
  const double g = yhat - y;
  if (std::isnan(g) || std::isnan(beta)) return g + beta;
  if (!(std::abs(g) < beta) || !std::isfinite(g)) return g > 0 ? 1.0 : g < 0 ? -1.0 : 0.0;
  if (std::isinf(beta) || g == 0) return g / beta;
  return round_terms(
      over(normalized(two_sum(yhat, -y)), normalized({beta, 0})));  // 16u², one rounding
}

}  // namespace dbl
}  // namespace detail

/// |y - ŷ|: one rounding of the difference, correctly rounded. NaN -> NaN.
template <class S>
S mae(const S& yhat, const S& y) {
  using std::abs;
  return abs(S(y - yhat));
}

/// ∂/∂ŷ |y - ŷ| = sign(ŷ - y) (0 at ŷ = y, PyTorch's subgradient); NaN -> NaN.
template <class S>
S mae_grad(const S& yhat, const S& y) {
  if constexpr (Real<S>) {
    if (detail::is_nan(yhat) || detail::is_nan(y)) return yhat + y;
  }
  return yhat > y ? S(1) : yhat < y ? S(-1) : S(0);
}

/// Huber loss with threshold δ > 0 (formula, accuracy and domain in the file comment).
template <class S>
S huber(const S& yhat, const S& y, const S& delta) {
  detail::check_positive_width("huber", "delta", delta, false);
  if constexpr (detail::binary_kernel_type<S>) {
    return static_cast<S>(detail::dbl::huber(yhat, y, delta));
  } else {
    using std::abs;
    const S a = abs(S(y - yhat));
    return a <= delta ? S(a * a / S(2)) : S(delta * S(a - delta / S(2)));
  }
}

/// ∂huber/∂ŷ = clamp(ŷ - y, -δ, δ): one rounding of ŷ - y, then an exact clamp.
template <class S>
S huber_grad(const S& yhat, const S& y, const S& delta) {
  detail::check_positive_width("huber_grad", "delta", delta, false);
  const S g = yhat - y;
  if constexpr (Real<S>) {
    if (detail::is_nan(g) || detail::is_nan(delta)) return g + delta;
  }
  return g > delta ? delta : g < S(-delta) ? S(-delta) : g;
}

/// Smooth-L1 loss with width β >= 0 (formula, accuracy and domain in the file comment).
template <class S>
S smooth_l1(const S& yhat, const S& y, const S& beta) {
  detail::check_positive_width("smooth_l1", "beta", beta, true);
  if constexpr (detail::binary_kernel_type<S>) {
    return static_cast<S>(detail::dbl::smooth_l1(yhat, y, beta));
  } else {
    using std::abs;
    const S a = abs(S(y - yhat));
    return a < beta ? S(a * a / (S(2) * beta)) : S(a - beta / S(2));
  }
}

/// ∂smooth_l1/∂ŷ = (ŷ - y)/β inside (|r| < β), sign(ŷ - y) outside. double: ≤ 0.5 + 2^-11 ULP.
template <class S>
S smooth_l1_grad(const S& yhat, const S& y, const S& beta) {
  detail::check_positive_width("smooth_l1_grad", "beta", beta, true);
  if constexpr (detail::binary_kernel_type<S>) {
    return static_cast<S>(detail::dbl::smooth_l1_grad(yhat, y, beta));
  } else {
    using std::abs;
    const S g = yhat - y;
    if (abs(g) < beta) return g / beta;
    return g > S(0) ? S(1) : g < S(0) ? S(-1) : S(0);
  }
}

/// Hinge max(0, 1 - y·z). double: ≤ 0.5 + 2^-11 ULP (exact product, one dd sum); NaN -> NaN.
template <class S>
S hinge(const S& z, const S& y) {
  if constexpr (detail::binary_kernel_type<S>) {
    return static_cast<S>(detail::dbl::hinge(z, y));
  } else {
    if constexpr (Real<S>) {
      if (detail::is_nan(z) || detail::is_nan(y)) return z + y;
    }
    const S m = S(1) - y * z;
    return m > S(0) ? m : S(0);
  }
}

}  // namespace gradaudit
