#pragma once
/// \file logistic_batch.hpp
/// Batch forms of the fast-path kernels σ, σ', tanh, tanh' and log σ (logistic.hpp) over arrays of
/// double, several values per instruction, with results bitwise equal to the scalar calls.
///
/// How. The fast path (exp_fast, one_plus, div, mul, log1p_dd and Ziv's test rounds_to_hi) is
/// a fixed sequence of IEEE operations, table loads and integer bit operations; here it is
/// written once over GCC/Clang vector types (`vector_size`, logistic_lanes.hpp), each lane
/// doing exactly the scalar operations (the exact products by Veltkamp splitting or a hardware
/// FMA, which give the same exact product; the lanes' table entries loaded one by one). Lanes
/// outside the
/// fast range (|x| > fast_cut = 300 for σ, σ', log σ; |2x| > fast_cut for tanh' and tanh; for
/// tanh also |x| < tanh_small_low = 2^-28; NaN) are
/// computed on 0 and then redone by the scalar kernel, as are lanes whose rounding test fails
/// (about 1 in 256): the scalar kernel takes the same fast path (and the same test) or its full
/// path, so every output is the scalar call's bits.
///
/// Width: 2 lanes with Veltkamp products (SSE2 on x86-64, NEON on aarch64: the portable
/// baseline), and on x86-64 a 4-lane copy compiled under `target("avx2,fma")` whose exact
/// products are one vfmsub each (`_mm256_fmsub_pd`: a·b - RN(a·b), exact), chosen once at run
/// time with `__builtin_cpu_supports`. The lane functions are compiled twice (the file is
/// included twice, the second time inside a target pragma region) because an FMA intrinsic
/// cannot be inlined into a function compiled without FMA. In that copy the compiler could in
/// principle contract other products into FMAs (GCC 12 did so once despite -ffp-contract=off,
/// see detail::opaque); it does not here: the AVX2 σ has exactly its two vfmsub (objdump), and
/// the bitwise tests (BatchFastPathGivesTheScalarBits, BatchForms.BitwiseEqualToScalarCalls)
/// would show any such change. Compilers without vector extensions (MSVC) get the scalar loop.
///
/// Range facts the lanes rely on (logistic.hpp, fast_cut): every exact product is >= 2^-969 or
/// has a factor 0 or 1 (th·rr: th = 1 exactly when k = 0, else |rr| >= 2^-110), with factors
/// below 2^995, so the unchecked Veltkamp product is exact; table indices are in range because
/// the argument is finite and |x| <= 300.

#include "gradaudit/detail/logistic.hpp"

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__aarch64__))
#define GRADAUDIT_VECTOR_KERNELS 1
#else
#define GRADAUDIT_VECTOR_KERNELS 0
#endif

namespace gradaudit::detail {

/// The kernels with a batch fast path.
enum class fast_kernel { sigmoid, sigmoid_grad, tanh, tanh_grad, log_sigmoid };

/// One function of a batch form: the scalar kernel, for every lane the vector path leaves.
using scalar_kernel = double (*)(double);

/// A scalar kernel of a logit and a target (bce_with_logits and its gradient).
using pair_kernel = double (*)(double, double);

/// Test hook: while set, the batch forms take the portable 2-lane copy even on a CPU that runs
/// the AVX2 + FMA copy (lib/test/network_test.cpp trains with both and compares the bits).
inline std::atomic<bool>& force_two_lanes() {
  static std::atomic<bool> yes{false};
  return yes;
}

/// out[i] = f(x[i]) with the scalar kernel (the fall-back and the non-vector build).
inline void map_scalar(const double* x, double* out, std::size_t n, scalar_kernel f) {
  for (std::size_t i = 0; i < n; ++i) out[i] = f(x[i]);
}

#if GRADAUDIT_VECTOR_KERNELS
namespace lanes {

/// A vector of N doubles and its integer twin (same size: casts between them are bit casts).
template <int N>
struct vec;
template <>
struct vec<2> {
  using d = double __attribute__((vector_size(16)));
  using i = std::int64_t __attribute__((vector_size(16)));
};
#if defined(__x86_64__)
template <>
struct vec<4> {
  using d = double __attribute__((vector_size(32)));
  using i = std::int64_t __attribute__((vector_size(32)));
};
#endif

/// A vector returned inside a struct (a bare 32-byte vector returned from a function compiled
/// without AVX draws GCC's -Wpsabi warning; the lane functions are all inlined anyway).
template <class T>
struct box {
  T v;
};

/// hi + lo per lane.
template <class V>
struct vdd {
  V hi, lo;
};

using fn = fast_kernel;

}  // namespace lanes
}  // namespace gradaudit::detail

#define GRADAUDIT_LANES_NS base
#define GRADAUDIT_LANES_FMA 0
#include "gradaudit/detail/logistic_lanes.hpp"
#undef GRADAUDIT_LANES_FMA
#undef GRADAUDIT_LANES_NS

#if defined(__x86_64__)
#include <immintrin.h>
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
#define GRADAUDIT_LANES_NS avx2_fma
#define GRADAUDIT_LANES_FMA 1
#include "gradaudit/detail/logistic_lanes.hpp"
#undef GRADAUDIT_LANES_FMA
#undef GRADAUDIT_LANES_NS
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

