#pragma once
/// \file exp_log.hpp
/// exp, expm1, log1p and log whose results carry a low part (double-double), for the
/// `double` kernels. Table-driven: 2^(j/128) and -log(1/(1 + j/256)) in double-double
/// (kernel_tables.hpp), short polynomials on the reduced argument.
///
/// Error bounds (relative, of the dd result against the exact value; u = 2^-53):
///   exp_scaled(t, tl):  <= 2^-78   for t + tl <= 0
///   expm1_small(t, tl): <= 2^-76   for |t + tl| <= ln 2/256
///   log1p(e):           <= 2^-66.5 for e in [-1/2, 1]
///   log(x):             <= 2^-66   for every positive double x
/// The kernels need 2^-64 (so that rounding the dd result costs at most 0.5 + 2^-11 ULP:
/// a relative error ε is at most ε·2^53 ULP of the result), so every bound has room. The
/// proofs are in the comments of each function; every constant is checked against MPFR by
/// lib/test/kernels_test.cpp, and the bounds are measured by bench/ulp_table.cpp.

#include "gradaudit/detail/double_double.hpp"
#include "gradaudit/detail/kernel_tables.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace gradaudit::detail {

/// 2^m·v: a dd value with its binary exponent kept apart, so that a result far below the
/// normal range is rounded once (round_scaled), not once to dd and again to a subnormal.
struct scaled_dd {
  dd v;
  int m = 0;
};

/// RN(x·2^n) for a double x and any n in [-1100, 1023] whose result is normal or zero: two
/// exact scalings when 2^n itself is not a normal double. (Also exact for subnormal results
/// that are representable, which is how round_scaled uses it.)
inline double scale2(double x, int n) {
  if (n >= -1022) return x * exp2i(n);
  return x * exp2i(n + 200) * exp2i(-200);
}

/// The double nearest 2^m·(hi + lo), rounded once, including subnormal results (hi need not be
/// normalised near 1: softmax passes a sum scaled by 2^600).
/// Normal result: RN(hi + lo), then an exact scaling. Subnormal result (2^m·|v| < 2^-1022):
/// with C = 2^(-1022-m) the doubles in [C, 2C) are spaced exactly like the subnormals after
/// scaling by 2^m, so RN(C + hi + lo) - C is the subnormal grid rounding of hi + lo; C + hi is
/// split exactly (two_sum) and the tail added in one rounding: the only extra error is the
/// rounding of (two_sum tail + lo), <= 2^-53 of a value below ulp(C), i.e. <= 2^-52 ULP.
inline double round_scaled(const scaled_dd& s) {
  const double h = s.v.hi, l = s.v.lo;
  if (h == 0) return h;
  const int c_exp = -1022 - s.m;  // C = 2^c_exp
  if (c_exp < -1022 || std::abs(h) >= exp2i(std::min(c_exp, 1023))) return scale2(h + l, s.m);
  const double c = h > 0 ? exp2i(c_exp) : -exp2i(c_exp);
  const dd a = two_sum(c, h);
  const double r = a.hi + (a.lo + l);
  return scale2(r - c, s.m);  // r - c is exact (Sterbenz), the scaled value representable
}

/// 2^m·(hi + lo) as a plain dd. Exact while 2^m·|hi| >= 2^-969 (the low part stays normal);
/// below that the low part is rounded to 2^-1074: a relative error <= 2^-105 down to
/// 2^m·|hi| = 2^-969 and growing beyond (callers use it only where that does not matter).
inline dd to_dd(const scaled_dd& s) { return {scale2(s.v.hi, s.m), scale2(s.v.lo, s.m)}; }

/// Reduced argument of exp: t + tl = k·ln2/128 + r, |r| <= ln2/256 + 2^-42, r as dd.
/// k = RN((t + tl)·128/ln 2) by the 1.5·2^52 shift (its low bits are k). ln2/128 =
/// C1 + C2 + C3 with C1 of 34 bits, so k·C1 is exact for |k| < 2^19 (|t| <= 750), t - k·C1 is
/// exact (Sterbenz: k·C1 and t within a factor 2 when k != 0), k·C2 is split exactly by
/// two_product, and k·C3 (|k·C3| < 2^-77) costs one rounding: |error of r| <= 2^-108.
struct exp_reduction {
  dd r;
  std::int64_t k;
};

