#pragma once
/// \file softmax.hpp
/// Softmax cross-entropy for K classes: L(z, y) = log Σ_k e^{z_k} - z_y, and its gradient
/// ∂L/∂z_k = p_k - [k = y] with p = softmax(z).
///
/// Stable form. With a the (first) index of the largest logit m = z_a, e_k = e^{z_k - m} <= 1
/// and T = Σ_{k≠a} e_k:
///     L = log1p(T)                  if y = a (the true class dominates),
///     L = (m - z_y) + log1p(T)      otherwise (two non-negative terms: no cancellation).
/// The textbook logsumexp(z) - z_y subtracts two nearly equal numbers when the true class
/// dominates and loses every digit once T < u. In double (and float) it is computed in
/// double-double: z_k - m exact (two_sum), e_k = e^{z_k - m} from the dd argument (exp_scaled,
/// < 2^-76.9), T summed in dd (terms >= 0: no cancellation), log1p(T) (< 2^-66.5; log of 1 + T
/// when T > 1, < 2^-66), and (m - z_y) + log1p(T), two non-negative dd terms: relative error
/// < 2^-66 + a few u², so within 0.5 + 2^-11 ULP while every e_k that matters is above
/// 2^-969 (logit gaps below ~670; beyond, a tiny tail e_k is rounded to 2^-1074, which is
/// below an ULP of the result unless the result itself is that tiny).
/// Gradient: p_k = e_k / (1 + T) for k ≠ y; p_y - 1 = -(Σ_{k≠y} e_k)/(1 + T), the sum formed
/// without e_y, so no cancellation either (in dd for double: each within 0.5 + 2^-11 ULP).
///
/// logsumexp(z) = m + log1p(T) (same dd terms; m and log1p(T) may have opposite signs, so the
/// bound is absolute: error <= 0.5 ULP + 2^-66·(|m| + log1p(T))).
///
/// Domain: K >= 1 logits and 0 <= y < K, else `domain_error` naming the argument. NaN in any
/// logit gives NaN. Infinite logits take their limits where one exists: z_y = +inf alone at
/// +inf gives 0; some other z_k = +inf with z_y finite gives +inf; z_y = -inf gives +inf
/// unless every logit is -inf; ambiguous ∞ - ∞ (z_y = +inf with another +inf, or all -inf)
/// gives NaN.

