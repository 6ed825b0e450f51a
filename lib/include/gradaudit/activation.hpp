#pragma once
/// \file activation.hpp
/// Output-layer activations ("heads") and their derivatives.
///
/// Accuracy: in `double`, `sigmoid`, `sigmoid_grad`, `log_sigmoid`, `tanh`, `tanh_grad` are
/// within 0.5 + 2^-11 ULP of the exact value for every double input (subnormal results
/// included): the stable formula is evaluated in double-double arithmetic with a relative
/// error below 2^-64 and rounded once (detail/logistic.hpp has the proofs). `float` rounds
/// that double result once more (within 1 ULP). `properties/activation_*.cpp` checks double
/// against certified balls; the generic templates below serve long double and the 50-digit
/// reference.
///
/// Batch forms (`sigmoid(std::span<const double>, std::span<double>)` etc.) give bitwise the
/// same results as the scalar calls (σ, σ', log σ, tanh, tanh' several values per instruction:
/// detail/logistic_batch.hpp).
///
/// NaN in gives NaN out. ±inf give the limits.

#include "gradaudit/detail/logistic.hpp"
#include "gradaudit/detail/logistic_batch.hpp"
#include "gradaudit/scalar.hpp"

#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>

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
  if constexpr (detail::binary_kernel_type<T>)
    return static_cast<T>(detail::dbl::sigmoid(x));
  else
    return detail::sigmoid_kernel<T>(x);
}

/// σ'(x) = σ(x)(1 - σ(x)) = e^{-|x|}/(1+e^{-|x|})^2, evaluated in the second form.
/// Even in x; σ'(±inf) = 0; NaN -> NaN.
template <Real T>
T sigmoid_grad(const T& x) {
  if constexpr (detail::binary_kernel_type<T>)
    return static_cast<T>(detail::dbl::sigmoid_grad(x));
  else
    return detail::sigmoid_grad_kernel<T>(x);
}

/// log σ(x) = -softplus(-x). log_sigmoid(+inf) = -0, log_sigmoid(-inf) = -inf; NaN -> NaN.
template <Real T>
T log_sigmoid(const T& x) {
  if constexpr (detail::binary_kernel_type<T>)
    return static_cast<T>(detail::dbl::log_sigmoid(x));
  else
    return detail::log_sigmoid_kernel<T>(x);
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

/// tanh x; in double within 0.5 + 2^-11 ULP (detail::dbl::tanh). tanh(±inf) = ±1.
template <Real T>
T tanh(const T& x) {
  using std::tanh;
  if constexpr (detail::binary_kernel_type<T>)
    return static_cast<T>(detail::dbl::tanh(x));
  else
    return tanh(x);
}

/// tanh'(x) = 1 - tanh²(x) = 4σ'(2x), evaluated in the second form. tanh_grad(±inf) = 0;
/// NaN -> NaN. In double within 0.5 + 2^-11 ULP.
template <Real T>
T tanh_grad(const T& x) {
  if constexpr (detail::binary_kernel_type<T>)
    return static_cast<T>(detail::dbl::tanh_grad(x));
  else
    return T(4) * detail::sigmoid_grad_kernel<T>(T(2) * x);
}

namespace detail {
/// Throws std::invalid_argument when the lengths of a batch form's spans differ.
inline void check_batch(const char* function, std::span<const double> x, std::span<double> out) {
  if (x.size() != out.size())
    throw std::invalid_argument(std::string(function) + ": " + std::to_string(x.size()) +
                                " inputs but room for " + std::to_string(out.size()) + " outputs");
}
}  // namespace detail

/// Batch forms: out[i] = f(x[i]) for f = sigmoid, sigmoid_grad, log_sigmoid, tanh, tanh_grad
/// in double, bitwise equal to the scalar calls. `out` may be `x` itself. σ, σ', log σ, tanh
/// and tanh' run their fast path several values at a time (detail/logistic_batch.hpp: 8 lanes with
/// AVX-512, 4 with AVX2 + FMA, else 2, chosen at run time; the scalar kernel for the values it
/// does not settle).
inline void sigmoid(std::span<const double> x, std::span<double> out) {
  detail::check_batch("sigmoid", x, out);
  detail::map_fast<detail::fast_kernel::sigmoid>(x.data(), out.data(), x.size(),
                                                 detail::dbl::sigmoid);
}
inline void sigmoid_grad(std::span<const double> x, std::span<double> out) {
  detail::check_batch("sigmoid_grad", x, out);
  detail::map_fast<detail::fast_kernel::sigmoid_grad>(x.data(), out.data(), x.size(),
                                                      detail::dbl::sigmoid_grad);
}
inline void log_sigmoid(std::span<const double> x, std::span<double> out) {
  detail::check_batch("log_sigmoid", x, out);
  detail::map_fast<detail::fast_kernel::log_sigmoid>(x.data(), out.data(), x.size(),
                                                     detail::dbl::log_sigmoid);
}
inline void tanh(std::span<const double> x, std::span<double> out) {
  detail::check_batch("tanh", x, out);
  detail::map_fast<detail::fast_kernel::tanh>(x.data(), out.data(), x.size(), detail::dbl::tanh);
}
inline void tanh_grad(std::span<const double> x, std::span<double> out) {
  detail::check_batch("tanh_grad", x, out);
  detail::map_fast<detail::fast_kernel::tanh_grad>(x.data(), out.data(), x.size(),
                                                   detail::dbl::tanh_grad);
}

}  // namespace gradaudit
