#pragma once
/// \file network_kernels.hpp
/// Element-wise kernels of the trainer on rows of samples: the activations, their
/// derivatives, and the output layer's loss and ∂L/∂z. For double and float they run in SIMD
/// packets (Eigen's vectorised exp/log: a few ULP, identical for identical inputs, so units
/// that are equal stay bitwise equal and every thread count gives the same bits). The 1-ULP
/// scalar kernels (detail/logistic.hpp) are not used here: as scalar loops they cost ~28 ns
/// per value against ~1-5 ns, which made training 9x slower (measured, bench/README.md); a
/// vectorised form of them is future work. For other scalars (long double, the reference
/// type) the generic stable formulas.

#include "gradaudit/activation.hpp"
#include "gradaudit/loss.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cstddef>
#include <limits>
#include <type_traits>

namespace gradaudit {

enum class activation { sigmoid, identity, relu, tanh };

/// mse: (a - y)² averaged over samples and outputs; bce: -(y log a + (1-y) log(1-a)) on the
/// outputs of a sigmoid layer; bce_with_logits: the same loss computed from the pre-sigmoid
/// output of an identity layer.
enum class loss_function { mse, bce, bce_with_logits };

namespace detail {

template <Real T>
T activate(activation a, const T& z) {
  switch (a) {
    case activation::sigmoid:
      return sigmoid(z);
    case activation::identity:
      return z;
    case activation::relu:
      return relu(z);
    case activation::tanh:
      return gradaudit::tanh(z);
  }
  return z;
}

/// act'(z).
template <Real T>
T activate_grad(activation a, const T& z) {
  switch (a) {
    case activation::sigmoid:
      return sigmoid_grad(z);
    case activation::identity:
      return identity_grad(z);
    case activation::relu:
      return relu_grad(z);
    case activation::tanh:
      return tanh_grad(z);
  }
  return z;
}

/// out[s] = f(z[s]) for s < n, f = act (derivative = false) or act' (true). One switch per
/// row, then a loop over the samples that calls the inline kernel.
template <Real T>
void activation_row(activation a, bool derivative, const T* z, T* out, std::size_t n) {
  if constexpr (std::is_floating_point_v<T> && !std::is_same_v<T, long double>) {
    using row = Eigen::Array<T, 1, Eigen::Dynamic>;
    const Eigen::Map<const row> zr(z, static_cast<Eigen::Index>(n));
    Eigen::Map<row> o(out, static_cast<Eigen::Index>(n));
    switch (a) {
      case activation::sigmoid:
        o = (T(1) + (-zr).exp()).inverse();
        if (derivative) o = o * (T(1) - o);
        return;
      case activation::identity:
        if (derivative)
          o.setOnes();
        else
          o = zr;
        return;
      case activation::relu:
        if (derivative)
          o = (zr > T(0)).template cast<T>();
        else
          o = zr.max(T(0));
        return;
      case activation::tanh:
        o = zr.tanh();
        if (derivative) o = T(1) - o * o;
        return;
    }
  }
  auto each = [&](auto f) {
    for (std::size_t s = 0; s < n; ++s) out[s] = f(z[s]);
  };
  if (!derivative) {
    switch (a) {
      case activation::sigmoid:
        return each([](const T& v) { return sigmoid(v); });
      case activation::identity:
        return each([](const T& v) { return v; });
      case activation::relu:
        return each([](const T& v) { return relu(v); });
      case activation::tanh:
        return each([](const T& v) { return gradaudit::tanh(v); });
    }
  } else {
    switch (a) {
      case activation::sigmoid:
        return each([](const T& v) { return sigmoid_grad(v); });
      case activation::identity:
        return each([](const T& v) { return identity_grad(v); });
      case activation::relu:
        return each([](const T& v) { return relu_grad(v); });
      case activation::tanh:
        return each([](const T& v) { return tanh_grad(v); });
    }
  }
}

/// out[s] = act'(z[s]) for s < n, where a[s] = act(z[s]) is the layer's output from
/// activation_row. The packet path (double, float) forms σ' = a(1 - a) and tanh' = 1 - a² from
/// a, the values its derivative row would form after a second exp or tanh per value (the
/// backward pass of a sigmoid network spent half its exps there); relu and identity read z.
/// Other scalars: activation_row's 1-ULP derivative kernels from z, as before.
template <Real T>
void activation_grad_row(activation act, const T* z, const T* a, T* out, std::size_t n) {
  if constexpr (std::is_floating_point_v<T> && !std::is_same_v<T, long double>) {
    if (act == activation::sigmoid || act == activation::tanh) {
      using row = Eigen::Array<T, 1, Eigen::Dynamic>;
      const Eigen::Map<const row> ar(a, static_cast<Eigen::Index>(n));
      Eigen::Map<row> o(out, static_cast<Eigen::Index>(n));
      if (act == activation::sigmoid)
        o = ar * (T(1) - ar);
      else
        o = T(1) - ar * ar;
      return;
    }
  }
  activation_row<T>(act, true, z, out, n);
}

/// For z (logits) and y of m samples: g = σ(z) - y and the sum over the samples of the BCE
/// loss max(z,0) - z·y + log(1 + e^-|z|) (PyTorch's BCEWithLogits formula), with one exp per
/// sample: e = e^-|z|, σ(z) = (z >= 0 ? 1 : e)/(1 + e). For bce on a sigmoid output this is
/// -(y log σ + (1-y) log(1-σ)) without the log of a rounded σ. One pass in SIMD packets.
///
/// The log terms are summed as the log of products: each lane multiplies the t = 1 + e ∈ [1, 2]
/// of `block` consecutive packets (so a product stays below 2^block, far from overflow) and
/// takes one log per block; the log was half of a training step's time. Error of a block of n
/// samples per lane: the n - 1 roundings of the product are a relative error ≤ (n-1)u, i.e. an
/// absolute error ≤ (n-1)u in its log, plus the log's own few ULP of a value ≤ n·ln 2, i.e.
/// ≤ 3·ulp(n ln 2) ≤ 3·n·u for n = 16 (ulp(11.1) = 2^-49 = 16u): ≤ 4u per sample, against
/// ≈ 2u per sample (rounding of 1 + e, then of its log) for a log per sample. Deterministic:
/// the grouping depends only on the sample's place in its chunk.
template <Real T>
T bce_logit_rows(const T* z, const T* y, T* g, Eigen::Index m) {
  namespace ei = Eigen::internal;
  using P = typename ei::packet_traits<T>::type;
  constexpr Eigen::Index W = ei::packet_traits<T>::size;
  constexpr int block = 16;
  const P one = ei::pset1<P>(T(1)), zero = ei::pset1<P>(T(0));
  P linear = zero, logs = zero, product = one;
  int in_block = 0;
  auto step = [&](const P& zp, const P& yp) {
    const P e = ei::pexp(ei::pnegate(ei::pabs(zp)));
    const P t = ei::padd(one, e);
    const P inv = ei::pdiv(one, t);
    linear = ei::padd(linear, ei::psub(ei::pmax(zp, zero), ei::pmul(zp, yp)));
    product = ei::pmul(product, t);
    if (++in_block == block) {
      logs = ei::padd(logs, ei::plog(product));
      product = one;
      in_block = 0;
    }
    return ei::psub(ei::pselect(ei::pcmp_le(zero, zp), inv, ei::pmul(e, inv)), yp);
  };
  const Eigen::Index full = m / W * W;
  for (Eigen::Index s = 0; s < full; s += W)
    ei::pstoreu(g + s, step(ei::ploadu<P>(z + s), ei::ploadu<P>(y + s)));
  if (full < m) {  // the last m - full samples, through a packet padded with z = -inf:
    // there e = 0, t = 1 (a factor 1 in the product), max(z, 0) - z·y = 0 - (-inf)·0 is NaN,
    // so the linear part of the padded lanes is taken separately below.
    alignas(64) T zt[W], yt[W] = {}, gt[W];
    for (Eigen::Index s = 0; s < W; ++s)
      zt[s] = full + s < m ? z[full + s] : -std::numeric_limits<T>::infinity();
    for (Eigen::Index s = full; s < m; ++s) yt[s - full] = y[s];
    const P saved = linear;
    ei::pstore(gt, step(ei::pload<P>(zt), ei::pload<P>(yt)));
    linear = saved;
    T tail = 0;
    for (Eigen::Index s = full; s < m; ++s) {
      g[s] = gt[s - full];
      tail += std::max(z[s], T(0)) - z[s] * y[s];
    }
    return ei::predux(ei::padd(linear, ei::padd(logs, ei::plog(product)))) + tail;
  }
  return ei::predux(ei::padd(linear, ei::padd(logs, ei::plog(product))));
}

/// The output layer of one output unit over n samples: g[s] = ∂L_s/∂z_s (before the mean's
/// 1/(n·k)) and the returned sum of the per-sample losses L_s, summed in sample order.
///  - mse: L = mse(a, y), g = mse_grad(a, y)·act'(z);
///  - bce (sigmoid output) and bce_with_logits (identity output): L = bce_with_logits(z, y),
///    g = bce_with_logits_grad(z, y), from the logit z (no log of a rounded σ).
template <Real T>
T output_row(loss_function loss, activation last, const T* z, const T* a, const T* y, T* g,
             std::size_t n) {
  T sum = 0;
  if (loss == loss_function::mse) {
    for (std::size_t s = 0; s < n; ++s) {
      sum += mse(a[s], y[s]);
      g[s] = mse_grad(a[s], y[s]) * activate_grad(last, z[s]);
    }
    return sum;
  }
  if constexpr (std::is_floating_point_v<T> && !std::is_same_v<T, long double>) {
    return bce_logit_rows(z, y, g, static_cast<Eigen::Index>(n));
  }
  for (std::size_t s = 0; s < n; ++s) {
    if constexpr (binary_kernel_type<T>) {
      sum += static_cast<T>(dbl::bce_with_logits(z[s], y[s]));
      g[s] = static_cast<T>(dbl::bce_with_logits_grad(z[s], y[s]));
    } else {
      sum += bce_with_logits(z[s], y[s]);
      g[s] = bce_with_logits_grad(z[s], y[s]);
    }
  }
  return sum;
}

}  // namespace detail
}  // namespace gradaudit