inline exp_reduction reduce_exp(double t, double tl) {
  constexpr double inv_ln2_128 = 0x1.71547652b82fep+7;  // RN(128/ln 2)
  constexpr double shift = 0x1.8p52;
  constexpr double c1 = 0x1.62e42fef80000p-8, c2 = 0x1.1cf79abc9e3b4p-43,
                   c3 = -0x1.9ff0342542fc3p-97;
  const double shifted = t * inv_ln2_128 + shift;
  const std::int64_t k = std::bit_cast<std::int64_t>(shifted) - std::bit_cast<std::int64_t>(shift);
  const double kd = shifted - shift;
  const double r1 = t - kd * c1;
  const dd p = two_product(kd, c2);
  const dd r = two_sum(r1, -p.hi);
  return {fast_two_sum(r.hi, r.lo + ((tl - p.lo) - kd * c3)), k};
}

/// e^r - 1 for |r| <= ln2/256 + 2^-42 < 2^-8.5 (r as dd), as dd.
/// r + r²/2 + r³·(1/6 + r/24 + r²/120 + r³/720 + r⁴/5040): truncation r⁸/8!·e^|r| < 2^-83;
/// r² = two_product(rh, rh) + 2·rh·rl exactly but for rl² (< 2^-120); the cubic part
/// (< 2^-27.9) is formed from rh alone (dropping r²·rl/2 < 2^-80) with coefficient and Horner
/// roundings of a few u: < 2^-78; the low-part sum < 2^-27 is rounded a few times: < 2^-79.
/// Absolute error < 2^-77, i.e. relative error < 2^-77/|e^r - 1| (< 2^-76 for |r| >= 2^-9
/// since |e^r - 1| >= 0.99|r|; for smaller r every term scales with r and the bound is
/// relative: < 2^-76 as well).
inline dd expm1_reduced(dd r) {
  const double rh = r.hi, rl = r.lo;
  const dd sq = two_product(rh, rh);
  const dd a = two_sum(rh, 0.5 * sq.hi);
  const double poly =
      0x1.5555555555555p-3 +
      rh * (0x1.5555555555555p-5 + rh * (0x1.1111111111111p-7 + rh * (0x1.6c16c16c16c17p-10 +
                                                                      rh * 0x1.a01a01a01a01ap-13)));
  const double lo = a.lo + ((rl + (0.5 * sq.lo + rh * rl)) + rh * sq.hi * poly);
  return fast_two_sum(a.hi, lo);
}

/// e^(t + tl) = 2^m·(T_j + T_j·(e^r - 1)) with k = 128m + j, for t + tl <= 0, tl a tail with
/// |tl| <= 2^-52|t|. Returns {0, 0} for t < -750 (e^t < 2^-1082: rounds to 0 in every use, 4e^t
/// included). Error: T_j is exact to 2^-106 relative; e^r - 1 to 2^-77 absolute (expm1_reduced); r
/// to 2^-108; the products T·(e^r - 1) split exactly but for roundings < 2^-104: relative error <
/// 2^-77 + 2^-100 < 2^-76.9. (NaN: callers handle it first.)
inline scaled_dd exp_scaled(double t, double tl = 0) {
  if (t < -750) return {{0, 0}, 0};
  const exp_reduction red = reduce_exp(t, tl);
  const dd em1 = expm1_reduced(red.r);
  const std::size_t j = static_cast<std::size_t>(red.k & 127);
  const int m = static_cast<int>(red.k >> 7);  // arithmetic shift: floor(k/128)
  const double th = tables::exp2_hi[j], tlo = tables::exp2_lo[j];
  const dd p = two_product(th, em1.hi);
  const dd s = fast_two_sum(th, p.hi);
  const double lo = s.lo + (p.lo + (th * em1.lo + tlo * (1 + em1.hi)));
  return {fast_two_sum(s.hi, lo), m};
}

#if defined(__GNUC__)
#define GRADAUDIT_SERIES_INLINE [[gnu::always_inline]] inline
#else
#define GRADAUDIT_SERIES_INLINE inline
#endif

