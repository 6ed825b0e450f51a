#pragma once
/// \file jet.hpp
/// `jet<T>`: a value with its gradient with respect to n variables (forward-mode automatic
/// differentiation, first-order Taylor arithmetic). Over `ball` it gives certified
/// enclosures of a function's value and of all its partial derivatives in one evaluation,
/// at any point and any magnitude: the derivative of exp at 745 is e^745, not an overflow.
/// `jet<jet<ball>>` gives second derivatives (the Hessian along the inner variables).
///
/// A function to differentiate is written once as a template (a generic lambda):
///     auto loss = [](const auto& w, const auto& x) { return sq(1 - sigmoid(w * x)); };
/// and `gradient(f, point)` in certify.hpp evaluates it on jets.
///
/// Rules are the usual ones; the only branches (abs, relu, min, max, comparisons) compare
/// values and throw `undecided` (ball.hpp) where the enclosure straddles the kink.

#include "gradaudit/testing/ball.hpp"

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

namespace gradaudit::testing {

template <class T>
struct jet {
  T v;               ///< the value
  std::vector<T> d;  ///< ∂v/∂x_i, i < n (empty: a constant)

  jet() : v(0) {}
  jet(const T& value) : v(value) {}  // a constant
  jet(double c) : v(c) {}
  jet(int c) : v(c) {}
  jet(T value, std::vector<T> grad) : v(std::move(value)), d(std::move(grad)) {}

  /// The i-th of n independent variables, at `value`.
  static jet variable(const T& value, std::size_t i, std::size_t n) {
    std::vector<T> g(n, T(0));
    g[i] = T(1);
    return jet(value, std::move(g));
  }
};

namespace impl {

/// r.d = a·x.d + b·y.d, skipping absent (constant) gradients.
template <class T>
std::vector<T> combine(const T& a, const std::vector<T>& x, const T& b, const std::vector<T>& y) {
  const std::size_t n = std::max(x.size(), y.size());
  std::vector<T> r(n, T(0));
  for (std::size_t i = 0; i < x.size(); ++i) r[i] = a * x[i];
  for (std::size_t i = 0; i < y.size(); ++i) r[i] += b * y[i];
  return r;
}

template <class T>
std::vector<T> scaled(const T& a, const std::vector<T>& x) {
  std::vector<T> r;
  r.reserve(x.size());
  for (const T& xi : x) r.push_back(a * xi);
  return r;
}

/// f(x) with f'(x) = df: the chain rule.
template <class T>
jet<T> chain(const jet<T>& x, T f, const T& df) {
  return jet<T>(std::move(f), scaled(df, x.d));
}

}  // namespace impl

template <class T>
jet<T> operator-(const jet<T>& x) {
  return impl::chain(x, T(-x.v), T(-1));
}
template <class T>
jet<T> operator+(const jet<T>& a, const jet<T>& b) {
  return jet<T>(a.v + b.v, impl::combine(T(1), a.d, T(1), b.d));
}
template <class T>
jet<T> operator-(const jet<T>& a, const jet<T>& b) {
  return jet<T>(a.v - b.v, impl::combine(T(1), a.d, T(-1), b.d));
}
template <class T>
jet<T> operator*(const jet<T>& a, const jet<T>& b) {
  return jet<T>(a.v * b.v, impl::combine(b.v, a.d, a.v, b.d));
}
template <class T>
jet<T> operator/(const jet<T>& a, const jet<T>& b) {
  const T q = a.v / b.v;
  // (a/b)' = a'/b - (a/b)·b'/b
  const T inv = T(1) / b.v;
  return jet<T>(q, impl::combine(inv, a.d, T(-(q * inv)), b.d));
}

// Mixed forms: a jet with a constant of its scalar type or a number.
#define GRADAUDIT_JET_MIXED(op)                                          \
  template <class T, class C>                                            \
  requires(std::is_arithmetic_v<C> || std::is_same_v<C, T>) jet<T>       \
  operator op(const jet<T>& a, const C& c) { return a op jet<T>(T(c)); } \
  template <class T, class C>                                            \
  requires(std::is_arithmetic_v<C> || std::is_same_v<C, T>) jet<T>       \
  operator op(const C& c, const jet<T>& a) { return jet<T>(T(c)) op a; }
GRADAUDIT_JET_MIXED(+)
GRADAUDIT_JET_MIXED(-)
GRADAUDIT_JET_MIXED(*)
GRADAUDIT_JET_MIXED(/)
#undef GRADAUDIT_JET_MIXED

template <class T>
jet<T>& operator+=(jet<T>& a, const jet<T>& b) {
  return a = a + b;
}
template <class T>
jet<T>& operator-=(jet<T>& a, const jet<T>& b) {
  return a = a - b;
}
template <class T>
jet<T>& operator*=(jet<T>& a, const jet<T>& b) {
  return a = a * b;
}
template <class T>
jet<T>& operator/=(jet<T>& a, const jet<T>& b) {
  return a = a / b;
}

/// Comparisons compare values (the branch taken, not its derivative).
template <class T>
bool operator<(const jet<T>& a, const jet<T>& b) {
  return a.v < b.v;
}
template <class T>
bool operator>(const jet<T>& a, const jet<T>& b) {
  return a.v > b.v;
}
template <class T>
bool operator<=(const jet<T>& a, const jet<T>& b) {
  return a.v <= b.v;
}
template <class T>
bool operator>=(const jet<T>& a, const jet<T>& b) {
  return a.v >= b.v;
}

template <class T>
jet<T> exp(const jet<T>& x) {
  T e = exp(x.v);
  return impl::chain(x, e, e);
}
template <class T>
jet<T> expm1(const jet<T>& x) {
  return impl::chain(x, expm1(x.v), exp(x.v));
}
template <class T>
jet<T> log(const jet<T>& x) {
  return impl::chain(x, log(x.v), T(T(1) / x.v));
}
template <class T>
jet<T> log1p(const jet<T>& x) {
  return impl::chain(x, log1p(x.v), T(T(1) / (T(1) + x.v)));
}
template <class T>
jet<T> sqrt(const jet<T>& x) {
  T s = sqrt(x.v);
  return impl::chain(x, s, T(T(1) / (T(2) * s)));
}
template <class T>
jet<T> tanh(const jet<T>& x) {
  T t = tanh(x.v);
  return impl::chain(x, t, T(T(1) - t * t));
}
template <class T>
jet<T> pow(const jet<T>& x, int n) {
  if (n == 0) return jet<T>(T(1));
  return impl::chain(x, pow(x.v, n), T(T(n) * pow(x.v, n - 1)));
}
/// |x|: differentiable away from 0; undecided where the value's enclosure contains 0.
template <class T>
jet<T> abs(const jet<T>& x) {
  return x.v < T(0) ? -x : x;
}
template <class T>
jet<T> min(const jet<T>& a, const jet<T>& b) {
  return a.v <= b.v ? a : b;
}
template <class T>
jet<T> max(const jet<T>& a, const jet<T>& b) {
  return a.v >= b.v ? a : b;
}

}  // namespace gradaudit::testing
