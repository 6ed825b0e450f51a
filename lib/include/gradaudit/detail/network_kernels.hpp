#pragma once
/// \file network_kernels.hpp
/// Element-wise kernels of the trainer on rows of samples: the activations, their
/// derivatives, and the output layer's loss and ∂L/∂z. For double they are the library's
/// 1-ULP kernels in their batch forms (detail/logistic_batch.hpp: the fast path on vector
/// lanes, AVX-512, AVX2 + FMA or SSE2/NEON, the scalar kernel for the values it does not settle),
/// so every value is bitwise the scalar call's (within 0.5 + 2^-11 ULP of the exact value) whatever
/// the lane width, the row length or the thread count: the trainer computes what the library
/// promises. For float: Eigen's packet exp (a few ULP). For other scalars (long double, the
/// reference type) the generic stable formulas.
#include "gradaudit/activation.hpp"
#include "gradaudit/detail/logistic_batch.hpp"
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
/// row. double: the batch forms of the 1-ULP kernels; float: Eigen packets; other scalars: the
/// scalar kernels.
template <Real T>
void activation_row(activation a, bool derivative, const T* z, T* out, std::size_t n) {
  if constexpr (std::is_same_v<T, double>) {
    if (a == activation::sigmoid) {
      if (derivative) return map_fast<fast_kernel::sigmoid_grad>(z, out, n, dbl::sigmoid_grad);
      return map_fast<fast_kernel::sigmoid>(z, out, n, dbl::sigmoid);
    }
    if (a == activation::tanh) {
      if (derivative) return map_fast<fast_kernel::tanh_grad>(z, out, n, dbl::tanh_grad);
      return map_fast<fast_kernel::tanh>(z, out, n, dbl::tanh);
    }
  } else if constexpr (std::is_same_v<T, float>) {
    using row = Eigen::Array<T, 1, Eigen::Dynamic>;
    const Eigen::Map<const row> zr(z, static_cast<Eigen::Index>(n));
    Eigen::Map<row> o(out, static_cast<Eigen::Index>(n));
    switch (a) {
      case activation::sigmoid:
        o = (T(1) + (-zr).exp()).inverse();
        if (derivative) o = o * (T(1) - o);
        return;
      case activation::tanh:
        o = zr.tanh();
        if (derivative) o = T(1) - o * o;
        return;
      default:
        break;
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

/// a[s] = act(z[s]) and g[s] = act'(z[s]) for s < n: a hidden layer's forward pass keeps both
/// (the backward pass multiplies by g). double: σ and σ' from one exp (two divisions) per
/// value (sigmoid_and_grad), tanh and tanh' from one exp of -2|z| (tanh_and_grad), each bitwise
/// its scalar call; the other activations as
/// activation_row's two rows. float: g = a(1 - a) and 1 - a² from the packets' a. Other
/// scalars: activation_row's rows from z. a and g may not alias z.
template <Real T>
void activation_rows(activation act, const T* z, T* a, T* g, std::size_t n) {
  if constexpr (std::is_same_v<T, double>) {
    if (act == activation::sigmoid) return sigmoid_and_grad(z, a, g, n);
    if (act == activation::tanh) return tanh_and_grad(z, a, g, n);
  } else if constexpr (std::is_same_v<T, float>) {
    if (act == activation::sigmoid || act == activation::tanh) {
      activation_row<T>(act, false, z, a, n);
      for (std::size_t s = 0; s < n; ++s)
        g[s] = act == activation::sigmoid ? a[s] * (T(1) - a[s]) : T(1) - a[s] * a[s];
      return;
    }
  }
  activation_row<T>(act, false, z, a, n);
  activation_row<T>(act, true, z, g, n);
}

/// For logits z and hard or soft targets y of m samples (double): g = ∂L/∂z =
/// bce_with_logits_grad(z, y) and the returned sum of the losses bce_with_logits(z, y), each
/// term bitwise the scalar call (within 0.5 + 2^-11 ULP; hard labels by one exp per sample on
/// the lanes, detail::bce_hard_rows), the terms summed in four interleaved partial sums
/// (sample s into sum s mod 4, then (s0 + s1) + (s2 + s3)): a grouping fixed by the sample's
/// place in its chunk, so the same bits for every lane width and thread count. The terms
/// are >= 0, so the sum's relative error is below (m - 1)·u plus the terms' own 2^-53·1.0005.
/// `terms` is scratch room for m values.
inline double bce_logit_rows(const double* z, const double* y, double* g, double* terms,
                             std::size_t m) {
  bce_hard_rows(z, y, terms, g, m, dbl::bce_with_logits, dbl::bce_with_logits_grad);
  double part[4] = {0, 0, 0, 0};
  for (std::size_t s = 0; s < m; ++s) part[s & 3] += terms[s];
  return (part[0] + part[1]) + (part[2] + part[3]);
}

/// float: g = σ(z) - y and the sum of the BCE losses max(z,0) - z·y + log(1 + e^-|z|) with one
/// exp per sample in Eigen packets: e = e^-|z|, σ(z) = (z >= 0 ? 1 : e)/(1 + e).
///
/// The log terms are summed as the log of products: each lane multiplies the t = 1 + e ∈ [1, 2]
/// of `block` consecutive packets (so a product stays below 2^block, far from overflow) and
/// takes one log per block. Error of a block of n samples per lane: the n - 1 roundings of the
/// product are a relative error ≤ (n-1)u, i.e. an absolute error ≤ (n-1)u in its log, plus the
/// log's own few ULP of a value ≤ n·ln 2, i.e. ≤ 3·ulp(n ln 2) ≤ 3·n·u for n = 16: ≤ 4u per
/// sample. Deterministic: the grouping depends only on the sample's place in its chunk.
template <Real T>
T bce_logit_packets(const T* z, const T* y, T* g, Eigen::Index m) {
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
/// 1/(n·k)) and the returned sum of the per-sample losses L_s.
///  - mse: L = mse(a, y), g = mse_grad(a, y)·act'(z), summed in sample order;
///  - bce (sigmoid output) and bce_with_logits (identity output): L = bce_with_logits(z, y),
///    g = bce_with_logits_grad(z, y), from the logit z (no log of a rounded σ); double:
///    bce_logit_rows (the 1-ULP kernels; `terms` is its scratch room for n values), float:
///    bce_logit_packets.
template <Real T>
T output_row(loss_function loss, activation last, const T* z, const T* a, const T* y, T* g,
             T* terms, std::size_t n) {
  T sum = 0;
  if (loss == loss_function::mse) {
    for (std::size_t s = 0; s < n; ++s) {
      sum += mse(a[s], y[s]);
      g[s] = mse_grad(a[s], y[s]) * activate_grad(last, z[s]);
    }
    return sum;
  }
  if constexpr (std::is_same_v<T, double>) {
    return bce_logit_rows(z, y, g, terms, n);
  } else if constexpr (std::is_same_v<T, float>) {
    return bce_logit_packets(z, y, g, static_cast<Eigen::Index>(n));
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

namespace lanes {
#if GRADAUDIT_VECTOR_KERNELS && defined(__x86_64__)
/// row_axpy for double compiled for AVX-512 and for AVX2 (8 and 4 lanes; a product and a sum
/// per element, nothing fused: -ffp-contract=off, and objdump shows vmulpd and vaddpd).
__attribute__((target(GRADAUDIT_AVX512_TARGET))) inline void axpy8(double w,
                                                                   const double* __restrict a,
                                                                   double* __restrict z,
                                                                   std::size_t n) {
  for (std::size_t s = 0; s < n; ++s) z[s] += w * a[s];
}
__attribute__((target("avx2,fma"))) inline void axpy4(double w, const double* __restrict a,
                                                      double* __restrict z, std::size_t n) {
  for (std::size_t s = 0; s < n; ++s) z[s] += w * a[s];
}
#endif
}  // namespace lanes

/// z[s] = RN(z[s] + RN(w·a[s])) for s < n: the trainer's row update (forward z += w·a, backward
/// d += w·d'). Element by element, so every vector width gives the same bits: for double the
/// widest lane copy the CPU runs (lanes::width, 8 or 4 lanes: a row of 1024 took 185 ns with
/// Eigen's SSE2 packets and 94 ns with 8 lanes, gradaudit_unit_costs), else Eigen's packets (2
/// lanes in the portable build). a and z do not overlap.
template <Real T>
void row_axpy(T w, const T* a, T* z, Eigen::Index n) {
#if GRADAUDIT_VECTOR_KERNELS && defined(__x86_64__)
  if constexpr (std::is_same_v<T, double>) {
    switch (lanes::width()) {
      case 8:
        return lanes::axpy8(w, a, z, static_cast<std::size_t>(n));
      case 4:
        return lanes::axpy4(w, a, z, static_cast<std::size_t>(n));
    }
  }
#endif
  using row = Eigen::Matrix<T, 1, Eigen::Dynamic>;
  Eigen::Map<row>(z, n) += w * Eigen::Map<const row>(a, n);
}

}  // namespace detail
}  // namespace gradaudit
