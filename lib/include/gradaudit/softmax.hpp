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
/// dominates and loses every digit once T < u. Computed in the working precision (long
/// double for double, so that z_k - m and the exps carry 11 more bits) and rounded once: in
/// double within 2 ULP over the whole range (claim `ext.softmax.accuracy`).
/// Gradient: p_k = e_k / (1 + T) for k ≠ y; p_y - 1 = -(Σ_{k≠y} e_k)/(1 + T), the sum formed
/// without e_y, so no cancellation either.
///
/// Domain: K >= 1 logits and 0 <= y < K, else `domain_error` naming the argument. NaN in any
/// logit gives NaN. Infinite logits take their limits where one exists: z_y = +inf alone at
/// +inf gives 0; some other z_k = +inf with z_y finite gives +inf; z_y = -inf gives +inf
/// unless every logit is -inf; ambiguous ∞ - ∞ (z_y = +inf with another +inf, or all -inf)
/// gives NaN.

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
    throw domain_error(std::string(function) + ": y = " + std::to_string(y) + " is not a class index in [0, " +
                       std::to_string(z.size()) + ")");
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
    for (std::size_t k = 0; k < K; ++k) g[k] = (z[k] == z[a] ? W(1) / W(static_cast<double>(at_max)) : W(0)) - (k == y ? W(1) : W(0));
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

}  // namespace detail

/// Softmax cross-entropy log Σ_k e^{z_k} - z_y (stable form above).
template <Real T>
T softmax_cross_entropy(std::span<const T> z, std::size_t y) {
  detail::check_softmax_arguments("softmax_cross_entropy", z, y);
  using W = detail::working_t<T>;
  const std::vector<W> zw(z.begin(), z.end());
  return static_cast<T>(detail::softmax_cross_entropy_kernel<W>(zw, y));
}

/// ∂L/∂z_k = softmax(z)_k - [k = y] (stable form above); domain as softmax_cross_entropy.
template <Real T>
std::vector<T> softmax_cross_entropy_grad(std::span<const T> z, std::size_t y) {
  detail::check_softmax_arguments("softmax_cross_entropy_grad", z, y);
  using W = detail::working_t<T>;
  const std::vector<W> zw(z.begin(), z.end());
  const auto gw = detail::softmax_cross_entropy_grad_kernel<W>(zw, y);
  return std::vector<T>(gw.begin(), gw.end());
}

}  // namespace gradaudit
