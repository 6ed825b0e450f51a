#pragma once
/// \file loss.hpp
/// Losses on a prediction ŷ (or a logit z) and a target y, with their derivatives.
///
/// Domains are checked: `bce`, `bce_grad`, `bce_with_logits`, `bce_with_logits_grad` throw
/// `gradaudit::domain_error` naming the argument and its value when ŷ or y is outside
/// [0, 1]. NaN is not "outside": NaN in gives NaN out, as for every element-wise function.

#include "gradaudit/activation.hpp"
#include "gradaudit/detail/scaled_terms.hpp"
#include "gradaudit/detail/sigmoid_minus_target.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <stdexcept>

namespace gradaudit {
namespace detail {

/// softplus(t) = log(1+e^t) = -log σ(-t) >= 0.
template <Real W>
W softplus_kernel(const W& t) {
  return -log_sigmoid_kernel<W>(-t);
}

/// y·softplus(-z) + (1-y)·softplus(z): a sum of two non-negative terms, so no cancellation
/// for any y in [0, 1]; a term whose coefficient is 0 is dropped (so y ∈ {0,1} and z = ±inf
/// give 0 or inf, never 0·inf).
template <Real W>
W bce_with_logits_kernel(const W& z, const W& y) {
  if (is_nan(z) || is_nan(y)) return z + y;
  W r = 0;
  if (y != 0) r += y * softplus_kernel<W>(-z);
  if (y != 1) r += (W(1) - y) * softplus_kernel<W>(z);
  return r;
}

/// σ(z) - y without avoidable cancellation:
///  - y = 1: -σ(-z); y = 0: σ(z) (no subtraction at all);
///  - |z| <= ln 3 (σ ∈ [1/4, 3/4]): tanh(z/2)/2 - (y - 1/2), since σ(z) - 1/2 = tanh(z/2)/2
///    is formed to full relative accuracy (σ(z) itself would round to 1/2 for |z| < 2^-64 and
///    lose z), and y - 1/2 is exact for y >= 2^-11 (where it can cancel at all);
///  - z > ln 3: (1 - y) - σ(-z), with 1 - y exact for y >= 2^-11;
///  - z < -ln 3: σ(z) - y.
/// What cancellation is left is inherent: it happens only where σ(z) ≈ y away from z = 0,
/// where the condition number wrt z, |z|σ'(z)/|σ(z) - y|, is large.
template <Real W>
W bce_with_logits_grad_kernel(const W& z, const W& y) {
  using std::abs;
  using std::tanh;
  if (is_nan(z) || is_nan(y)) return z + y;
  if (y == 1) return -sigmoid_kernel<W>(-z);
  if (y == 0) return sigmoid_kernel<W>(z);
  const W ln3 = W(1.0986122886681098);  // any cut near ln 3 works; this one is a double
  if (abs(z) <= ln3) return tanh(z / 2) / 2 - (y - W(0.5));
  if (z > 0) return (W(1) - y) - sigmoid_kernel<W>(-z);
  return sigmoid_kernel<W>(z) - y;
}

/// -(y log ŷ + (1-y) log(1-ŷ)) with log(1-ŷ) as log1p(-ŷ); zero-coefficient terms dropped
/// (0·log 0 = 0).
template <Real W>
W bce_kernel(const W& yhat, const W& y) {
  using std::log;
  using std::log1p;
  if (is_nan(yhat) || is_nan(y)) return yhat + y;
  W r = 0;
  if (y != 0) r -= y * log(yhat);
  if (y != 1) r -= (W(1) - y) * log1p(-yhat);
  return r;
}

/// -y/ŷ + (1-y)/(1-ŷ) with zero-coefficient terms dropped.
template <Real W>
W bce_grad_kernel(const W& yhat, const W& y) {
  if (is_nan(yhat) || is_nan(y)) return yhat + y;
  W r = 0;
  if (y != 0) r -= y / yhat;
  if (y != 1) r += (W(1) - y) / (W(1) - yhat);
  return r;
}

}  // namespace detail

/// Squared error (y - ŷ)². In double: y - ŷ exact in double-double, squared in dd and rounded
/// once (<= 0.5 + 2^-11 ULP while the square is >= 2^-969; +inf exactly when the true value
/// overflows).
template <Real T>
T mse(const T& yhat, const T& y) {
  if constexpr (detail::binary_kernel_type<T>) {
    return static_cast<T>(detail::dbl::mse(yhat, y));
  } else {
    const T d = y - yhat;
    return d * d;
  }
}

/// ∂/∂ŷ (y - ŷ)² = 2(ŷ - y), correctly rounded (one subtraction, an exact doubling). (The
/// article writes 2(y - ŷ): the sign is wrong.)
template <Real T>
T mse_grad(const T& yhat, const T& y) {
  if constexpr (std::same_as<T, float>)
    return static_cast<float>(detail::dbl::mse_grad(yhat, y));
  else
    return T(2) * (yhat - y);
}

/// Binary cross-entropy on a probability: -(y log ŷ + (1-y) log(1-ŷ)).
/// Domain: ŷ, y ∈ [0, 1], else `domain_error`. bce(0, y>0) = bce(1, y<1) = +inf (PyTorch
/// instead clamps the log at -100). In double within 0.5 + 2^-11 ULP for hard and soft y
/// (soft y >= 2^-900 and 1 - y >= 2^-900), detail::dbl::bce.
template <Real T>
T bce(const T& yhat, const T& y) {
  detail::check_closed_interval("bce", "yhat", yhat, 0.0, 1.0);
  detail::check_closed_interval("bce", "y", y, 0.0, 1.0);
  if constexpr (detail::binary_kernel_type<T>)
    return static_cast<T>(detail::dbl::bce(yhat, y));
  else
    return detail::bce_kernel<T>(yhat, y);
}

/// ∂bce/∂ŷ = -y/ŷ + (1-y)/(1-ŷ) = (ŷ - y)/(ŷ(1-ŷ)).
/// Domain as `bce`; at ŷ = 0 it is -inf if y > 0 and 1 if y = 0; at ŷ = 1 it is +inf if
/// y < 1 and -1 if y = 1 (the one-sided limits of the terms that are present). In double
/// within 0.5 + 2^-11 ULP for every y, including ŷ ≈ y: ŷ - y is exact (detail::dbl::bce_grad).
template <Real T>
T bce_grad(const T& yhat, const T& y) {
  detail::check_closed_interval("bce_grad", "yhat", yhat, 0.0, 1.0);
  detail::check_closed_interval("bce_grad", "y", y, 0.0, 1.0);
  if constexpr (detail::binary_kernel_type<T>)
    return static_cast<T>(detail::dbl::bce_grad(yhat, y));
  else
    return detail::bce_grad_kernel<T>(yhat, y);
}

/// bce(σ(z), y) computed from the logit: y·softplus(-z) + (1-y)·softplus(z).
/// Domain: z any real (±inf allowed), y ∈ [0, 1] else `domain_error`.
/// In double within 0.5 + 2^-11 ULP for every z and every y ∈ [0, 1], subnormal y included
/// (detail::dbl::bce_with_logits in scaled_terms.hpp).
template <Real T>
T bce_with_logits(const T& z, const T& y) {
  detail::check_closed_interval("bce_with_logits", "y", y, 0.0, 1.0);
  if constexpr (detail::binary_kernel_type<T>)
    return static_cast<T>(detail::dbl::bce_with_logits(z, y));
  else
    return detail::bce_with_logits_kernel<T>(z, y);
}

/// ∂/∂z bce_with_logits(z, y) = σ(z) - y. Domain as `bce_with_logits`.
/// In double within 0.5 + 2^-11 ULP for every z and every y ∈ [0, 1], soft targets at the
/// root σ(z) ≈ y included: σ(z) - y in double-double where that decides the result, else
/// correctly rounded by MPFR (a few µs; detail/sigmoid_minus_target.hpp).
template <Real T>
T bce_with_logits_grad(const T& z, const T& y) {
  detail::check_closed_interval("bce_with_logits_grad", "y", y, 0.0, 1.0);
  if constexpr (detail::binary_kernel_type<T>)
    return static_cast<T>(detail::dbl::bce_with_logits_grad(z, y));
  else
    return detail::bce_with_logits_grad_kernel<T>(z, y);
}

namespace detail::dbl {

/// p·y·softplus(-z) + (1 - y)·softplus(z): both softplus as scaled dd (scaled_terms.hpp,
/// < 2^-66.3), weights p·y exact (two_product) and 1 - y exact, two non-negative terms summed
/// and rounded once (subnormal results included). p = 1 is bce_with_logits itself.
inline double bce_with_logits(double z, double y, double pos_weight) {
  if (std::isnan(z) || std::isnan(y) || std::isnan(pos_weight)) return z + y + pos_weight;
  if (pos_weight == 1) return bce_with_logits(z, y);
  const dd w1 = two_product(pos_weight, y), w0 = one_minus(y);
  if (std::isinf(z)) return (z > 0 ? w0.hi : w1.hi) != 0 ? inf : 0.0;
  return round_terms(
      add_terms(scale_term(softplus_scaled(-z), w1), scale_term(softplus_scaled(z), w0)));
}

}  // namespace detail::dbl

/// BCE with logits and PyTorch's `pos_weight` p (the weight of the positive class):
///     -(p·y·log σ(z) + (1 - y)·log(1 - σ(z))) = p·y·softplus(-z) + (1 - y)·softplus(z).
/// Domain: z any real, y ∈ [0, 1], p ∈ [0, +inf) finite, else `domain_error`; NaN -> NaN;
/// z = ±inf: +inf when the infinite term has a non-zero weight, else 0.
/// In double ≤ 0.5 + 2^-11 ULP for every z, subnormal results included, when p·y and 1 - y are
/// each 0 or >= 2^-890 (bitwise bce_with_logits(z, y) for p = 1).
template <Real T>
T bce_with_logits(const T& z, const T& y, const T& pos_weight) {
  detail::check_closed_interval("bce_with_logits", "y", y, 0.0, 1.0);
  if (!detail::is_nan(pos_weight) && !(pos_weight >= T(0) && !detail::is_inf(pos_weight)))
    throw domain_error("bce_with_logits: pos_weight = " + detail::show(pos_weight) +
                       " is not a finite value >= 0");
  if constexpr (detail::binary_kernel_type<T>) {
    return static_cast<T>(detail::dbl::bce_with_logits(z, y, pos_weight));
  } else {
    using W = T;
    if (detail::is_nan(z) || detail::is_nan(y) || detail::is_nan(pos_weight))
      return z + y + pos_weight;
    W r = 0;
    if (y != 0 && pos_weight != 0) r += pos_weight * y * detail::softplus_kernel<W>(-z);
    if (y != 1) r += (W(1) - y) * detail::softplus_kernel<W>(z);
    return r;
  }
}

namespace detail {
/// A hard-label batch form through a fast-path batch kernel (logistic_batch.hpp): for y = 1
/// and y = 0 the loss and its gradient are ±K(±z) for K = log σ or σ (see the callers), so
/// t = s_in(y)·z (exact: s = ±1) goes through map_fast<F> in blocks and the result is
/// s_out(y)·K(t), the same IEEE operations as the scalar call, hence its bits. Soft y, NaN y
/// and NaN z (whose NaN the scalar call forms as z + y) take the scalar kernel `pair`.
/// Element by element (z, y read before out is written), so out may be z or y.
template <fast_kernel F>
void map_hard_targets(std::span<const double> z, std::span<const double> y, std::span<double> out,
                      const double (&s_in)[2], const double (&s_out)[2], scalar_kernel single,
                      double (*pair)(double, double)) {
  constexpr std::size_t block = 256;
  double t[block], r[block];
  for (std::size_t b = 0; b < z.size(); b += block) {
    const std::size_t n = std::min(block, z.size() - b);
    for (std::size_t i = 0; i < n; ++i) t[i] = s_in[y[b + i] == 1] * z[b + i];
    map_fast<F>(t, r, n, single);
    for (std::size_t i = 0; i < n; ++i) {
      const double zi = z[b + i], yi = y[b + i];
      out[b + i] = (yi == 1 || yi == 0) && !std::isnan(zi) ? s_out[yi == 1] * r[i] : pair(zi, yi);
    }
  }
}
}  // namespace detail

/// Batch forms on spans of double (bitwise equal to the scalar calls; no domain checks: the
/// caller has checked the targets, as the trainer does once per data set).
/// loss[i] = bce_with_logits(z[i], y[i]) and grad[i] = bce_with_logits_grad(z[i], y[i]).
/// Hard labels run the batch fast path of log σ (loss: y = 1 gives softplus(-z) = -log σ(z),
/// y = 0 gives softplus(z) = -log σ(-z)) or σ (gradient: -σ(-z) for y = 1, σ(z) for y = 0);
/// soft targets the scalar kernels. Spans may alias element by element (out = z or y).
inline void bce_with_logits(std::span<const double> z, std::span<const double> y,
                            std::span<double> out) {
  if (z.size() != y.size() || z.size() != out.size())
    throw std::invalid_argument("bce_with_logits: spans of different lengths");
  detail::map_hard_targets<detail::fast_kernel::log_sigmoid>(
      z, y, out, {-1.0, 1.0}, {-1.0, -1.0}, detail::dbl::log_sigmoid, detail::dbl::bce_with_logits);
}
inline void bce_with_logits_grad(std::span<const double> z, std::span<const double> y,
                                 std::span<double> out) {
  if (z.size() != y.size() || z.size() != out.size())
    throw std::invalid_argument("bce_with_logits_grad: spans of different lengths");
  detail::map_hard_targets<detail::fast_kernel::sigmoid>(
      z, y, out, {1.0, -1.0}, {1.0, -1.0}, detail::dbl::sigmoid, detail::dbl::bce_with_logits_grad);
}

}  // namespace gradaudit
