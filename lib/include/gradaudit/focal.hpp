#pragma once
/// \file focal.hpp
/// Focal loss on a logit (Lin et al. 2017, torchvision's sigmoid_focal_loss), p = σ(z):
///
///     focal(z, y, γ, α) = -α y (1 - p)^γ log p - (1 - α)(1 - y) p^γ log(1 - p)
///                       = α y·e^{-γ softplus(z)}·softplus(-z) + (1 - α)(1 - y)·e^{-γ
///                       softplus(-z)}·softplus(z),
/// since 1 - p = σ(-z) = e^{-softplus(z)} and -log p = softplus(-z). γ = 0 is α-balanced
/// BCE-with-logits. Both terms are >= 0 (α, y ∈ [0, 1]): no cancellation.
///
/// Accuracy in double. softplus(±z) as scaled double-double (detail/scaled_terms.hpp, relative
/// < 2^-66.3, e^z kept with its own exponent below z = -50); the power as exp of the dd argument
/// -γ·softplus (exp_scaled), whose relative error is the argument's absolute error,
/// < 2^-66.3·A with A = γ·softplus(±z); weights α·y exact, (1 - α)(1 - y) to 7u²; the two terms
/// summed and rounded once (round_scaled: subnormal results included). Error ≤ 0.5 + 2^-11 ULP
/// while A <= 2 (e.g. γ <= 2 and z <= 0 for the y = 1 term), and ≤ 0.5 + 2^-13.3·A ULP in
/// general; a term is below 2^-1075 once A > 750 + log|z|, so A never exceeds ~1460 where it
/// matters: ≤ 0.65 ULP for every z, for γ <= 2^200 (a larger γ could drop a subnormal term)
/// and soft weights α, y, 1 - α, 1 - y that are 0 or >= 2^-450 (dd products stay normal).
///
/// Domain: z any real; y, α ∈ [0, 1]; γ >= 0 (else `domain_error`). NaN -> NaN. z = ±inf give the
/// limits: +inf when the term whose softplus is infinite has a non-zero weight, else 0 (the other
/// term is 0^γ·0 = 0, also for γ = 0). Certified scalars (ball, jet<ball>) evaluate the second
/// line as written.

#include "gradaudit/detail/scaled_terms.hpp"
#include "gradaudit/softplus.hpp"

#include <cmath>
#include <limits>
#include <string>

namespace gradaudit {
namespace detail::dbl {

/// σ(t)^γ = e^{-γ softplus(-t)} as a scaled dd (1 for γ = 0; 0 once the exponent is below -750).
inline scaled_dd sigmoid_power(double t, double gamma) {
  if (gamma == 0) return {{1, 0}, 0};
  const dd a = mul(to_dd(softplus_scaled(-t)), gamma);  // >= 0; to_dd: absolute 2^-1075 only
  if (!(a.hi <= 750)) return {{0, 0}, 0};
  return exp_scaled(-a.hi, -a.lo);
}

/// w·σ(t)^γ·softplus(t) as a scaled dd: t = -z gives the y term α y (1 - p)^γ(-log p), t = z
/// the 1 - y term.
inline scaled_dd focal_term(double t, double gamma, dd w) {
  if (w.hi == 0) return {{0, 0}, 0};
  const scaled_dd f = sigmoid_power(t, gamma), s = softplus_scaled(t);
  if (f.v.hi == 0 || s.v.hi == 0) return {{0, 0}, 0};
  return scale_term({mul(f.v, s.v), f.m + s.m}, w);
}

inline double focal(double z, double y, double gamma, double alpha) {
  if (std::isnan(z) || std::isnan(y) || std::isnan(gamma) || std::isnan(alpha))
    return z + y + gamma + alpha;
  const dd w1 = two_product(alpha, y), w0 = mul(one_minus(alpha), one_minus(y));
  if (std::isinf(z)) return (z > 0 ? w0.hi : w1.hi) != 0 ? inf : 0.0;
  return round_terms(add_terms(focal_term(-z, gamma, w1), focal_term(z, gamma, w0)));
}

}  // namespace detail::dbl

/// Focal loss (formula, accuracy and domain in the file comment).
template <class S>
S focal(const S& z, const S& y, const S& gamma, const S& alpha) {
  if constexpr (Real<S>) {
    detail::check_closed_interval("focal", "y", y, 0.0, 1.0);
    detail::check_closed_interval("focal", "alpha", alpha, 0.0, 1.0);
    if (gamma < S(0)) throw domain_error("focal: gamma = " + detail::show(gamma) + " is not >= 0");
  }
  if constexpr (detail::binary_kernel_type<S>) {
    return static_cast<S>(detail::dbl::focal(z, y, gamma, alpha));
  } else {
    using std::exp;
    if constexpr (Real<S>) {
      if (detail::is_inf(z))  // the limits (no rounding involved)
        return S(detail::dbl::focal(static_cast<double>(z), static_cast<double>(y),
                                    static_cast<double>(gamma), static_cast<double>(alpha)));
    }
    const S one(1);
    const S t1 = alpha * y * exp(S(-gamma * softplus<S>(z))) * softplus<S>(S(-z));
    const S t0 = (one - alpha) * (one - y) * exp(S(-gamma * softplus<S>(S(-z)))) * softplus<S>(z);
    return t1 + t0;
  }
}

}  // namespace gradaudit
