#pragma once
/// \file logistic_batch.hpp
/// Batch forms of the fast-path kernels σ, σ', tanh, tanh' and log σ (logistic.hpp) over arrays of
/// double, several values per instruction, with results bitwise equal to the scalar calls.
///
/// How. The fast path (exp_fast, one_plus, div, mul, log1p_dd and Ziv's test rounds_to_hi) is
/// a fixed sequence of IEEE operations, table loads and integer bit operations; here it is
/// written once over GCC/Clang vector types (`vector_size`, logistic_lanes.hpp), each lane
/// doing exactly the scalar operations (the exact products by Veltkamp splitting or a hardware
/// FMA, which give the same exact product; the FMA copies take the scalar FMA copy's steps:
/// exp_fast_fused, div_fast and x_minus_log1p_fused; the lanes' table entries loaded one by
/// one). Lanes
/// outside the
/// fast range (|x| > fast_cut = 300 for σ, σ', log σ; |2x| > fast_cut for tanh' and tanh; for
/// tanh also |x| < tanh_small_low = 2^-28; NaN) are
/// computed on 0 and then redone by the scalar kernel, as are lanes whose rounding test fails
/// (about 1 in 256): the scalar kernel takes the same fast path (and the same test) or its full
/// path, so every output is the scalar call's bits.
///
/// Width: 2 lanes with Veltkamp products (SSE2 on x86-64, NEON on aarch64: the portable
/// baseline), and on x86-64 a 4-lane copy compiled under `target("avx2,fma")` and an 8-lane
/// copy under `target("avx512f,avx512dq,avx512vl,avx2,fma")`, whose exact products are one
/// vfmsub each (`_mm256_fmsub_pd`, `_mm512_fmsub_pd`: a·b - RN(a·b), exact); the widest copy
/// the CPU runs is chosen once at run time with `__builtin_cpu_supports` (`lanes::width`; the
/// test hook `max_lanes` narrows it). The lane functions are compiled three times (the file is
/// included three times, the later ones inside target pragma regions) because an FMA intrinsic
/// cannot be inlined into a function compiled without FMA. In those copies the compiler could
/// in principle contract other products into FMAs (GCC 12 did so once despite
/// -ffp-contract=off, see detail::opaque); it does not here: the AVX2 and AVX-512 σ have
/// exactly their two vfmsub (objdump), and the bitwise tests (BatchFastPathGivesTheScalarBits,
/// BatchForms.BitwiseEqualToScalarCalls, each on every copy) would show any such change. The
/// 8-lane copy loads its table entries lane by lane as the others do: `vgatherqpd` made σ
/// 1.4x slower on this machine (AMD EPYC, Zen 5). Compilers without vector extensions (MSVC)
/// get the scalar loop.
///
/// Range facts the lanes rely on (logistic.hpp, fast_cut): every exact product is >= 2^-969 or
/// has a factor 0 or 1 (th·rr: th = 1 exactly when k = 0, else |rr| >= 2^-110), with factors
/// below 2^995, so the unchecked Veltkamp product is exact; table indices are in range because
/// the argument is finite and |x| <= 300.

#include "gradaudit/detail/logistic.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__aarch64__))
#define GRADAUDIT_VECTOR_KERNELS 1
#else
#define GRADAUDIT_VECTOR_KERNELS 0
#endif

/// GCC's first instruction scheduler (before register allocation; off by default on x86-64)
/// with its register-pressure model, for the entry points of every lane copy: the lane loops
/// hold two or three independent dependency chains (lanes::step_vectors), and
/// without it GCC emits them one after the other, ~150 instructions apart, which the core's
/// out-of-order window does not overlap. Measured on this project's machine (AMD EPYC, Zen 5;
/// medians of 5 alternating runs, ns per value, before -> two vectors per step and this):
/// log σ 6.58 -> 4.89 (8 lanes), 10.48 -> 8.66 (4 lanes), 34.3 -> 22.6 (2 lanes, SSE2); the σ/σ'
/// pair 4.35 -> 3.48, 6.34 -> 5.52, 25.1 -> 16.5. Either alone gained nothing beyond the
/// noise with 8 lanes (2 lanes, two vectors per step alone: log σ -7 %, the pair +4 %). Through the
/// optimize attribute, which GCC's manual calls a debugging aid: it keeps the command line's other
/// options (-ffp-contract=off included: objdump shows the lanes' vfmsub and vfmadd and no others)
/// and applies to these functions only. Clang schedules before allocation by default.
#if defined(__GNUC__) && !defined(__clang__)
#define GRADAUDIT_LANES_SCHEDULED __attribute__((optimize("schedule-insns", "sched-pressure")))
#else
#define GRADAUDIT_LANES_SCHEDULED
#endif

