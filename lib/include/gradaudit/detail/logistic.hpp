#pragma once
/// \file logistic.hpp
/// The `double` kernels of gradaudit's element-wise functions, in double-double arithmetic
/// (double_double.hpp, exp_log.hpp): σ, σ', log σ, softplus, tanh, tanh', the binary
/// cross-entropy on probabilities and on logits with their gradients, and the squared error.
///
/// The bound. Each kernel forms its result as a dd value with relative error ε <= 2^-64 (the
/// proof sketch is at each function) and rounds it once (σ, σ', tanh' and log σ first try a
/// cheaper dd value, from exp_fast, with ε < 2^-65.1; they keep it only when Ziv's rounding
/// test rounds_to_hi proves that its high part is the correctly rounded result, about 2047
/// inputs in 2048, and otherwise take the full path: see fast_cut); since a relative error ε is at
/// most ε·2^53 ULP, the result is within 0.5 + 2^-11 ULP of the exact value. Exceptions, stated at
/// the function: soft targets y or 1 - y below 2^-900 (dd products would underflow). σ(z) - y
/// for soft y is here only where the dd evaluation decides it (sigmoid_minus_target_dd); near
/// the root detail/sigmoid_minus_target.hpp completes it with MPFR.
///
/// Notation: e = e^{-|x|} in (0, 1], u = 2^-53, "exp error" = 2^-76.9 (exp_scaled),
/// "log1p error" = 2^-66.5 (log1p_dd).

#include "gradaudit/detail/exp_log.hpp"

#include <atomic>
#include <cmath>
#include <limits>
#include <optional>