/// H(r) = 1/2 + r/6 + r²/24 + r³/120 + r⁴/720 + r⁵/5040 (the coefficients rounded to nearest,
/// c[k] for r^k) and P(v) = 1/3 - v/4 + v²/5 - v³/6 + v⁴/7 - v⁵/8 + v⁶/9 (log1p_dd's v³·P(v)).
inline constexpr double exp_fast_coefficients[6] = {0.5,
                                                    0x1.5555555555555p-3,
                                                    0x1.5555555555555p-5,
                                                    0x1.1111111111111p-7,
                                                    0x1.6c16c16c16c17p-10,
                                                    0x1.a01a01a01a01ap-13};
inline constexpr double log1p_coefficients[7] = {
    0x1.5555555555555p-2, -0x1p-2, 0x1.999999999999ap-3, -0x1.5555555555555p-3,
    0x1.2492492492492p-3, -0x1p-3, 0x1.c71c71c71c71cp-4};

/// H(r) by Horner, into h, for a double or a GCC vector of doubles: exp_fast's portable copy and
/// its lanes (logistic_lanes.hpp) evaluate this one sequence of operations, each step
/// c[k] + r·(…) rounded twice. Always inlined, so that the lanes' AVX2 and AVX-512 copies
/// compile it under their own targets (and h is an out-parameter: a 32-byte vector returned by
/// value from a template defined outside that target draws -Wpsabi).
template <class V>
GRADAUDIT_SERIES_INLINE void exp_fast_series(const V& r, V& h) {
  const auto& c = exp_fast_coefficients;
  h = c[0] + r * (c[1] + r * (c[2] + r * (c[3] + r * (c[4] + r * c[5]))));
}

/// P(v) by Horner, into p, as exp_fast_series (log1p_dd's portable copy and its lanes).
template <class V>
GRADAUDIT_SERIES_INLINE void log1p_series(const V& v, V& p) {
  const auto& c = log1p_coefficients;
  p = c[0] + v * (c[1] + v * (c[2] + v * (c[3] + v * (c[4] + v * (c[5] + v * c[6])))));
}

/// P(v) by Horner with fused steps, fma(v, …, c[k]): one rounding per step where log1p_series
/// takes two, for log1p_dd's FMA copy (Fma = true). The error of each step is then at most u
/// of its result instead of u of the result plus u of the product, so the bound proved for the
/// two-rounding Horner (log1p_dd: a few u on a term < |v|·2^-17) holds for the fused one too.
inline double log1p_series_fused(double v) {
  const auto& c = log1p_coefficients;
  return std::fma(
      v,
      std::fma(v, std::fma(v, std::fma(v, std::fma(v, std::fma(v, c[6], c[5]), c[4]), c[3]), c[2]),
               c[1]),
      c[0]);
}

/// H(r) by Estrin's scheme with fused steps, for exp_fast's FMA copy: (c0 + c1·r) +
/// r2·((c2 + c3·r) + r2·(c4 + c5·r)), r2 = RN(r²), each bracket one fma. Three fmas deep instead
/// of Horner's five (a scalar call is one dependency chain, and this is part of it). For |r| <
/// 2^-8.5: c0 + c1·r <= 0.5005 and H <= 0.5005 are rounded once each (u·0.5005 twice); the inner
/// brackets (<= 0.043) and r2's rounding enter multiplied by r2 < 2^-17: |error| < 1.001u
/// absolute (about 2u relative, against Horner's 1u), which exp_fast's bound below carries.
inline double exp_fast_series_estrin(double r, double r2) {
  const auto& c = exp_fast_coefficients;
  return std::fma(r2, std::fma(r2, std::fma(r, c[5], c[4]), std::fma(r, c[3], c[2])),
                  std::fma(r, c[1], c[0]));
}

