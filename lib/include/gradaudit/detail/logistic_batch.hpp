#pragma once
/// \file logistic_batch.hpp
/// Batch forms of the fast-path kernels σ, σ', tanh' and log σ (logistic.hpp) over arrays of
/// double, several values per instruction, with results bitwise equal to the scalar calls.
///
/// How. The fast path (exp_fast, one_plus, div, mul, log1p_dd and Ziv's test rounds_to_hi) is
/// a fixed sequence of IEEE operations, table loads and integer bit operations; here it is
/// written once over GCC/Clang vector types (`vector_size`), each lane doing exactly the
/// scalar operations (the exact products by Veltkamp splitting, which gives the same exact
/// product as a hardware FMA; the lanes' table entries loaded one by one). Lanes outside the
/// fast range (|x| > fast_cut = 300 for σ, σ', log σ; |2x| > fast_cut for tanh'; NaN) are
/// computed on 0 and then redone by the scalar kernel, as are lanes whose rounding test fails
/// (about 1 in 256): the scalar kernel takes the same fast path (and the same test) or its full
/// path, so every output is the scalar call's bits.
///
/// Width: 2 lanes (SSE2 on x86-64, NEON on aarch64: the portable baseline), and on x86-64 a
/// 4-lane copy compiled for AVX2 (`target("avx2")`, no FMA: nothing can be contracted) chosen
/// once at run time with `__builtin_cpu_supports("avx2")`. Compilers without vector extensions
/// (MSVC) get the scalar loop.
///
/// Range facts the lanes rely on (logistic.hpp, fast_cut): every exact product is >= 2^-969 or
/// has a factor 0 or 1 (th·rr: th = 1 exactly when k = 0, else |rr| >= 2^-110), with factors
/// below 2^995, so the unchecked Veltkamp product is exact; table indices are in range because
/// the argument is finite and |x| <= 300.

#include "gradaudit/detail/logistic.hpp"

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
enum class fast_kernel { sigmoid, sigmoid_grad, tanh_grad, log_sigmoid };

/// One function of a batch form: the scalar kernel, for every lane the vector path leaves.
using scalar_kernel = double (*)(double);

/// out[i] = f(x[i]) with the scalar kernel (the fall-back and the non-vector build).
inline void map_scalar(const double* x, double* out, std::size_t n, scalar_kernel f) {
  for (std::size_t i = 0; i < n; ++i) out[i] = f(x[i]);
}