namespace gradaudit::detail::dbl {

inline constexpr double inf = std::numeric_limits<double>::infinity();

/// Beyond |x| = 50, e = e^{-|x|} < 2^-72.1: terms of relative size e are below the budget.
inline constexpr double tail_cut = 50;

/// σ(x) as dd for |x| <= 700 (e = e^{-|x|} as dd to 2^-76.9): 1/(1 + e) for x >= 0 and
/// e/(1 + e) for x < 0; 1 + e is formed with a dd sum (2u²), the quotient by dd division
/// (16u²). σ's relative sensitivity to e is e/(1 + e) <= 1/2, so the relative error is
/// < 2^-76.9 + 18u² < 2^-76.
inline dd sigmoid_dd_core(double x) {
  const dd e = exp_dd(-std::abs(x));
  const dd d = add(e, 1.0);
  return div(x >= 0 ? dd{1, 0} : e, d);
}

/// The fast path of σ, σ', tanh' and log σ: for |x| <= fast_cut (e^{-|x|} >= 2^-433) each
/// kernel first forms its result from exp_fast (relative error < 2^-66 instead of 2^-76.9,
/// one exact product instead of three) with a relative error < 2^-65.1, and keeps its high
/// part when Ziv's test (rounds_to_hi<fast_margin>) shows that it is the correctly rounded
/// result; otherwise (about 1 input in 2048, and beyond fast_cut) the full path below. In that
/// range every exact product the fast path forms is >= 2^-969 (the smallest: q·(1 + e) in the
/// quotients, q ≈ σ or σ' >= 2^-435; v² in log1p_dd, v ≈ e >= 2^-433, v² >= 2^-866), so it is exact
/// whether a hardware FMA or Veltkamp's split forms it, and every result is >= 2^-960, as
/// rounds_to_hi needs. logistic_batch.hpp runs the same operations several lanes at a time.
inline constexpr double fast_cut = 300;

/// The rounding test's margin for the fast paths of σ, σ' (tanh') and log σ: 2^-65, which
/// their proved errors (< 2^-65.9, < 2^-65.9, < 2^-65.2) meet with the 2^-0.1 rounds_to_hi
/// needs. The test then fails for about 1 result in 2^11 (measured over 2·10^6 x uniform in
/// [-40, 40]: σ 0.048 %, σ' 0.045 %, log σ 0.046 %; with the default 2^-62, 0.39 %, 0.38 %,
/// 0.37 %); every failure costs a full-path call (~35-55 ns), and in the batch forms a scalar
/// call beside the vector loop. tanh's fast path (error < 2^-62.9) keeps the default margin (its
/// error is below 2^-65.1 for |x| >= 3/8 and in the series range; a test with the wider margin
/// there cut tanh's fall-backs from 0.20 % to 0.03 % of x in [-40, 40] but measured no faster
/// in the batch forms, so it was not kept).
/// For any margin the proved errors allow, a kept value is the correctly rounded one, so the
/// results do not depend on it (FastPath.SameResultsAsTheFullPath fails with a margin of
/// 2^-75, which they do not allow).
inline constexpr int fast_margin = 65;

/// The fast path compiled twice. On x86-64 without FMA at compile time (the portable baseline)
/// σ, σ', tanh', log σ (so softplus and the hard-label BCE-with-logits and its gradient) and
/// tanh have a second copy of their fast path whose exact products are hardware FMAs
/// (two_product<true>), in functions compiled under target("avx2,fma") (fma_copy,
/// GRADAUDIT_FMA_COPY: flatten inlines the whole fast path into them, so std::fma is one
/// vfmsub), chosen per call when the CPU has AVX2 and FMA (scalar_fma: asked once). Both copies
/// form the same exact products (every product of the fast path is >= 2^-969 with factors
/// below 2^995, above); the FMA copy also takes shorter dependency chains where an fma allows
/// (exp_fast_fused, div_fast, x_minus_log1p_fused: Estrin's scheme for the series, remainders
/// and low parts by fmas, proved in their comments; σ 14.5 -> 10.9 ns, log σ 26.0 -> 23.7 ns
/// per call), so its dd values differ from the portable copy's in the low bits. The
/// results do not: each copy keeps a value only when its rounding test proves it the correctly
/// rounded one, RN(exact), which is also what the full path returns there (see tanh), and
/// everything past the fast path is one out-of-line function (GRADAUDIT_FULL_PATH) that both
/// call, so nothing outside the fast path is compiled with FMA available (see detail::opaque
/// for what GCC may fuse there). kernels_portable_test.cpp (ScalarCopiesGiveTheSameBits,
/// SameBitsOnEveryTarget with either copy) checks the bits.
/// Elsewhere (aarch64, -march=native) there is one copy, with FMA.
#if defined(__GNUC__) && defined(__x86_64__) && !GRADAUDIT_HAS_FMA
#define GRADAUDIT_SCALAR_FMA_COPY 1
#define GRADAUDIT_FMA_COPY __attribute__((target("avx2,fma"), flatten))
#else
#define GRADAUDIT_SCALAR_FMA_COPY 0
#endif
#if defined(__GNUC__)
#define GRADAUDIT_FULL_PATH __attribute__((noinline))
#else
#define GRADAUDIT_FULL_PATH
#endif

/// Test hook: while set, the scalar kernels take the compile-time copy of the fast path even on
/// a CPU that runs the FMA copy (kernels_portable_test.cpp computes everything both ways).
inline std::atomic<bool>& force_portable_scalar() {
  static std::atomic<bool> yes{false};
  return yes;
}

#if GRADAUDIT_SCALAR_FMA_COPY
/// Whether this CPU runs the FMA copy of the scalar fast path (asked once), and the test hook
/// does not forbid it.
inline bool scalar_fma() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes && !force_portable_scalar().load(std::memory_order_relaxed);
}

/// The FMA copy of a kernel: `copy` is a lambda `[]<bool Fma>(args…)` over a `*_copy<Fma>`
/// function; this instantiation is compiled under target("avx2,fma") with its callees inlined.
template <class Copy, class... Args>
GRADAUDIT_FMA_COPY double fma_copy(Copy copy, Args... args) {
  return copy.template operator()<true>(args...);
}
#endif

/// A kernel by the FMA copy of its fast path where the CPU has AVX2 and FMA, else by the
/// compile-time copy (GRADAUDIT_SCALAR_FMA_COPY); the same bits either way.
template <class Copy, class... Args>
inline double by_copy(Copy copy, Args... args) {
#if GRADAUDIT_SCALAR_FMA_COPY
  if (scalar_fma()) return fma_copy(copy, args...);
#endif
  return copy.template operator()<GRADAUDIT_HAS_FMA>(args...);
}

/// 1 + e for a dd e in [0, 1] (exp_fast's result): fast_two_sum(1, e.hi) is exact (1 >= e.hi),
/// adding e.lo rounds a term below 2u: relative error < 2^-105.
template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd one_plus(dd e) {
  const dd s = fast_two_sum<Fma>(1.0, e.hi);
  return {s.hi, s.lo + e.lo};
}