/// P(v) by Estrin's scheme with fused steps, for x_minus_log1p_fused (log σ's FMA copy): (c0 +
/// c1·v) + v2·(c2 + c3·v) + v4·((c4 + c5·v) + v2·c6), v2 = RN(v²) (log1p's own sq.hi), v4 =
/// RN(v2²): three fmas deep instead of six. For |v| <= 2^-8: c0 + c1·v, the sum with v2·(…) and P
/// (each <= 0.3344) are rounded once each, everything else enters multiplied by v2 < 2^-16:
/// |error| < 3·0.3344u + 2^-16·u < 1.004u absolute, < 3.03u relative to P >= 0.332.
inline double log1p_series_estrin(double v, double v2) {
  const auto& c = log1p_coefficients;
  return std::fma(v2 * v2, std::fma(v2, c[6], std::fma(v, c[5], c[4])),
                  std::fma(v2, std::fma(v, c[3], c[2]), std::fma(v, c[1], c[0])));
}

/// exp_fast's reduction (below): as reduce_exp but k·C2 rounded once and C3 dropped (|k| < 2^17:
/// |k·C2| < 2^-25.9, |k·C3| < 2^-79.4): r1 - RN(k·C2) = rr + rt (two_sum, exact),
/// |rr + rt - r| < 2^-78, |rr| < 2^-8.5, |rt| <= u·|rr| < 2^-61.5. Both copies then form
/// e^r - 1 = rr + q, q = rt + rr·rt + RN(rr²)·H(rr), H = 1/2 + r/6 + … + r⁵/5040 (truncation
/// r⁸/8! < 2^-83), and return T·e^r·2^m, T = 2^(j/128), k = 128m + j.
struct exp_fast_reduction {
  double rr, rt;
  std::int64_t k;
};

template <bool Fma>
inline exp_fast_reduction reduce_exp_fast(double t) {
  constexpr double inv_ln2_128 = 0x1.71547652b82fep+7;  // as reduce_exp
  constexpr double shift = 0x1.8p52;
  constexpr double c1 = 0x1.62e42fef80000p-8, c2 = 0x1.1cf79abc9e3b4p-43;
  const double shifted = t * inv_ln2_128 + shift;
  const std::int64_t k = std::bit_cast<std::int64_t>(shifted) - std::bit_cast<std::int64_t>(shift);
  const double kd = shifted - shift;
  const dd r = two_sum<Fma>(t - kd * c1, -(kd * c2));
  return {r.hi, r.lo, k};
}

/// exp_fast without FMA (Veltkamp products, H by two-rounding Horner: exp_fast_series).
/// Absolute errors of q (e^r ≈ 1): r's 2^-78; RN(rr²) u·rr² < 2^-70 times H < 0.51; H's
/// roundings (~1.1u relative) and the product's (u) on |rr²·H| < 2^-18: 2^-70.9 + 2^-71; rr
/// instead of rr + rt in the terms from r³ on: < 2^-79.5; two sums of size < 2^-18: 2·2^-71.
/// Together < 2^-68.6. Then T·e^r with T = th + tl (2^-106): th·rr exact (two_product), th >= 1 >
/// |th·rr| so fast_two_sum exact, th·q (< 2^-17, rounding < 2^-70), tl·(1 + rr) (tl·q < 2^-71
/// dropped) and three sums of size < 2^-16.9 (< 2^-70 each): absolute < 2·2^-68.6 + 5·2^-70 <
/// 2^-66.4 against T·e^r >= 0.99: relative < 2^-66. Scaling by 2^m (m = floor(k/128) >= -967) is
/// exact for hi, and for lo unless lo·2^m < 2^-1022, whose rounding costs < 2^-1075 absolute,
/// < 2^-108 relative to e^t >= 2^-967. Below t = -670 that grows (at t = -700, 2^-65:
/// kernels_test.cpp found it), so the domain stops at -670. The kernels use it for t >= -300
/// (fast_cut). NaN: callers handle it first.
inline dd exp_fast_portable(double t) {
  const exp_fast_reduction red = reduce_exp_fast<false>(t);
  const double rr = red.rr, rt = red.rt;
  double h;
  exp_fast_series(rr, h);
  const double q = rt + (rr * rt + (rr * rr) * h);
  const std::size_t j = static_cast<std::size_t>(red.k & 127);
  const double th = tables::exp2_hi[j], tl = tables::exp2_lo[j];
  const dd p = two_product<false>(th, rr);
  const dd s = fast_two_sum<false>(th, p.hi);
  const double lo = s.lo + (p.lo + (th * q + tl * (1 + rr)));
  const dd v = fast_two_sum<false>(s.hi, lo);
  const double f = exp2i(static_cast<int>(red.k >> 7));  // floor(k/128) >= -967
  return {v.hi * f, v.lo * f};
}