namespace gradaudit::detail {

/// The kernels with a batch fast path.
enum class fast_kernel { sigmoid, sigmoid_grad, tanh, tanh_grad, log_sigmoid };

/// One function of a batch form: the scalar kernel, for every lane the vector path leaves.
using scalar_kernel = double (*)(double);

/// A scalar kernel of a logit and a target (bce_with_logits and its gradient).
using pair_kernel = double (*)(double, double);

/// Test and benchmark hook: the batch forms take the widest lane copy the CPU runs that has at
/// most this many lanes (8: AVX-512, 4: AVX2 + FMA, 2: the portable copy; default 8), so that
/// the tests compare every copy the CPU has with the scalar calls and with each other.
inline std::atomic<int>& max_lanes() {
  static std::atomic<int> n{8};
  return n;
}

/// The lane copies a test can choose with max_lanes, widest first.
inline constexpr std::array<int, 3> lane_copies{8, 4, 2};

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
template <>
struct vec<8> {
  using d = double __attribute__((vector_size(64)));
  using i = std::int64_t __attribute__((vector_size(64)));
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
#define GRADAUDIT_AVX512_TARGET "avx512f,avx512dq,avx512vl,avx2,fma"
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
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))), \
                             apply_to = function)
#else
#pragma GCC pop_options
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx2,fma")  // GRADAUDIT_AVX512_TARGET (a pragma does
                                                          // not expand macros)
#endif
#define GRADAUDIT_LANES_NS avx512
#define GRADAUDIT_LANES_FMA 2
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
GRADAUDIT_LANES_SCHEDULED void map2(const double* x, double* out, std::size_t n, scalar_kernel f) {
  base::map<F, 2>(x, out, n, f);
}

#if defined(__x86_64__)
/// The x86-64 AVX2 + FMA copy: 4 lanes, hardware exact products.
template <fn F>
__attribute__((target("avx2,fma"))) GRADAUDIT_LANES_SCHEDULED void map4(const double* x,
                                                                        double* out, std::size_t n,
                                                                        scalar_kernel f) {
  avx2_fma::map<F, 4>(x, out, n, f);
}

template <bool Tanh>
__attribute__((target("avx2,fma"))) GRADAUDIT_LANES_SCHEDULED void pair4(const double* x, double* a,
                                                                         double* g, std::size_t n,
                                                                         scalar_kernel s,
                                                                         scalar_kernel d) {
  avx2_fma::map_pair<4, Tanh>(x, a, g, n, s, d);
}
__attribute__((target("avx2,fma"))) GRADAUDIT_LANES_SCHEDULED inline void bce_hard4(
    const double* z, const double* y, double* loss, double* grad, std::size_t n,
    pair_kernel loss_of, pair_kernel grad_of) {
  avx2_fma::map_bce_hard<4>(z, y, loss, grad, n, loss_of, grad_of);
}

/// The x86-64 AVX-512 copy: 8 lanes, hardware exact products.
template <fn F>
__attribute__((target(GRADAUDIT_AVX512_TARGET))) GRADAUDIT_LANES_SCHEDULED void map8(
    const double* x, double* out, std::size_t n, scalar_kernel f) {
  avx512::map<F, 8>(x, out, n, f);
}

template <bool Tanh>
__attribute__((target(GRADAUDIT_AVX512_TARGET))) GRADAUDIT_LANES_SCHEDULED void pair8(
    const double* x, double* a, double* g, std::size_t n, scalar_kernel s, scalar_kernel d) {
  avx512::map_pair<8, Tanh>(x, a, g, n, s, d);
}
__attribute__((target(GRADAUDIT_AVX512_TARGET))) GRADAUDIT_LANES_SCHEDULED inline void bce_hard8(
    const double* z, const double* y, double* loss, double* grad, std::size_t n,
    pair_kernel loss_of, pair_kernel grad_of) {
  avx512::map_bce_hard<8>(z, y, loss, grad, n, loss_of, grad_of);
}

/// The widest copy this CPU runs (asked once): 8 (AVX-512F/DQ/VL), 4 (AVX2 + FMA) or 2.
inline int cpu_width() {
  static const int w = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                               __builtin_cpu_supports("avx512vl")
                           ? 8
                       : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 4
                                                                                         : 2;
  return w;
}
#endif

/// The copy the batch forms take: the widest this CPU runs, no wider than the test hook allows.
inline int width() {
#if defined(__x86_64__)
  return std::min(cpu_width(), max_lanes().load(std::memory_order_relaxed));
#else
  return 2;
#endif
}

template <bool Tanh>
GRADAUDIT_LANES_SCHEDULED void pair2(const double* x, double* a, double* g, std::size_t n,
                                     scalar_kernel s, scalar_kernel d) {
  base::map_pair<2, Tanh>(x, a, g, n, s, d);
}
GRADAUDIT_LANES_SCHEDULED inline void bce_hard2(const double* z, const double* y, double* loss,
                                                double* grad, std::size_t n, pair_kernel loss_of,
                                                pair_kernel grad_of) {
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
  switch (lanes::width()) {
    case 8:
      return lanes::map8<F>(x, out, n, f);
    case 4:
      return lanes::map4<F>(x, out, n, f);
  }
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
  switch (lanes::width()) {
    case 8:
      return lanes::pair8<Tanh>(x, a, g, n, s, d);
    case 4:
      return lanes::pair4<Tanh>(x, a, g, n, s, d);
  }
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
  switch (lanes::width()) {
    case 8:
      return lanes::bce_hard8(z, y, loss, grad, n, loss_of, grad_of);
    case 4:
      return lanes::bce_hard4(z, y, loss, grad, n, loss_of, grad_of);
  }
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