/// σ(x) as dd for |x| <= fast_cut from exp_fast: e/(1 + e) or 1/(1 + e) with the same computed
/// e in numerator and denominator, so the exp error enters with σ's relative sensitivity to e,
/// <= 1; one_plus 2^-105, the division (div_fast) 37u²: relative error < 2^-65.9 (< 2^-67 with
/// FMA, whose exp_fast keeps 2^-67.05).
template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd sigmoid_fast_dd(double x) {
  const dd e = exp_fast<Fma>(-std::abs(x));
  return div_fast<Fma>(x >= 0 ? dd{1, 0} : e, one_plus<Fma>(e));
}

/// σ'(x) = e/(1 + e)² as dd for a = |x| <= fast_cut from exp_fast: exp error with
/// sensitivity |1 - 2σ(a)| <= 1, one_plus 2^-105, mul 7u², div_fast 37u²: < 2^-65.9 (< 2^-67
/// with FMA).
template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd sigmoid_grad_fast_dd(double a) {
  const dd e = exp_fast<Fma>(-a);
  const dd d = one_plus<Fma>(e);
  return div_fast<Fma>(e, mul<Fma>(d, d));
}

/// log σ(x) = min(x, 0) - log1p(e^{-|x|}) as dd for |x| <= fast_cut from exp_fast. Without
/// FMA: log1p_dd of e (log1p's sensitivity to a relative change of e is e/((1 + e)·log1p(e)) <=
/// 1): 2^-66 + 2^-66.5 < 2^-65.2, negated, or added to x (terms of one sign: 3u² more). With
/// FMA, in one sum (x_minus_log1p_fused): 2^-67.05 + 2^-66.7 < 2^-65.8 (the sum's terms are of
/// one sign but for a smaller one, so e's error enters |W| with sensitivity <= 1 as well).
template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd log_sigmoid_fast_dd(double x) {
  const dd e = exp_fast<Fma>(-std::abs(x));
  if constexpr (Fma) {
    return x_minus_log1p_fused(std::min(x, 0.0), e);
  } else {
    const dd l = log1p_dd<false>(e);
    return x >= 0 ? negate(l) : add<false>(negate(l), x);
  }
}

/// σ(x) = 1/(1 + e^{-x}). Domain: all doubles; σ(+inf) = 1, σ(-inf) = 0, NaN -> NaN.
/// |x| <= fast_cut: sigmoid_fast_dd when Ziv's test passes. Otherwise:
/// x > 50: returns 1, exact: 1 - σ(x) < e^{-50} < 2^-72 is far below half the spacing
/// (2^-54) of the doubles under 1. x < -50: σ = e(1 - e + …) = e·(1 + δ) with |δ| < 2^-72, so
/// e itself (exp error) rounded once by round_scaled, subnormal results included (below
/// x ≈ -708.4; 0 below -745.2). Otherwise sigmoid_dd_core. Error <= 0.5 + 2^-11 ULP.
GRADAUDIT_FULL_PATH inline double sigmoid_full(double x) {
  if (std::isnan(x)) return x;
  if (x > tail_cut) return 1;
  if (x < -tail_cut) return round_scaled(exp_scaled(x));
  return round(sigmoid_dd_core(x));
}

/// σ(x) by one copy of the fast path (Fma: its exact products), then sigmoid_full.
template <bool Fma>
inline double sigmoid_copy(double x) {
  if (std::abs(x) <= fast_cut) {  // false for NaN
    const dd fast = sigmoid_fast_dd<Fma>(x);
    if (rounds_to_hi<fast_margin>(fast)) return fast.hi;
  }
  return sigmoid_full(x);
}

/// sigmoid as documented at sigmoid_full, by_copy.
inline double sigmoid(double x) {
  return by_copy([]<bool Fma>(double v) { return sigmoid_copy<Fma>(v); }, x);
}

/// 2^s·σ'(x) = 2^s·e/(1 + e)², e = e^{-|x|}, s in {0, 2} (tanh' = 4σ'(2x) shares it).
/// |x| <= fast_cut: sigmoid_grad_fast_dd when Ziv's test passes (the scaling by 2^s is exact:
/// the result is >= 2^-435). Otherwise:
/// |x| > 50: σ' = e(1 - 2e + …) = e(1 + δ), |δ| < 2^-71: e rounded once (round_scaled, exact
/// scaling by 2^s folded into the exponent). Else e/((1 + e)(1 + e)) in dd from exp_dd: exp
/// error (sensitivity |1 - 2σ(|x|)| <= 1) + 2u² + 7u² + 16u² < 2^-76. Error <= 0.5 + 2^-11 ULP.
GRADAUDIT_FULL_PATH inline double scaled_sigmoid_grad_full(double x, int s) {
  const double a = std::abs(x);
  if (std::isnan(x)) return x;
  if (a > tail_cut) {
    scaled_dd e = exp_scaled(-a);
    e.m += s;
    return round_scaled(e);
  }
  const dd e = exp_dd(-a);
  const dd d = add(e, 1.0);
  const dd q = div(e, mul(d, d));
  return s == 0 ? round(q) : round(q) * exp2i(s);  // exact: q >= e^-50/4 is far from underflow
}