/// exp_fast with FMA, relative error < 2^-67, a shorter dependency chain than the portable
/// copy's (the scalar σ waits on it): 2^m is folded into the table entries first (th·2^m and
/// tl·2^m run beside the series), H by Estrin's scheme (exp_fast_series_estrin, sharing r2 =
/// RN(rr²) with q), q = rt + fma(r2, H, RN(rr·rt)), and the low sum (s.lo + p.lo) +
/// fma(th, q, tl·(1 + rr)), whose first part is ready before q.
/// Absolute errors of q (2^m aside): r's 2^-78; RN(rr²) u·rr²·H < 2^-70.9; H's < 1.001u times
/// rr² < 2^-17: < 2^-69.99; the fma u·|rr²·H| < 2^-71; rr for rr + rt from r³ on < 2^-79.5; the
/// sum with rt < 2^-71; rr·rt's rounding < 2^-123: together < 2^-68.65. Then th·|Δq| <
/// 2^-67.65; s.lo + p.lo (both < 2^-52) rounded: < 2^-104; the fma (of size < 2^-16.9) and the
/// last sum: 2^-70 each; tl·q dropped < 2^-71: absolute < 2^-67.07 against T·e^r >= 0.99:
/// relative < 2^-67.05. Scaled first: th·2^m (>= 2^-967) and hi are exact, and every rounding that
/// falls below 2^-1022 costs < 2^-1075 absolute, five of them < 2^-105 relative to e^t >=
/// 2^-967. Same domain and uses as the portable copy.
inline dd exp_fast_fused(double t) {
  const exp_fast_reduction red = reduce_exp_fast<true>(t);
  const double rr = red.rr, rt = red.rt;
  const std::size_t j = static_cast<std::size_t>(red.k & 127);
  const double f = exp2i(static_cast<int>(red.k >> 7));
  const double th = tables::exp2_hi[j] * f, tl = tables::exp2_lo[j] * f;
  const double r2 = rr * rr;
  const double h = exp_fast_series_estrin(rr, r2);
  const double q = rt + std::fma(r2, h, rr * rt);
  const dd p = two_product<true>(th, rr);
  const dd s = fast_two_sum<true>(th, p.hi);
  const double lo = (s.lo + p.lo) + std::fma(th, q, tl * (1 + rr));
  return fast_two_sum<true>(s.hi, lo);
}

/// e^t for t in [-670, 0] as a dd (hi normal, |lo| <= ulp(hi)/2), relative error < 2^-66: the
/// fast path of the kernels (one exact product where exp_dd takes three; the kernels check the
/// rounding of what they build from it with rounds_to_hi and fall back to the exp_dd path).
/// exp_fast_fused with FMA (< 2^-67), exp_fast_portable without; their proofs are above.
template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd exp_fast(double t) {
  if constexpr (Fma) {
    return exp_fast_fused(t);
  } else {
    return exp_fast_portable(t);
  }
}

/// e^t as a dd for t >= -700 (m >= -1011: 2^m is a normal double and the scaling of hi is
/// exact; lo is scaled exactly or, below 2^-1022, to within 2^-1075: relative < 2^-105).
inline dd exp_dd(double t, double tl = 0) {
  const scaled_dd s = exp_scaled(t, tl);
  const double f = exp2i(s.m);
  return {s.v.hi * f, s.v.lo * f};
}

/// e^t - 1 for t <= 0, as dd, relative error < 2^-70: for k = 0 (|t| <= ln2/256) it is
/// expm1_reduced itself (< 2^-76); otherwise e^t - 1 <= -0.0027 and e^t (error < 2^-76.9
/// relative, i.e. < 2^-76.9 absolute) minus 1 in dd arithmetic: < 2^-76.9/0.0027 < 2^-68.
inline dd expm1_dd(double t) {
  const exp_reduction red = reduce_exp(t, 0);
  if (red.k == 0) return expm1_reduced(red.r);
  return add(exp_dd(t), -1.0);
}

