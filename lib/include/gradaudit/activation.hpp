#pragma once
/// \file activation.hpp
/// Output-layer activations ("heads") and their derivatives.
///
/// Accuracy: in `double`, `sigmoid`, `sigmoid_grad`, `log_sigmoid`, `tanh_grad` are within
/// 1 ULP of the exact value for every finite input (subnormal results included), because the
/// stable formula is evaluated in `long double` and rounded once. `properties/activation_*.cpp`
/// checks this against the 50-digit reference, which evaluates the same stable formula.
///
/// NaN in gives NaN out. ±inf give the limits.

#include "gradaudit/scalar.hpp"

namespace gradaudit {
namespace detail {

/// σ(x) = 1/(1+e^{-x}) for x >= 0 and e^{x}/(1+e^{x}) for x < 0: exp never overflows and
/// 1 - σ is never formed, so the relative error stays a few units of W's epsilon.
template <Real W>
W sigmoid_kernel(const W& x) {
  using std::exp;
  if (is_nan(x)) return x;
  if (x >= 0) return W(1) / (W(1) + exp(-x));
  const W e = exp(x);
  return e / (W(1) + e);
}

/// σ'(x) = σ(x)σ(-x) = e^{-|x|}/(1+e^{-|x|})^2. Unlike σ(1-σ) it keeps full relative accuracy
/// for large |x| (σ(1-σ) is exactly 0 once σ rounds to 1: x > 36.7 in double, x > 115 at 50
/// digits).
template <Real W>
W sigmoid_grad_kernel(const W& x) {
  using std::abs;
  using std::exp;
  if (is_nan(x)) return x;
  const W e = exp(-abs(x));
  const W d = W(1) + e;
  return e / (d * d);
}

/// log σ(x) = -log1p(e^{-x}) for x >= 0 and x - log1p(e^{x}) for x < 0 (no cancellation:
/// both terms of the second form are <= 0).
template <Real W>
W log_sigmoid_kernel(const W& x) {
  using std::exp;
  using std::log1p;
  if (is_nan(x)) return x;
  if (x >= 0) return -log1p(exp(-x));
  return x - log1p(exp(x));
}

}  // namespace detail

/// Logistic sigmoid σ(x) = 1/(1+e^{-x}). Domain: all reals; σ(±inf) = 1, 0; NaN -> NaN.
/// Below x ≈ -708.4 the result is subnormal in double and is still within 1 ULP (2^-1074).
template <Real T>
T sigmoid(const T& x) {
  return static_cast<T>(detail::sigmoid_kernel<detail::working_t<T>>(x));
}

/// σ'(x) = σ(x)(1 - σ(x)) = e^{-|x|}/(1+e^{-|x|})^2, evaluated in the second form.
/// Even in x; σ'(±inf) = 0; NaN -> NaN.
template <Real T>
T sigmoid_grad(const T& x) {
  return static_cast<T>(detail::sigmoid_grad_kernel<detail::working_t<T>>(x));
}

/// log σ(x) = -softplus(-x). log_sigmoid(+inf) = -0, log_sigmoid(-inf) = -inf; NaN -> NaN.
template <Real T>
T log_sigmoid(const T& x) {
  return static_cast<T>(detail::log_sigmoid_kernel<detail::working_t<T>>(x));
}

/// The linear head: ŷ = z.
template <Real T>
T identity(const T& x) {
  return x;
}

/// d/dx x = 1; NaN -> NaN.
template <Real T>
T identity_grad(const T& x) {
  return detail::is_nan(x) ? x : T(1);
}

/// max(x, 0); relu(-0) = +0; NaN -> NaN.
template <Real T>
T relu(const T& x) {
  if (detail::is_nan(x)) return x;
  return x > 0 ? x : T(0);
}

/// 1 for x > 0, else 0 (the subgradient PyTorch uses at 0); NaN -> NaN.
template <Real T>
T relu_grad(const T& x) {
  if (detail::is_nan(x)) return x;
  return x > 0 ? T(1) : T(0);
}

/// tanh x, evaluated in the working precision and rounded once. tanh(±inf) = ±1.
template <Real T>
T tanh(const T& x) {
  using std::tanh;
  return static_cast<T>(tanh(detail::working_t<T>(x)));
}

/// tanh'(x) = 1 - tanh²(x) = 4σ'(2x), evaluated in the second form (2x is exact in the
/// working type, whose exponent range is wider). tanh_grad(±inf) = 0; NaN -> NaN.
template <Real T>
T tanh_grad(const T& x) {
  using W = detail::working_t<T>;
  return static_cast<T>(W(4) * detail::sigmoid_grad_kernel<W>(W(2) * W(x)));
}

}  // namespace gradaudit
