#pragma once
/// \file softplus.hpp
/// softplus and log-sigmoid, and their derivatives.
///
///     softplus(x)   = log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}) >= 0,
///     softplus'(x)  = σ(x),
///     log σ(x)      = -softplus(-x) <= 0   (log_sigmoid is in activation.hpp),
///     (log σ)'(x)   = σ(-x) = 1 - σ(x).
///
/// Scalars. `double` (and `float`, rounded once more) use the double-double kernels of
/// detail/logistic.hpp: **≤ 0.5 + 2^-11 ULP** for every double (subnormal results included:
/// softplus(x) for x < -708.4, σ(-x) for x > 708.4). `long double` and `ref_t` evaluate the stable
/// form above in their own precision. Any other scalar — `testing::ball`, `testing::jet<ball>`
/// (certified values and derivatives) — evaluates the definition log1p(e^x), which is exact
/// in ball arithmetic (unbounded exponents: e^{1000} does not overflow).
///
/// Domain: every real. softplus(-inf) = 0, softplus(+inf) = +inf; softplus_grad(±inf) = 1, 0;
/// NaN -> NaN.

#include "gradaudit/activation.hpp"
#include "gradaudit/loss.hpp"

#include <cmath>

namespace gradaudit {

/// softplus(x) = log(1 + e^x). double: dbl::softplus (= -log σ(-x)), ≤ 0.5 + 2^-11 ULP.
template <class S>
S softplus(const S& x) {
  if constexpr (detail::binary_kernel_type<S>) {
    return static_cast<S>(detail::dbl::softplus(x));
  } else if constexpr (Real<S>) {
    return detail::softplus_kernel<S>(x);
  } else {
    using std::exp;
    using std::log1p;
    return log1p(exp(x));
  }
}

/// softplus'(x) = σ(x) = 1/(1 + e^{-x}). double: ≤ 0.5 + 2^-11 ULP (dbl::sigmoid).
template <class S>
S softplus_grad(const S& x) {
  if constexpr (Real<S>) {
    return sigmoid<S>(x);
  } else {
    using std::exp;
    return S(1) / (S(1) + exp(S(-x)));
  }
}

/// log σ(x) = -log(1 + e^{-x}) for the certified scalars (ball, jet): the definition. The
/// binary and reference types are served by activation.hpp's `log_sigmoid`.
template <class S>
requires(!Real<S>) S log_sigmoid(const S& x) {
  using std::exp;
  using std::log1p;
  return -log1p(exp(S(-x)));
}

/// (log σ)'(x) = σ(-x) = 1 - σ(x), formed as σ(-x) (no cancellation): ≤ 0.5 + 2^-11 ULP in
/// double, subnormal results for x > 708.4 included. log_sigmoid_grad(-inf) = 1, (+inf) = 0.
template <class S>
S log_sigmoid_grad(const S& x) {
  return softplus_grad<S>(S(-x));
}

}  // namespace gradaudit