/// log(1 + e) for a dd e with e.hi in [-1/2, 1].
/// j = RN(256·e.hi), c = c_j = RN(1/(1 + j/256)) (tabled with -log c_j in dd), and
/// v = c(1 + e) - 1 = (c - 1) + c·e.hi + c·e.lo: c - 1 is exact (Sterbenz), c·e.hi is split by
/// two_product, so v carries an absolute error < 2^-105. |v| <= 2^-9/(1 + j/256) + 2^-52 <=
/// 2^-8. log(1 + e) = -log c + log1p(v), log1p(v) = v - v²/2 + v³(1/3 - v/4 + … + v⁶/9):
/// truncation |v|¹⁰/10/(1 - |v|) < 2^-83; the cubic part from vh alone (dropping v²·vl, of
/// relative size u·v² < 2^-69) with roundings of a few u on a term < |v|·2^-17: together
/// < 2^-68 relative to |v|. For j = 0 (c = 1) v = e exactly and that is the bound. For j != 0,
/// |e| >= 2^-9 and |log(1 + e)| >= |v|·(1 - 2^-8): the table (2^-106), v's error and log1p(v)'s
/// give < 2^-66.5 relative.
/// log1p_dd's reduction: j = RN(256·e.hi), the tables' index i = j + 128, and v = c(1 + e) - 1
/// as a dd (c - 1 exact, c·e.hi split by two_product: v's error < 2^-105).
struct log1p_reduction {
  std::int64_t j;
  std::size_t i;
  dd v;
};

template <bool Fma>
inline log1p_reduction reduce_log1p(dd e) {
  constexpr double shift = 0x1.8p52;
  const double shifted = e.hi * 256 + shift;
  const std::int64_t j = std::bit_cast<std::int64_t>(shifted) - std::bit_cast<std::int64_t>(shift);
  const std::size_t i = static_cast<std::size_t>(j + 128);
  const double c = tables::log_c[i];
  const dd p = two_product<Fma>(c, e.hi);
  const dd v0 = two_sum<Fma>(c - 1, p.hi);
  return {j, i, two_sum<Fma>(v0.hi, v0.lo + (p.lo + c * e.lo))};
}

template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd log1p_dd(dd e) {
  const log1p_reduction red = reduce_log1p<Fma>(e);
  const std::size_t i = red.i;
  const double vh = red.v.hi, vl = red.v.lo;
  const dd sq = two_product<Fma>(vh, vh);
  const dd a = two_sum<Fma>(vh, -0.5 * sq.hi);
  double poly;
  if constexpr (Fma) {
    poly = log1p_series_fused(vh);
  } else {
    log1p_series(vh, poly);
  }
  const double lo = a.lo + ((vl - (0.5 * sq.lo + vh * vl)) + vh * sq.hi * poly);
  const dd l1 = fast_two_sum<Fma>(a.hi, lo);
  if (red.j == 0) return l1;
  return add<Fma>(dd{tables::log_hi[i], tables::log_lo[i]}, l1);
}

