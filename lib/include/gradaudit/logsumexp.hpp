#pragma once
/// \file logsumexp.hpp
/// logsumexp, softmax_i and log_softmax_i of K logits z (0-based i; a `std::span` — an Eigen
/// vector passes as `std::span<const double>(v.data(), v.size())`).
///
///     logsumexp(z)      = log Σ_k e^{z_k} = m + log1p(T),
///     softmax_i(z)      = e^{z_i} / Σ_k e^{z_k} = e^{z_i - m} / (1 + T),
///     log_softmax_i(z)  = z_i - logsumexp(z) = -((m - z_i) + log1p(T)),
/// with m = z_a the first largest logit and T = Σ_{k≠a} e^{z_k - m} (every exponent <= 0:
/// nothing overflows). `logsumexp` for the binary and reference types is in softmax.hpp.
///
/// Accuracy in double (double-double: z_k - m exact, e^{z_k - m} to 2^-76.9, T summed in dd,
/// one rounding at the end):
///  - softmax_i: ≤ 0.5 + 2^-11 ULP for every finite z, subnormal results included (e_i is
///    kept as 2^m·v and divided by 1 + T >= 1 before the single rounding, round_scaled);
///  - log_softmax_i = -softmax_cross_entropy(z, i): ≤ 0.5 + 2^-11 ULP while the logit gaps that
///    matter are below ~670 (softmax.hpp);
///  - logsumexp: m and log1p(T) may have opposite signs, so the bound is absolute, error ≤
///    0.5 ULP + 2^-66·(|m| + log1p T): ≤ 1 ULP while |logsumexp(z)| >= 2^-12·(|m| + log1p T).
///    Nearer a zero of logsumexp (e.g. z = (-ln 2, -ln 2) rounded) the function is
///    ill-conditioned and the error grows as 2^-13·(|m| + log1p T)/|logsumexp(z)| ULP.
///
/// Domain: K >= 1 and i < K, else `domain_error` naming the argument. NaN in any logit gives
/// NaN. Infinite logits give the limits: softmax_i = [z_i = +inf]/#{k: z_k = +inf} when some
/// z_k = +inf; NaN when every z_k = -inf (0/0); log_softmax_i as -softmax_cross_entropy.
///
/// Certified scalars (ball, jet<ball>): the same stable form (the branch on the largest logit
/// compares values; a tie of exact balls is decided).

#include "gradaudit/softmax.hpp"

#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace gradaudit {
namespace detail {

inline void check_class_index(const char* function, std::size_t K, std::size_t i) {
  if (K == 0) throw domain_error(std::string(function) + ": z is empty (K = 0 classes)");
  if (i >= K)
    throw domain_error(std::string(function) + ": i = " + std::to_string(i) +
                       " is not a class index in [0, " + std::to_string(K) + ")");
}

/// The index of the first largest logit (value comparisons; no NaN handling).
template <class S>
std::size_t first_argmax(std::span<const S> z) {
  std::size_t a = 0;
  for (std::size_t k = 1; k < z.size(); ++k)
    if (z[k] > z[a]) a = k;
  return a;
}

/// Σ_k e^{z_k - z_a} (>= 1) in S.
template <class S>
S shifted_exp_sum(std::span<const S> z, std::size_t a) {
  using std::exp;
  S s(1);
  for (std::size_t k = 0; k < z.size(); ++k)
    if (k != a) s += exp(S(z[k] - z[a]));
  return s;
}

/// softmax_i at infinite or NaN logits (the limits in the file comment); false when every
/// logit is finite.
inline bool softmax_special(std::span<const double> z, std::size_t i, double& out) {
  const std::size_t a = dbl::argmax_or_nan(z);
  if (a == z.size() || (std::isinf(z[a]) && z[a] < 0))
    return out = std::numeric_limits<double>::quiet_NaN(), true;
  if (!std::isinf(z[a])) return false;
  std::size_t at_max = 0;
  for (double v : z) at_max += v == z[a];
  out = z[i] == z[a] ? 1.0 / static_cast<double>(at_max) : 0.0;
  return true;
}

namespace dbl {

/// e^{z_i - m}/(1 + T): e^{z_i - m} = 2^s·v from exp_scaled (the gap z_i - m as an exact dd,
/// < 2^-76.9), 1 + T in dd (terms >= 0: K·3u²), one dd division (16u²), rounded once with its
/// exponent (round_scaled): relative error < 2^-76 before the rounding.
inline double softmax_i(std::span<const double> z, std::size_t i) {
  double special = 0;
  if (softmax_special(z, i, special)) return special;
  const std::size_t a = argmax_or_nan(z);
  const dd s = add(tail_sum(z, a), 1.0);
  if (i == a) return round(div({1, 0}, s));
  const dd gap = two_sum(z[i], -z[a]);
  const scaled_dd e = exp_scaled(gap.hi, gap.lo);
  return round_scaled({div(e.v, s), e.m});
}

}  // namespace dbl
}  // namespace detail

/// log Σ_k e^{z_k} for the certified scalars (ball, jet): m + log(Σ_k e^{z_k - m}).
/// (The binary and reference types: softmax.hpp's `logsumexp`.)
template <class S>
requires(!Real<S>) S logsumexp(std::span<const S> z) {
  using std::log;
  if (z.empty()) throw domain_error("logsumexp: z is empty (K = 0 classes)");
  const std::size_t a = detail::first_argmax(z);
  return z[a] + log(detail::shifted_exp_sum(z, a));
}

/// softmax(z)_i = e^{z_i}/Σ_k e^{z_k} (stable form above). double: ≤ 0.5 + 2^-11 ULP.
template <class S>
S softmax_i(std::span<const S> z, std::size_t i) {
  detail::check_class_index("softmax_i", z.size(), i);
  if constexpr (detail::binary_kernel_type<S>) {
    const std::vector<double> zw(z.begin(), z.end());
    return static_cast<S>(detail::dbl::softmax_i(zw, i));
  } else {
    using std::exp;
    if constexpr (Real<S>) {
      for (const S& v : z)
        if (detail::is_nan(v) || detail::is_inf(v)) {  // the limits need no precision
          const std::vector<double> zd(z.begin(), z.end());
          return S(detail::dbl::softmax_i(zd, i));
        }
    }
    const std::size_t a = detail::first_argmax(z);
    return exp(S(z[i] - z[a])) / detail::shifted_exp_sum(z, a);
  }
}

/// log softmax(z)_i = z_i - logsumexp(z) = -softmax_cross_entropy(z, i) (no cancellation: both
/// parts of the cross-entropy are >= 0). double: ≤ 0.5 + 2^-11 ULP (softmax.hpp's range).
template <class S>
S log_softmax_i(std::span<const S> z, std::size_t i) {
  detail::check_class_index("log_softmax_i", z.size(), i);
  if constexpr (Real<S>) {
    return -softmax_cross_entropy<S>(z, i);
  } else {
    using std::log;
    const std::size_t a = detail::first_argmax(z);
    return S(z[i] - z[a]) - log(detail::shifted_exp_sum(z, a));
  }
}

}  // namespace gradaudit