/// 2^s·σ'(x) by one copy of the fast path, then scaled_sigmoid_grad_full.
template <bool Fma>
inline double scaled_sigmoid_grad_copy(double x, int s) {
  const double a = std::abs(x);
  if (a <= fast_cut) {  // false for NaN
    const dd fast = sigmoid_grad_fast_dd<Fma>(a);
    if (rounds_to_hi<fast_margin>(fast)) return s == 0 ? fast.hi : fast.hi * exp2i(s);
  }
  return scaled_sigmoid_grad_full(x, s);
}

/// scaled_sigmoid_grad as documented at scaled_sigmoid_grad_full, by_copy.
inline double scaled_sigmoid_grad(double x, int s) {
  return by_copy([]<bool Fma>(double v, int t) { return scaled_sigmoid_grad_copy<Fma>(v, t); }, x,
                 s);
}

/// σ'(x) = σ(x)(1 - σ(x)) = e^{-|x|}/(1 + e^{-|x|})², even in x; σ'(±inf) = 0; NaN -> NaN.
/// Error <= 0.5 + 2^-11 ULP for every double (subnormal results included).
inline double sigmoid_grad(double x) { return scaled_sigmoid_grad(x, 0); }

/// log(1 + e^{-|x|}) as dd for |x| <= 700 (log1p error + exp error: < 2^-66.4).
inline dd log1p_exp_neg_abs(double x) { return log1p_dd(exp_dd(-std::abs(x))); }

/// log σ(x) = -log1p(e^{-x}) (x >= 0) and x - log1p(e^{x}) (x < 0): both terms of the
/// second form are <= 0, so the dd sum has no cancellation (relative error <= the larger
/// relative error of its terms, + 3u²). |x| <= fast_cut: log_sigmoid_fast_dd when Ziv's test
/// passes. Otherwise from exp_dd: < 2^-66.3. x > 50: -log1p(e) = -e(1 - e/2 + …),
/// |δ| < 2^-73: -e rounded once (subnormal results for x > 708.4). x < -50: log1p(e^x) <
/// e^-50 < 2^-72 is below half an ULP of x (>= 2^-48) and never moves the rounding: x.
/// log σ(+inf) = -0, log σ(-inf) = -inf, NaN -> NaN. Error <= 0.5 + 2^-11 ULP.
GRADAUDIT_FULL_PATH inline double log_sigmoid_full(double x) {
  if (std::isnan(x)) return x;
  if (x > tail_cut) return -round_scaled(exp_scaled(-x));
  if (x < -tail_cut) return x;
  const dd l = log1p_exp_neg_abs(x);
  if (x >= 0) return -round(l);
  return round(add(negate(l), x));
}

/// log σ(x) by one copy of the fast path, then log_sigmoid_full.
template <bool Fma>
inline double log_sigmoid_copy(double x) {
  if (std::abs(x) <= fast_cut) {  // false for NaN
    const dd fast = log_sigmoid_fast_dd<Fma>(x);
    if (rounds_to_hi<fast_margin>(fast)) return fast.hi;
  }
  return log_sigmoid_full(x);
}

/// log_sigmoid as documented at log_sigmoid_full, by_copy.
inline double log_sigmoid(double x) {
  return by_copy([]<bool Fma>(double v) { return log_sigmoid_copy<Fma>(v); }, x);
}

/// softplus(t) = log(1 + e^t) = -log σ(-t) >= 0; as log_sigmoid.
inline double softplus(double t) { return -log_sigmoid(-t); }

/// The exp path of tanh covers tanh_fast_low <= |x| <= fast_cut/2 (tanh_fast_dd); below it
/// 1 - e^{-2|x|} cancels too much, and tanh_small_dd takes over.
inline constexpr double tanh_fast_low = 0x1p-4;