#include "gradaudit/detail/exp_log.hpp"
#include "gradaudit/scalar.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace gradaudit {
namespace detail {

template <Real T>
void check_softmax_arguments(const char* function, std::span<const T> z, std::size_t y) {
  if (z.empty()) throw domain_error(std::string(function) + ": z is empty (K = 0 classes)");
  if (y >= z.size())
    throw domain_error(std::string(function) + ": y = " + std::to_string(y) +
                       " is not a class index in [0, " + std::to_string(z.size()) + ")");
}

/// The index of the first largest logit, or z.size() when some logit is NaN.
template <Real W>
std::size_t argmax_or_nan(const std::vector<W>& z) {
  std::size_t a = 0;
  for (std::size_t k = 0; k < z.size(); ++k) {
    if (is_nan(z[k])) return z.size();
    if (z[k] > z[a]) a = k;
  }
  return a;
}

template <Real W>
W softmax_cross_entropy_kernel(const std::vector<W>& z, std::size_t y) {
  using std::exp;
  using std::log1p;
  const std::size_t a = argmax_or_nan(z);
  if (a == z.size()) return std::numeric_limits<W>::quiet_NaN();
  const W m = z[a];
  std::size_t at_max = 0;
  for (const auto& v : z) at_max += v == m;
  if (is_inf(m)) {
    if (m < 0) return std::numeric_limits<W>::quiet_NaN();  // every logit is -inf
    if (z[y] == m) return at_max == 1 ? W(0) : std::numeric_limits<W>::quiet_NaN();
    return std::numeric_limits<W>::infinity();
  }
  if (is_inf(z[y])) return std::numeric_limits<W>::infinity();  // z_y = -inf, m finite
  W t = 0;
  for (std::size_t k = 0; k < z.size(); ++k)
    if (k != a) t += exp(z[k] - m);
  const W tail = log1p(t);
  return y == a ? tail : (m - z[y]) + tail;
}

template <Real W>
std::vector<W> softmax_cross_entropy_grad_kernel(const std::vector<W>& z, std::size_t y) {
  using std::exp;
  const std::size_t K = z.size();
  const std::size_t a = argmax_or_nan(z);
  std::vector<W> g(K, std::numeric_limits<W>::quiet_NaN());
  if (a == K || is_inf(z[a])) {
    // NaN, or infinite logits: p is the limit where the +inf logits share the mass equally.
    if (a == K || z[a] < 0) return g;
    std::size_t at_max = 0;
    for (const auto& v : z) at_max += v == z[a];
    for (std::size_t k = 0; k < K; ++k)
      g[k] = (z[k] == z[a] ? W(1) / W(static_cast<double>(at_max)) : W(0)) - (k == y ? W(1) : W(0));
    return g;
  }
  std::vector<W> e(K);
  W t = 0;
  for (std::size_t k = 0; k < K; ++k) {
    e[k] = k == a ? W(1) : exp(z[k] - z[a]);
    if (k != a) t += e[k];
  }
  const W s = W(1) + t;
  W others = 0;  // Σ_{k≠y} e_k, formed without e_y
  for (std::size_t k = 0; k < K; ++k)
    if (k != y) others += e[k];
  for (std::size_t k = 0; k < K; ++k) g[k] = k == y ? -others / s : e[k] / s;
  return g;
}

namespace dbl {

/// The limits of softmax cross-entropy at infinite logits (the rules in the file comment), or
/// nothing when every logit is finite; a = argmax (z.size() for NaN).
inline bool softmax_ce_special(std::span<const double> z, std::size_t y, std::size_t a,
                               double& out) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (a == z.size()) return out = nan, true;
  const double m = z[a];
  if (std::isinf(m)) {
    std::size_t at_max = 0;
    for (double v : z) at_max += v == m;
    if (m < 0)
      out = nan;
    else if (z[y] == m)
      out = at_max == 1 ? 0.0 : nan;
    else
      out = std::numeric_limits<double>::infinity();
    return true;
  }
  if (std::isinf(z[y])) return out = std::numeric_limits<double>::infinity(), true;
  return false;
}

inline std::size_t argmax_or_nan(std::span<const double> z) {
  std::size_t a = 0;
  for (std::size_t k = 0; k < z.size(); ++k) {
    if (std::isnan(z[k])) return z.size();
    if (z[k] > z[a]) a = k;
  }
  return a;
}

/// e^{z_k - m} in dd (z_k - m <= 0 exact as a dd, its tail fed to exp_scaled).
inline dd exp_gap(double zk, double m) {
  const dd d = two_sum(zk, -m);
  return to_dd(exp_scaled(d.hi, d.lo));
}

/// log(1 + t) for a dd t >= 0.
inline dd log1p_any(dd t) { return t.hi <= 1 ? log1p_dd(t) : log_dd(add(t, 1.0)); }

/// T·2^shift = Σ_{k≠a} 2^shift·e^{z_k - m} in dd (the shift keeps tiny terms normal).
inline dd tail_sum(std::span<const double> z, std::size_t a, int shift = 0) {
  dd t{0, 0};
  for (std::size_t k = 0; k < z.size(); ++k) {
    if (k == a) continue;
    const dd d = two_sum(z[k], -z[a]);
    scaled_dd e = exp_scaled(d.hi, d.lo);
    e.m += shift;
    t = add(t, to_dd(e));
  }
  return t;
}

inline double softmax_cross_entropy(std::span<const double> z, std::size_t y) {
  const std::size_t a = argmax_or_nan(z);
  double special = 0;
  if (softmax_ce_special(z, y, a, special)) return special;
  const dd t = tail_sum(z, a);
  if (y == a && t.hi < 0x1p-900) {
    // The true class dominates by > 620: log1p(T) = T(1 - T/2 + …) = T to 2^-900, and T's
    // terms are near or below the subnormal range: summed scaled by 2^600 and rounded once.
    return round_scaled({tail_sum(z, a, 600), -600});
  }
  const dd tail = log1p_any(t);
  if (y == a) return round(tail);
  return round(add(tail, two_sum(z[a], -z[y])));
}

inline double logsumexp(std::span<const double> z) {
  const std::size_t a = argmax_or_nan(z);
  if (a == z.size()) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(z[a])) return z[a];
  return round(add(log1p_any(tail_sum(z, a)), z[a]));
}