#if GRADAUDIT_VECTOR_KERNELS
namespace lanes {

#define GRADAUDIT_LANE_INLINE [[gnu::always_inline]] inline

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

/// A vector returned inside a struct: a bare 32-byte vector returned from a function compiled
/// without AVX draws GCC's -Wpsabi warning (a diagnostic pragma does not survive a precompiled
/// header); a 32-byte struct is returned in memory on every x86-64 target alike, and all these
/// functions are inlined anyway.
template <class T>
struct box {
  T v;
};

/// hi + lo per lane.
template <class V>
struct vdd {
  V hi, lo;
};

template <class V, class I>
GRADAUDIT_LANE_INLINE box<V> select(const I& mask, const V& a,
                                    const V& b) {  // mask lanes are all ones or all zeros
  return {(V)(((I)a & mask) | ((I)b & ~mask))};
}

template <class V, class I>
GRADAUDIT_LANE_INLINE box<V> vabs(const V& a) {
  return {(V)((I)a & 0x7fffffffffffffffLL)};
}

template <class V>
GRADAUDIT_LANE_INLINE vdd<V> two_sum(const V& a, const V& b) {  // as detail::two_sum
  const V s = a + b;
  const V bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}

template <class V>
GRADAUDIT_LANE_INLINE vdd<V> fast_two_sum(const V& a, const V& b) {  // as detail::fast_two_sum
  const V s = a + b;
  return {s, b - (s - a)};
}

/// Exact product by Veltkamp/Dekker (detail::two_product without its range branches: the
/// callers' factors are below 2^995 and their products zero or above 2^-969).
template <class V>
GRADAUDIT_LANE_INLINE vdd<V> two_product(const V& a, const V& b) {
  const V p = a * b;
  const V ca = 0x1.0000002p+27 * a, cb = 0x1.0000002p+27 * b;
  const V ah = ca - (ca - a), bh = cb - (cb - b);
  const V al = a - ah, bl = b - bh;
  return {p, ((ah * bh - p) + ah * bl + al * bh) + al * bl};
}

template <class V>
GRADAUDIT_LANE_INLINE vdd<V> div(const vdd<V>& a, const vdd<V>& b) {  // as detail::div
  const V i = 1 / b.hi;
  const V q = a.hi * i;
  const vdd<V> p = two_product(q, b.hi);
  const V r = ((a.hi - p.hi) - p.lo + a.lo) - q * b.lo;
  return fast_two_sum(q, r * i);
}

template <class V>
GRADAUDIT_LANE_INLINE vdd<V> mul(const vdd<V>& a, const vdd<V>& b) {  // as detail::mul(dd, dd)
  const vdd<V> p = two_product(a.hi, b.hi);
  return fast_two_sum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

template <class V>
GRADAUDIT_LANE_INLINE vdd<V> add(const vdd<V>& a, const vdd<V>& b) {  // as detail::add(dd, dd)
  const vdd<V> s = two_sum(a.hi, b.hi);
  const vdd<V> t = two_sum(a.lo, b.lo);
  const vdd<V> u = fast_two_sum(s.hi, s.lo + t.hi);
  return fast_two_sum(u.hi, u.lo + t.lo);
}

template <class V>
GRADAUDIT_LANE_INLINE vdd<V> add(const vdd<V>& a, const V& b) {  // as detail::add(dd, double)
  const vdd<V> s = two_sum(a.hi, b);
  return fast_two_sum(s.hi, s.lo + a.lo);
}

template <class V>
GRADAUDIT_LANE_INLINE vdd<V> one_plus(const vdd<V>& e) {  // as dbl::one_plus
  const vdd<V> s = fast_two_sum(V{} + 1.0, e.hi);
  return {s.hi, s.lo + e.lo};
}

/// Per-lane table loads.
template <int N, class V, class I>
GRADAUDIT_LANE_INLINE box<V> gather(const double* table, const I& index) {
  V v;
  for (int l = 0; l < N; ++l) v[l] = table[index[l]];
  return {v};
}

/// detail::exp_fast per lane, t in [-700, 0].
template <int N, class V = typename vec<N>::d, class I = typename vec<N>::i>
GRADAUDIT_LANE_INLINE vdd<V> exp_fast(const V& t) {
  constexpr double shift = 0x1.8p52;
  const V shifted = t * 0x1.71547652b82fep+7 + shift;
  const I k = (I)shifted - std::bit_cast<std::int64_t>(shift);
  const V kd = shifted - shift;
  const vdd<V> r = two_sum(t - kd * 0x1.62e42fef80000p-8, -(kd * 0x1.1cf79abc9e3b4p-43));
  const V rr = r.hi, rt = r.lo;
  const V h = 0.5 + rr * (0x1.5555555555555p-3 +
                          rr * (0x1.5555555555555p-5 +
                                rr * (0x1.1111111111111p-7 +
                                      rr * (0x1.6c16c16c16c17p-10 + rr * 0x1.a01a01a01a01ap-13))));
  const V q = rt + (rr * rt + (rr * rr) * h);
  const I j = k & 127;
  const V th = gather<N, V>(tables::exp2_hi, j).v, tl = gather<N, V>(tables::exp2_lo, j).v;
  const vdd<V> p = two_product(th, rr);
  const vdd<V> s = fast_two_sum(th, p.hi);
  const V lo = s.lo + (p.lo + (th * q + tl * (1.0 + rr)));
  const vdd<V> v = fast_two_sum(s.hi, lo);
  const V f = (V)(((k >> 7) + 1023) << 52);  // exp2i(floor(k/128))
  return {v.hi * f, v.lo * f};
}

/// detail::log1p_dd per lane, for e.hi in [0, 1].
template <int N, class V = typename vec<N>::d, class I = typename vec<N>::i>
GRADAUDIT_LANE_INLINE vdd<V> log1p(const vdd<V>& e) {
  constexpr double shift = 0x1.8p52;
  const V shifted = e.hi * 256 + shift;
  const I j = (I)shifted - std::bit_cast<std::int64_t>(shift);
  const I idx = j + 128;
  const V c = gather<N, V>(tables::log_c, idx).v;
  const vdd<V> p = two_product(c, e.hi);
  const vdd<V> v0 = two_sum(c - 1.0, p.hi);
  const vdd<V> v = two_sum(v0.hi, v0.lo + (p.lo + c * e.lo));
  const V vh = v.hi, vl = v.lo;
  const vdd<V> sq = two_product(vh, vh);
  const vdd<V> a = two_sum(vh, -0.5 * sq.hi);
  const V poly =
      0x1.5555555555555p-2 +
      vh * (-0x1p-2 +
            vh * (0x1.999999999999ap-3 +
                  vh * (-0x1.5555555555555p-3 +
                        vh * (0x1.2492492492492p-3 + vh * (-0x1p-3 + vh * 0x1.c71c71c71c71cp-4)))));
  const V lo = a.lo + ((vl - (0.5 * sq.lo + vh * vl)) + vh * sq.hi * poly);
  const vdd<V> l1 = fast_two_sum(a.hi, lo);
  const vdd<V> t{gather<N, V>(tables::log_hi, idx).v, gather<N, V>(tables::log_lo, idx).v};
  const vdd<V> sum = add(t, l1);
  const I zero = j == 0;
  return {select<V>(zero, l1.hi, sum.hi).v, select<V>(zero, l1.lo, sum.lo).v};
}

/// rounds_to_hi per lane, as a mask.
template <class V, class I>
GRADAUDIT_LANE_INLINE box<I> rounds_to_hi(const vdd<V>& a) {
  const I bits = (I)a.hi & 0x7fffffffffffffffLL;
  const V b = (V)(bits & 0x7ff0000000000000LL);
  const V h = select<V>((bits & 0x000fffffffffffffLL) != 0, b * 0x1p-53, b * 0x1p-54).v;
  return {vabs<V, I>(a.lo).v + b * 0x1p-61 < h};
}

using fn = fast_kernel;

/// The four fast-path kernels per lane: the candidate result and whether it is final.

template <fn F, int N, class V = typename vec<N>::d, class I = typename vec<N>::i>
GRADAUDIT_LANE_INLINE box<V> kernel(const V& x, I& ok) {
  const V arg = F == fn::tanh_grad ? 2.0 * x : x;
  const V a = vabs<V, I>(arg).v;
  ok = a <= dbl::fast_cut;  // false for NaN
  const V ax = select<V>(ok, a, V{}).v;
  const vdd<V> e = exp_fast<N>(-ax);
  vdd<V> r;
  if constexpr (F == fn::sigmoid) {
    const I pos = arg >= 0;
    const vdd<V> num{select<V>(pos, V{} + 1, e.hi).v, select<V>(pos, V{}, e.lo).v};
    r = div(num, one_plus(e));
  } else if constexpr (F == fn::log_sigmoid) {
    const vdd<V> l = log1p<N>(e);
    const vdd<V> neg{-l.hi, -l.lo};
    const vdd<V> shifted = add(neg, select<V>(ok, arg, V{}).v);
    const I pos = arg >= 0;
    r = {select<V>(pos, neg.hi, shifted.hi).v, select<V>(pos, neg.lo, shifted.lo).v};
  } else {
    const vdd<V> d = one_plus(e);
    r = div(e, mul(d, d));
  }
  ok &= rounds_to_hi<V, I>(r).v;
  return {F == fn::tanh_grad ? r.hi * 4.0 : r.hi};
}

/// out[i] = the kernel F at x[i] for i < n, N lanes at a time; the lanes the fast path does not
/// settle, and the last n mod N values, by the scalar kernel f. out may be x.
template <fn F, int N>
GRADAUDIT_LANE_INLINE void map(const double* x, double* out, std::size_t n, scalar_kernel f) {
  using V = typename vec<N>::d;
  using I = typename vec<N>::i;
  std::size_t i = 0;
  for (; i + N <= n; i += N) {
    V v;
    std::memcpy(&v, x + i, sizeof v);
    I ok;
    const V r = kernel<F, N>(v, ok).v;
    std::memcpy(out + i, &r, sizeof r);
    bool all = true;
    for (int l = 0; l < N; ++l) all = all && ok[l] != 0;
    if (!all)
      for (int l = 0; l < N; ++l)
        if (ok[l] == 0) out[i + l] = f(v[l]);
  }
  map_scalar(x + i, out + i, n - i, f);
}

#undef GRADAUDIT_LANE_INLINE

template <fn F>
void map2(const double* x, double* out, std::size_t n, scalar_kernel f) {
  map<F, 2>(x, out, n, f);
}

#if defined(__x86_64__)
template <fn F>
__attribute__((target("avx2"))) void map4(const double* x, double* out, std::size_t n,
                                          scalar_kernel f) {
  map<F, 4>(x, out, n, f);
}

/// Whether this CPU runs the AVX2 copy (asked once).
inline bool have_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}
#endif

}  // namespace lanes
#endif  // GRADAUDIT_VECTOR_KERNELS

/// The batch entry point of the fast-path kernels: out[i] = f(x[i]) bitwise, by the AVX2 copy,
/// the 2-lane copy or (no vector extensions) the scalar loop. f is F's scalar kernel.
template <fast_kernel F>
void map_fast(const double* x, double* out, std::size_t n, scalar_kernel f) {
#if GRADAUDIT_VECTOR_KERNELS
#if defined(__x86_64__)
  if (lanes::have_avx2()) return lanes::map4<F>(x, out, n, f);
#endif
  lanes::map2<F>(x, out, n, f);
#else
  map_scalar(x, out, n, f);
#endif
}

}  // namespace gradaudit::detail