/// tanh a = (1 - e)/(1 + e), e = e^{-2a}, as dd for tanh_fast_low <= a <= fast_cut/2, from
/// exp_fast (2a is exact): e = ε·(1 + δ), |δ| < 2^-66. 1 - e: two_sum(1, -e.hi) is exact and
/// adding -e.lo rounds once, an absolute error <= u·(u(1 - e) + u·e) = u² against 1 - e >=
/// 1 - e^{-1/8} > 2^-3.1: relative < 2^-102.9; one_plus 2^-105; div_fast 37u² < 2^-100.7. δ enters
/// with tanh's relative sensitivity to a relative change of e, 2e/(1 - e²) = 1/sinh(2a) <=
/// 1/sinh(1/8) < 7.98 (first order; the exact factor is that times (1 + 2^-65)): < 2^-63.0.
/// In all < 2^-63.0 + 2^-100 < 2^-62.9, inside rounds_to_hi's margin (it needs < 2^-62: the
/// margin b·2^-61 with b > |hi|/2); at a = 1/32 the sensitivity would be 16, 2^-62 itself, hence
/// the cut at 1/16. Range facts as fast_cut's: e >= 2^-433; the exact products are exp_fast's
/// and q·(1 + e) with q ≈ tanh a >= 2^-4.1; the result is in [2^-4.1, 1].
template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd tanh_fast_dd(double a) {
  const dd e = exp_fast<Fma>(-2 * a);
  return div_fast<Fma>(add<Fma>(negate(e), 1.0), one_plus<Fma>(e));
}

/// Below tanh_fast_low, down to tanh_small_low, tanh comes first from its series (tanh_small_dd).
inline constexpr double tanh_small_low = 0x1p-28;

/// -1/3 in dd, and R's coefficients 2/15, -17/315, … (the lanes' tanh_small uses the same).
inline constexpr dd tanh_minus_third{-0x1.5555555555555p-2, -0x1.5555555555555p-56};
inline constexpr double tanh_series[6] = {0x1.1111111111111p-3, -0x1.ba1ba1ba1ba1cp-5,
                                          0x1.664f4882c10fap-6, -0x1.226e355e6c23dp-7,
                                          0x1.d6d3d0e157de0p-9, -0x1.7da36452b75e3p-10};

/// tanh a = a + a·c(s), s = a², c(s) = -s/3 + s²·R(s), as dd for 2^-28 <= a < 1/16 (s < 2^-8),
/// with R(s) = 2/15 - 17/315 s + 62/2835 s² - 1382/155925 s³ + 21844/6081075 s⁴ -
/// 929569/638512875 s⁵ (Taylor; the coefficients alternate and shrink by ~4/π² each, so the
/// first dropped term bounds the tail: 6404582/10854718875 s⁸ < 2^-10.7·2^-64 = 2^-74.7
/// relative). s = a² exactly (two_product). r = RN(s.hi·R(s.hi)) by Horner: |r| < 2^-10.9; its
/// error (s.lo dropped u, the coefficients' and Horner's roundings ~2.1u, the product u) is
/// < 5u·|r| < 2^-61.6 absolute. A = -1/3 + r in dd (1/3 = T_hi + T_lo to 2^-110; add's 2u²):
/// |A| > 0.332, relative error < 2^-60.0. c = s·A (mul, 7u²) has that relative error too, and
/// |c| < 2^-9.6, so a·c (mul, 7u²) carries < 2^-69.6·a; the final sum a + a·c (add, 2u²) is
/// >= 0.998a: relative error < 2^-74.7 + 2^-69.5 + 2^-100 < 2^-69.4. Every exact product is
/// >= 2^-86 (a·c at a = 2^-28) and the result >= 2^-28.
template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd tanh_small_dd(double a) {
  const dd s = two_product<Fma>(a, a);
  const double h = s.hi;
  const auto& k = tanh_series;
  const double r = h * (k[0] + h * (k[1] + h * (k[2] + h * (k[3] + h * (k[4] + h * k[5])))));
  const dd c = mul<Fma>(s, add<Fma>(tanh_minus_third, r));
  return add<Fma>(mul<Fma>(c, dd{a, 0}), a);
}