namespace gradaudit::detail {
namespace lanes {

/// The portable copy: 2 lanes (SSE2, NEON), Veltkamp products.
template <fn F>
void map2(const double* x, double* out, std::size_t n, scalar_kernel f) {
  base::map<F, 2>(x, out, n, f);
}

#if defined(__x86_64__)
/// The x86-64 AVX2 + FMA copy: 4 lanes, hardware exact products.
template <fn F>
__attribute__((target("avx2,fma"))) void map4(const double* x, double* out, std::size_t n,
                                              scalar_kernel f) {
  avx2_fma::map<F, 4>(x, out, n, f);
}

template <bool Tanh>
__attribute__((target("avx2,fma"))) void pair4(const double* x, double* a, double* g, std::size_t n,
                                               scalar_kernel s, scalar_kernel d) {
  avx2_fma::map_pair<4, Tanh>(x, a, g, n, s, d);
}
__attribute__((target("avx2,fma"))) inline void bce_hard4(const double* z, const double* y,
                                                          double* loss, double* grad, std::size_t n,
                                                          pair_kernel loss_of,
                                                          pair_kernel grad_of) {
  avx2_fma::map_bce_hard<4>(z, y, loss, grad, n, loss_of, grad_of);
}

/// Whether this CPU runs the AVX2 + FMA copy (asked once), and the test hook does not forbid it.
inline bool have_avx2_fma() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes && !force_two_lanes().load(std::memory_order_relaxed);
}
#endif

template <bool Tanh>
void pair2(const double* x, double* a, double* g, std::size_t n, scalar_kernel s, scalar_kernel d) {
  base::map_pair<2, Tanh>(x, a, g, n, s, d);
}
inline void bce_hard2(const double* z, const double* y, double* loss, double* grad, std::size_t n,
                      pair_kernel loss_of, pair_kernel grad_of) {
  base::map_bce_hard<2>(z, y, loss, grad, n, loss_of, grad_of);
}

}  // namespace lanes
#endif  // GRADAUDIT_VECTOR_KERNELS

/// The batch entry point of the fast-path kernels: out[i] = f(x[i]) bitwise, by the AVX2 copy,
/// the 2-lane copy or (no vector extensions) the scalar loop. f is F's scalar kernel.
template <fast_kernel F>
void map_fast(const double* x, double* out, std::size_t n, scalar_kernel f) {
#if GRADAUDIT_VECTOR_KERNELS
#if defined(__x86_64__)
  if (lanes::have_avx2_fma()) return lanes::map4<F>(x, out, n, f);
#endif
  lanes::map2<F>(x, out, n, f);
#else
  map_scalar(x, out, n, f);
#endif
}

/// The same for a value and its derivative from one exp: a[i] = s(x[i]), g[i] = d(x[i])
/// bitwise, with s, d = σ, σ' (Tanh false) or tanh, tanh' (Tanh true).
template <bool Tanh>
void pair_fast(const double* x, double* a, double* g, std::size_t n, scalar_kernel s,
               scalar_kernel d) {
#if GRADAUDIT_VECTOR_KERNELS
#if defined(__x86_64__)
  if (lanes::have_avx2_fma()) return lanes::pair4<Tanh>(x, a, g, n, s, d);
#endif
  lanes::pair2<Tanh>(x, a, g, n, s, d);
#else
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = s(x[i]);
    g[i] = d(x[i]);
  }
#endif
}

/// a[i] = dbl::sigmoid(x[i]) and g[i] = dbl::sigmoid_grad(x[i]) for i < n, bitwise, from one
/// exp per value where the fast path settles both (the trainer's sigmoid
/// layers: the forward pass needs σ, the backward pass σ'). a and g may not alias x.
inline void sigmoid_and_grad(const double* x, double* a, double* g, std::size_t n) {
  pair_fast<false>(x, a, g, n, dbl::sigmoid, dbl::sigmoid_grad);
}

/// a[i] = dbl::tanh(x[i]) and g[i] = dbl::tanh_grad(x[i]) for i < n, bitwise, from one exp
/// (e^{-2|x|}) per value where the fast paths settle both (the trainer's tanh layers; for
/// |x| < 1/16 tanh comes from its series on the lanes, tanh_small_dd). a and g may not alias x.
inline void tanh_and_grad(const double* x, double* a, double* g, std::size_t n) {
  pair_fast<true>(x, a, g, n, dbl::tanh, dbl::tanh_grad);
}

/// loss[i] = loss_of(z[i], y[i]) and grad[i] = grad_of(z[i], y[i]) for i < n, where loss_of and
/// grad_of are dbl::bce_with_logits and dbl::bce_with_logits_grad (passed in: their headers
/// include this one's): hard labels through one exp per sample on the lanes, the rest by
/// the scalar kernels; bitwise the scalar calls. The outputs may not alias the inputs.
inline void bce_hard_rows(const double* z, const double* y, double* loss, double* grad,
                          std::size_t n, pair_kernel loss_of, pair_kernel grad_of) {
#if GRADAUDIT_VECTOR_KERNELS
#if defined(__x86_64__)
  if (lanes::have_avx2_fma()) return lanes::bce_hard4(z, y, loss, grad, n, loss_of, grad_of);
#endif
  lanes::bce_hard2(z, y, loss, grad, n, loss_of, grad_of);
#else
  for (std::size_t i = 0; i < n; ++i) {
    loss[i] = loss_of(z[i], y[i]);
    grad[i] = grad_of(z[i], y[i]);
  }
#endif
}

}  // namespace gradaudit::detail