/// x0 - log(1 + e) for x0 <= 0 and a dd e in [2^-433, 1] (exp_fast's result), with FMA: log σ's
/// fast path in one sum, min(x, 0) - log1p(e^{-|x|}) (log_sigmoid_fast_dd). log1p_dd's
/// reduction (j, c, v, |v| <= 2^-8, v's error < 2^-105), its series by Estrin's scheme
/// (log1p_series_estrin) and the cubic term as one fma; then the three terms x0, -L (L = -log c,
/// tabled) and -(a.hi + lo) ≈ -log1p(v), all <= 0 but the last (|log1p(v)| <= L/2 for j != 0),
/// are added by exact transformations and two roundings of low parts, where log1p_dd adds L by
/// AccurateDWPlusDW and the caller adds x by another sum.
/// log1p(v) = v - v²/2 + v³P(v) + T, |T| < 2^-83|v|: a = two_sum(vh, -sq.hi/2) exact; the low
/// part vl - (sq.lo/2 + vh·vl) costs < 2^-105|v|. The cubic term RN(vh·sq.hi)·poly against
/// v³P(v) (|v³P| < 2^-17.58|v|): vl dropped 3u, sq.hi u, the product u, the series 3.03u, its
/// rounded coefficients 1.0u relative, P's slope times vl < u·2^-8: < 9.1u, i.e. < 2^-67.4|v|;
/// the fma's and lo's roundings u·2^-17.5|v| each: log1p(v) to < 2^-67.09|v|.
/// The sum: s1 = two_sum(x0, -L.hi) and s2 = fast_two_sum(s1.hi, -a.hi) are exact (|s1.hi| >=
/// |L.hi| >= |a.hi| for j != 0; L = 0 for j = 0, and then x0 = 0 or |x0| > 6 > |a.hi|: j = 0
/// means e < 2^-9, |x| > 6.2); the low parts s1.lo - (L.lo + lo) and s2.lo + that are rounded
/// twice, u·2^-17.4|v| each from lo's size and < 12u² of the result from the others (every part
/// is below 4u of |W|, W = x0 - log1p(e), |W| >= |x0|, |W| >= |log1p(e)| >= max(|v|(1 - 2^-8),
/// L/2)); the table 2^-106. Relative to |W|: < (2^-67.09 + 3·2^-70.4)·(1 + 2^-8) + 2^-102 <
/// 2^-66.7, within log1p_dd's 2^-66.5 (and for x0 = 0 it is -log1p(e) to that bound).
inline dd x_minus_log1p_fused(double x0, dd e) {
  const log1p_reduction red = reduce_log1p<true>(e);
  const std::size_t i = red.i;
  const dd s1 = two_sum<true>(x0, -tables::log_hi[i]);  // ready before the series
  const double vh = red.v.hi, vl = red.v.lo;
  const dd sq = two_product<true>(vh, vh);
  const dd a = two_sum<true>(vh, -0.5 * sq.hi);
  const double poly = log1p_series_estrin(vh, sq.hi);
  const double lo = a.lo + std::fma(vh * sq.hi, poly, vl - (0.5 * sq.lo + vh * vl));
  const dd s2 = fast_two_sum<true>(s1.hi, -a.hi);
  return fast_two_sum<true>(s2.hi, s2.lo + (s1.lo - (tables::log_lo[i] + lo)));
}

/// log x for a positive finite double x (subnormals included), as dd.
/// x = 2^k·f with f in [3/4, 3/2) (f from the bits; subnormals scaled by 2^54 first), f - 1
/// exact (Sterbenz); log x = k·ln2 + log1p(f - 1) with ln2 = L1 + L2 (L1 of 32 bits, so k·L1
/// is exact for |k| <= 1100) + L3 < 2^-86: k·L2 split exactly, the dropped k·L3 < 2^-76.
/// For k = 0 the bound is log1p's; for k != 0 |k ln2| >= 0.69 and |log1p(f - 1)| <= 0.41,
/// so |log x| >= 0.28: < 2^-66.5·0.41/0.28 + 2^-76/0.28 < 2^-66 relative.
inline dd log_dd(double x) {
  int k = 0;
  if (x < 0x1p-1022) {
    x *= 0x1p54;
    k = -54;
  }
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  k += static_cast<int>(bits >> 52) - 1023;
  double f = std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  if (f >= 1.5) {
    f *= 0.5;
    ++k;
  }
  const dd l = log1p_dd({f - 1, 0});
  if (k == 0) return l;
  const double kd = k;
  const dd kl = two_product(kd, 0x1.a39ef35793c76p-33);
  const dd kln2 = fast_two_sum(kd * 0x1.62e42fee00000p-1, kl.hi);
  return add(dd{kln2.hi, kln2.lo + kl.lo}, l);
}

/// log of a positive dd value u = uh + ul (|ul| <= ulp(uh)/2): log(uh) + ul/uh, dropping
/// (ul/uh)²/2 < 2^-107.
inline dd log_dd(dd u) { return add(log_dd(u.hi), u.lo / u.hi); }

}  // namespace gradaudit::detail