/// tanh x. |x| > 20: ±1 (below). tanh_fast_low <= |x| <= 20: ±tanh_fast_dd(|x|),
/// tanh_small_low <= |x| < tanh_fast_low: ±tanh_small_dd(|x|), each when Ziv's test passes
/// (about 255 inputs in 256; the negation is exact). Otherwise:
/// tanh x = sign(x)·(-m)/(2 + m), m = expm1(-2|x|) in dd (< 2^-68, expm1_dd; -2|x| is exact
/// below |x| = 2^1022). The quotient: 2u² + 16u² more. |x| > 20: 1 - tanh|x| < 2e^{-40} <
/// 2^-56 is below half the spacing under 1: ±1 exactly. |x| < 2^-28: tanh x = x(1 - x²/3 + …)
/// with x²/3 < 2^-57.5, below half the spacing under |x| (2^-54 relative at worst): x.
/// tanh(±inf) = ±1, tanh(±0) = ±0, NaN -> NaN. Error <= 0.5 + 2^-11 ULP. The fast path returns
/// what the full path returned before it: it keeps a value only when the exact tanh is more
/// than b·2^-62 from a rounding boundary, and the full path's dd (< 2^-64 relative, < b·2^-63
/// absolute) then rounds to the same double.
GRADAUDIT_FULL_PATH inline double tanh_full(double x) {
  const double a = std::abs(x);
  if (std::isnan(x)) return x;
  if (a < 0x1p-28) return x;
  const dd m = expm1_dd(-2 * a);
  return std::copysign(round(div(negate(m), add(m, 2.0))), x);
}

/// tanh x by one copy of the fast path, then tanh_full.
template <bool Fma>
inline double tanh_copy(double x) {
  const double a = std::abs(x);
  if (a > 20) return std::copysign(1.0, x);  // first: the lanes' accepted values there are ±1 too
  if (a >= tanh_small_low) {                 // false for NaN
    const dd fast = a >= tanh_fast_low ? tanh_fast_dd<Fma>(a) : tanh_small_dd<Fma>(a);
    if (rounds_to_hi(fast)) return std::copysign(fast.hi, x);
  }
  return tanh_full(x);
}

/// tanh as documented at tanh_full, by_copy.
inline double tanh(double x) {
  return by_copy([]<bool Fma>(double v) { return tanh_copy<Fma>(v); }, x);
}

/// tanh'(x) = 1 - tanh²x = 4σ'(2x) (2x exact; ±inf past |x| = 2^1023, where the result 0 is
/// right). tanh'(±inf) = 0; NaN -> NaN. Error <= 0.5 + 2^-11 ULP (as scaled_sigmoid_grad).
inline double tanh_grad(double x) { return scaled_sigmoid_grad(2 * x, 2); }

/// 1 - y as an exact dd (two_sum), for soft targets.
inline dd one_minus(double y) { return two_sum(1.0, -y); }

/// bce on a logit, y·softplus(-z) + (1 - y)·softplus(z) (PyTorch's BCEWithLogits).
/// y = 1: softplus(-z); y = 0: softplus(z) (the 1-ULP kernels above; z = ±inf gives 0 or
/// +inf, never 0·inf). Soft y: with L = log1p(e^{-|z|}) (dd, < 2^-66.4), softplus(±z) =
/// max(±z, 0) + L are sums of non-negative terms, weighted by y and the exact 1 - y; every
/// term is >= 0, so the relative error is the largest term's, < 2^-66.3 + 10u². z = ±inf
/// with soft y: +inf. Soft y needs min(y, 1 - y) >= 2^-900 for the dd products (and L is
/// dropped past |z| = 700): bce_with_logits in scaled_terms.hpp takes the rest.
/// Error <= 0.5 + 2^-11 ULP where it applies.
inline double bce_with_logits_dd(double z, double y) {
  if (std::isnan(z) || std::isnan(y)) return z + y;
  if (y == 1) return softplus(-z);
  if (y == 0) return softplus(z);
  if (std::isinf(z)) return inf;
  // |z| > 2^500: L < e^{-2^500} is nothing, and the result is one product y·(-z) or
  // (1 - y)·z, correctly rounded (and no dd split of a huge value: Veltkamp's needs < 2^996).
  if (z < -0x1p500) return y * -z;
  if (z > 0x1p500) return round(mul(one_minus(y), z * 0x1p-600)) * 0x1p600;  // exact scalings
  const dd l =
      std::abs(z) > 700 ? dd{0, 0} : log1p_exp_neg_abs(z);  // L < 2^-1009: below every ULP of y|z|
  const dd s_minus = add(l, std::max(-z, 0.0)), s_plus = add(l, std::max(z, 0.0));
  return round(add(mul(s_minus, y), mul(s_plus, one_minus(y))));
}