inline std::vector<double> softmax_cross_entropy_grad(std::span<const double> z, std::size_t y) {
  const std::size_t K = z.size();
  const std::size_t a = argmax_or_nan(z);
  if (a == K || std::isinf(z[a])) {
    const std::vector<double> zw(z.begin(), z.end());  // the limits: no rounding involved
    return softmax_cross_entropy_grad_kernel<double>(zw, y);
  }
  std::vector<dd> e(K);
  dd t{0, 0}, others{0, 0};  // T = Σ_{k≠a} e_k; Σ_{k≠y} e_k, formed without e_y
  for (std::size_t k = 0; k < K; ++k) {
    e[k] = k == a ? dd{1, 0} : exp_gap(z[k], z[a]);
    if (k != a) t = add(t, e[k]);
    if (k != y) others = add(others, e[k]);
  }
  const dd s = add(t, 1.0);
  std::vector<double> g(K);
  for (std::size_t k = 0; k < K; ++k) g[k] = k == y ? -round(div(others, s)) : round(div(e[k], s));
  return g;
}

}  // namespace dbl

}  // namespace detail

/// Softmax cross-entropy log Σ_k e^{z_k} - z_y (stable form above).
template <Real T>
T softmax_cross_entropy(std::span<const T> z, std::size_t y) {
  detail::check_softmax_arguments("softmax_cross_entropy", z, y);
  using W = detail::working_t<T>;
  const std::vector<W> zw(z.begin(), z.end());
  if constexpr (std::same_as<W, double>)
    return static_cast<T>(detail::dbl::softmax_cross_entropy(zw, y));
  else
    return static_cast<T>(detail::softmax_cross_entropy_kernel<W>(zw, y));
}

/// ∂L/∂z_k = softmax(z)_k - [k = y] (stable form above); domain as softmax_cross_entropy.
template <Real T>
std::vector<T> softmax_cross_entropy_grad(std::span<const T> z, std::size_t y) {
  detail::check_softmax_arguments("softmax_cross_entropy_grad", z, y);
  using W = detail::working_t<T>;
  const std::vector<W> zw(z.begin(), z.end());
  if constexpr (std::same_as<W, double>) {
    const auto gw = detail::dbl::softmax_cross_entropy_grad(zw, y);
    return std::vector<T>(gw.begin(), gw.end());
  } else {
    const auto gw = detail::softmax_cross_entropy_grad_kernel<W>(zw, y);
    return std::vector<T>(gw.begin(), gw.end());
  }
}

/// log Σ_k e^{z_k} (stable form above). K >= 1 logits, else `domain_error`; NaN -> NaN;
/// +inf if some z_k = +inf; -inf if every z_k = -inf.
template <Real T>
T logsumexp(std::span<const T> z) {
  if (z.empty()) throw domain_error("logsumexp: z is empty (K = 0 classes)");
  using W = detail::working_t<T>;
  const std::vector<W> zw(z.begin(), z.end());
  if constexpr (std::same_as<W, double>) {
    return static_cast<T>(detail::dbl::logsumexp(zw));
  } else {
    using std::exp;
    using std::log1p;
    const std::size_t a = detail::argmax_or_nan(zw);
    if (a == zw.size()) return std::numeric_limits<T>::quiet_NaN();
    if (detail::is_inf(zw[a])) return static_cast<T>(zw[a]);
    W t = 0;
    for (std::size_t k = 0; k < zw.size(); ++k)
      if (k != a) t += exp(zw[k] - zw[a]);
    return static_cast<T>(zw[a] + log1p(t));
  }
}

}  // namespace gradaudit