/// σ(z) as dd for z >= -700 (for the soft-target gradient), relative error < 2^-76:
/// sigmoid_dd_core for z <= 50 (e/(1 + e) keeps the e² term that e·(1 - RN(e)) would drop:
/// RN(1 - e) = 1 below z = -37); 1 - e (dd; the exp error is relative to e < 2^-72) for
/// z > 50. Below z ≈ -671 (σ < 2^-969) the dd low parts are subnormal: an absolute error
/// < 2^-1070 more.
inline dd sigmoid_dd(double z) {
  if (z <= tail_cut) return sigmoid_dd_core(z);
  return add(negate(to_dd(exp_scaled(-z))), 1.0);  // to_dd: z may exceed 700
}

/// σ(z) - 1/2 = tanh(z/2)/2 as dd, to full relative accuracy for |z| <= ln 3 (σ(z) itself
/// would lose z/4 against 1/2 for tiny z): tanh(a/2) = -m/(2 + m), m = expm1(-a) in dd
/// (< 2^-68; < 2^-76 for |z| <= ln2/256, where expm1_dd is expm1_reduced itself), the
/// quotient 18u² more (< 2^-75.9 in all for |z| <= 2^-9); halving is exact. |z| < 2^-40: z/4
/// (tanh(z/2)/2 = z/4·(1 - z²/12 + …), the dropped term below 2^-83.5 relative; z/4 is exact
/// unless it is subnormal, where it is rounded once).
inline dd half_tanh_half(double z) {
  const double a = std::abs(z);
  if (a < 0x1p-40) return {z * 0.25, 0};
  const dd m = expm1_dd(-a);
  const dd t = div(negate(m), add(m, 2.0));
  const double h = std::copysign(0.5, z);
  return {t.hi * h, t.lo * h};
}

/// σ(z) - y for a soft target y in (0, 1) and a non-NaN z, from the dd kernels, when they
/// decide it within 0.5 + 2^-11 ULP; std::nullopt near the root (σ(z) ≈ y), where no fixed
/// working precision can (see bce_with_logits_grad in detail/sigmoid_minus_target.hpp, which
/// completes it). Cases:
///  - y = 1/2, |z| <= ln 3: tanh(z/2)/2 in dd (relative error < 2^-67.9, half_tanh_half),
///    rounded once: no subtraction at all.
///  - z < -700: σ(z) < 2^-1009. For y >= 2^-950 the doubles next to -y are >= 2^-1004 away
///    (ulp(y)/2 even at a power of 2), so RN(σ(z) - y) = -y exactly. Smaller y: nullopt.
///  - z > 700: σ(z) - y = (1 - y) - e^{-z} with 1 - y >= 2^-53 exact in dd (two_sum) and
///    0 < e^{-z} < 2^-1009: RN(1 - y) is within 0.5 ULP + 2^-1009/2^-106 ULP.
///  - otherwise S - w in dd, where either S = tanh(z/2)/2 and w = y - 1/2 (|z| < 2^-9, so that
///    σ(z) - 1/2 keeps its relative accuracy for tiny z) or S = σ(z) and w = y (sigmoid_dd);
///    w is exact (two_sum), S has relative error < 2^-75.9 and (only for σ(z) < 2^-969, whose
///    dd low parts are subnormal) absolute error < 2^-1070, and the dd sum adds 2u²·|r|:
///        E <= 2^-75.9·|S| + 2^-1070 + 2^-105·|r|.
///    Accepted when |r.hi| >= 2^-10·|S.hi| and |r.hi| >= 2^-1000: then E < (2^-65.9 + 2^-70 +
///    2^-104)·|r.hi|·(1 + 2^-52) < 2^-65.8·|r.hi|, and the result, a normal double with
///    ulp > 2^-53·|r.hi|·(1 - 2^-52), is within 0.5 + 2^-12.7 ULP. Otherwise nullopt (the
///    cancellation is more than 10 bits, or the result is within 2^-1000 of 0).
/// z = ±inf: 1 - y, -y (exact dd, rounded once).
inline std::optional<double> sigmoid_minus_target_dd(double z, double y) {
  const double a = std::abs(z);
  if (y == 0.5 && a <= 0x1.193ea7aad030bp+0) return round(half_tanh_half(z));  // ln 3
  if (z < -700) {
    if (y >= 0x1p-950) return -y;
    return std::nullopt;
  }
  if (z > 700) return round(one_minus(y));
  const bool near_zero = a < 0x1p-9;
  const dd s = near_zero ? half_tanh_half(z) : sigmoid_dd(z);
  const dd r = near_zero ? add(s, negate(two_sum(y, -0.5))) : add(s, -y);
  if (std::abs(r.hi) >= 0x1p-10 * std::abs(s.hi) && std::abs(r.hi) >= 0x1p-1000) return round(r);
  return std::nullopt;
}

/// log(1 - p) for p in [0, 1), as dd: log1p(-p) for p <= 1/2 (log1p error); log(1 - p) with
/// 1 - p exact (Sterbenz) for p > 1/2 (log error).
inline dd log1m_dd(double p) {
  if (p <= 0.5) return log1p_dd({-p, 0});
  return log_dd(1 - p);
}

/// bce(ŷ, y) = -(y log ŷ + (1 - y) log(1 - ŷ)), terms with a zero coefficient dropped.
/// Both terms are >= 0: relative error <= the larger of the logs' (2^-66) + 10u².
/// bce(0, y > 0) = bce(1, y < 1) = +inf. Soft y needs min(y, 1 - y) >= 2^-900.
/// Error <= 0.5 + 2^-11 ULP. (Domain checks are the caller's.)
inline double bce(double yhat, double y) {
  if (std::isnan(yhat) || std::isnan(y)) return yhat + y;
  if ((y != 0 && yhat == 0) || (y != 1 && yhat == 1)) return inf;
  if (y == 1) return -round(log_dd(yhat));
  if (y == 0) return -round(log1m_dd(yhat));
  return -round(add(mul(log_dd(yhat), y), mul(log1m_dd(yhat), one_minus(y))));
}

/// ∂bce/∂ŷ = (ŷ - y)/(ŷ(1 - ŷ)).
/// y = 1: -1/ŷ (one IEEE division: correctly rounded). y = 0: 1/(1 - ŷ) with 1 - ŷ exact in dd
/// (16u²). Soft y: ŷ - y is exact in dd (two_sum; near the root it is even exact in double,
/// Sterbenz), ŷ(1 - ŷ) in dd (2u² + 2u²), one dd division: < 2^-100 relative, whatever how
/// close ŷ is to y: the 1-ULP bound holds at the root too. ŷ < 2^-900: the factor
/// 1/(1 - ŷ) = 1 + O(2^-900) is dropped. At ŷ = 0: -inf (y > 0) or 1 (y = 0); at ŷ = 1: +inf
/// (y < 1) or -1 (y = 1). Every soft y, subnormal ones included. Error <= 0.5 + 2^-11 ULP.
inline double bce_grad(double yhat, double y) {
  if (std::isnan(yhat) || std::isnan(y)) return yhat + y;
  if (y == 1) return -1 / yhat;
  if (y == 0) return yhat == 1 ? inf : round(div({1, 0}, one_minus(yhat)));
  if (yhat == 0) return -inf;
  if (yhat == 1) return inf;
  const dd num = two_sum(yhat, -y);
  if (yhat < 0x1p-900) {
    // (ŷ - y)/ŷ. Near the root (|ŷ - y| < 2^-400, so y < 2^-399 too) numerator and
    // denominator are both scaled by 2^600 (exact; the quotient is unchanged and its dd
    // products stay above 2^-969, where they are exact: |ŷ - y| >= 2^-1074). Otherwise the
    // denominator alone is scaled by 2^200 (exact) so that the quotient stays below 2^875
    // (dd splits need < 2^996); the rounded quotient is scaled back exactly, or overflows to
    // ±inf when the true value does.
    if (std::abs(num.hi) < 0x1p-400)
      return round(div({num.hi * 0x1p600, num.lo * 0x1p600}, {yhat * 0x1p600, 0}));
    return round(div(num, {yhat * 0x1p200, 0})) * 0x1p200;
  }
  return round(div(num, mul(one_minus(yhat), yhat)));
}

/// (y - ŷ)² with y - ŷ exact in dd and squared in dd (7u²): error <= 0.5 + 2^-11 ULP while the
/// square is >= 2^-969 and finite (+inf exactly when the true value overflows).
inline double mse(double yhat, double y) {
  const dd d = two_sum(y, -yhat);
  const double p = d.hi * d.hi;
  if (!std::isfinite(p)) return p;  // overflow, or an infinite input (whose split is NaN)
  if (p < 0x1p-960) return p + 2 * d.hi * d.lo;
  return round(mul(d, d));
}

/// 2(ŷ - y): RN(ŷ - y) doubled exactly, i.e. correctly rounded.
inline double mse_grad(double yhat, double y) { return 2 * (yhat - y); }

}  // namespace gradaudit::detail::dbl
