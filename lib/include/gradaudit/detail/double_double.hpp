#pragma once
/// \file double_double.hpp
/// Error-free transformations and double-double ("dd") arithmetic: the working precision of
/// gradaudit's `double` kernels (it replaces x86-64's 80-bit long double, so the kernels run
/// on any IEEE-754 machine and give the same bits everywhere).
///
/// Notation: u = 2^-53 (unit roundoff of double), RN = round to nearest even. A dd value is
/// an unevaluated sum hi + lo with |lo| <= ulp(hi)/2 after normalisation (107 bits).
///
/// Portability. Every function here is a fixed sequence of IEEE operations (+, -, ×, /, and
/// an exact product), compiled with -ffp-contract=off, so results are bitwise the same on
/// every conforming target. The exact product uses a hardware FMA when the target is known
/// to have one (GRADAUDIT_HAS_FMA) and Veltkamp/Dekker splitting otherwise; both return the
/// exact product a·b = p + e, so the choice never changes a result (only speed: std::fma
/// without hardware FMA is a libm software routine, ~10x slower than splitting, measured).
///
/// Two copies. The functions that form or add exact products take a template argument Fma
/// (default GRADAUDIT_HAS_FMA): Fma = true uses std::fma, Fma = false Veltkamp's split. On an
/// x86-64 baseline build (no FMA at compile time) the scalar kernels' fast path is instantiated
/// both ways, the Fma = true copy inlined into functions compiled under target("avx2,fma") (where
/// std::fma is one vfmsub instruction) and chosen at run time on a CPU that has FMA
/// (logistic.hpp, scalar_fma); a call that uses the default gets the compile-time choice. The
/// Fma = true copy of exp_fast and log1p_dd (exp_log.hpp) also fuses its series' Horner steps.
///
/// Range: the transformations are exact unless an intermediate overflows, or (for
/// two_product) the low part a·b - RN(a·b) falls below 2^-1022 (|a·b| < 2^-969). The kernels
/// document where they stay inside that range.

#include <bit>
#include <cmath>
#include <cstdint>

#if defined(__FMA__) || defined(__aarch64__) || defined(__ARM_FEATURE_FMA) || \
    defined(__powerpc64__) || defined(__riscv_fdiv) || defined(__s390x__)
#define GRADAUDIT_HAS_FMA 1
#else
#define GRADAUDIT_HAS_FMA 0
#endif

namespace gradaudit::detail {

/// A double-double number hi + lo.
struct dd {
  double hi = 0;
  double lo = 0;
};

/// x itself, made opaque to the optimiser (an empty asm that "may change" the register).
///
/// Why: GCC 12 at -O3 with FMA (-march=native) SLP-vectorises the two halves of a
/// fast_two_sum whose operand is a product — s = a + b·c and e = b·c - (s - a) — into one
/// vfmsubadd and so fuses the product into both lanes, although -ffp-contract=off: the
/// error-free transformation is then no longer exact (detail::div was one ULP off in hi:
/// lib/test/kernels_portable_test.cpp, DivisionIsNotFused). Passing the operands of the sums
/// through opaque() makes each a value the vectoriser cannot see as a product, so nothing is
/// fused. It costs no instruction but constrains the optimiser, so it is only there in the
/// Fma = true copy (the default where the target has FMA, GRADAUDIT_HAS_FMA; the run-time FMA
/// copy of an x86-64 baseline build): without FMA nothing can be fused, and the portable copy
/// compiles to the same code as before. Compilers without
/// GNU asm get x unchanged (they must honour -ffp-contract=off, as MSVC's /fp:precise does).
template <bool Fma = GRADAUDIT_HAS_FMA>
inline double opaque(double x) {
  if constexpr (Fma) {
#if defined(__GNUC__) && defined(__x86_64__)
    __asm__("" : "+x"(x));
#elif defined(__GNUC__) && defined(__aarch64__)
    __asm__("" : "+w"(x));
#endif
  }
  return x;
}

/// s + e = a + b exactly, s = RN(a + b), for any finite a, b (Knuth's TwoSum, 6 flops).
template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd two_sum(double a, double b) {
  a = opaque<Fma>(a);
  b = opaque<Fma>(b);
  const double s = a + b;
  const double bb = s - a;
  const double e = (a - (s - bb)) + (b - bb);
  return {s, e};
}

/// s + e = a + b exactly, s = RN(a + b), provided a == 0 or |a| >= |b| (Dekker, 3 flops).
template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd fast_two_sum(double a, double b) {
  a = opaque<Fma>(a);
  b = opaque<Fma>(b);
  const double s = a + b;
  return {s, b - (s - a)};
}

/// a = h + l with h holding the high 26 bits (Veltkamp's split by 2^27 + 1); exact for
/// |a| < 2^996.
inline dd veltkamp_split(double a) {
  const double c = 0x1.0000002p+27 * a;  // (2^27 + 1)·a
  const double h = c - (c - a);
  return {h, a - h};
}

/// p + e = a·b exactly, p = RN(a·b) (|a·b| >= 2^-969, no overflow). Fma: e = fma(a, b, -p).
/// Otherwise Dekker's product of the Veltkamp halves, whose four partial products are exact (26 ×
/// 27 bits). (Outside that range the copies may differ: fma gives a NaN low part for an infinite
/// product, the split 0; only the default copy is used there.)
template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd two_product(double a, double b) {
  const double p = a * b;
  if constexpr (Fma) {
    return {p, std::fma(a, b, -p)};
  } else {
    // A zero or non-finite product needs no low part (a zero factor made 0·2e300 NaN through
    // the split, which overflows for |a| >= 2^996); a factor that large is scaled down by 2^60
    // first, which is exact, and so is scaling the low part back (FMA gives the same bits).
    if (p == 0 || !std::isfinite(p)) return {p, 0};
    if (std::abs(a) >= 0x1p995 || std::abs(b) >= 0x1p995) {
      const bool a_big = std::abs(a) >= std::abs(b);
      const dd s = two_product<false>(a_big ? a * 0x1p-60 : a, a_big ? b : b * 0x1p-60);
      return {p, s.lo * 0x1p60};
    }
    const dd x = veltkamp_split(a), y = veltkamp_split(b);
    const double e = ((x.hi * y.hi - p) + x.hi * y.lo + x.lo * y.hi) + x.lo * y.lo;
    return {p, e};
  }
}

/// a + b for dd a, b (the "sloppy" sum would lose digits on cancellation; this is the
/// accurate one: two two_sums). Relative error <= 3u^2 + 13u^3 whatever the signs (Joldes,
/// Muller, Popescu, ACM TOMS 44(2), 2017, "AccurateDWPlusDW"). Bounds below cite the same
/// paper (JMP); every kernel uses them only as "a few u^2" against a budget of 2^-64.
template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd add(dd a, dd b) {
  const dd s = two_sum<Fma>(a.hi, b.hi);
  const dd t = two_sum<Fma>(a.lo, b.lo);
  const dd u = fast_two_sum<Fma>(s.hi, s.lo + t.hi);
  return fast_two_sum<Fma>(u.hi, u.lo + t.lo);
}

/// a + b for dd a and double b; relative error <= 2u^2 (JMP, DWPlusFP).
template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd add(dd a, double b) {
  const dd s = two_sum<Fma>(a.hi, b);
  return fast_two_sum<Fma>(s.hi, s.lo + a.lo);
}

/// a·b for dd a and double b; relative error <= 2u^2 (JMP, DWTimesFP1: 1.5u^2 + 4u^3).
template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd mul(dd a, double b) {
  const dd p = two_product<Fma>(a.hi, b);
  return fast_two_sum<Fma>(p.hi, p.lo + a.lo * b);
}

/// a·b for dd a, b (lo·lo dropped); relative error <= 7u^2 (JMP, DWTimesDW1).
template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd mul(dd a, dd b) {
  const dd p = two_product<Fma>(a.hi, b.hi);
  return fast_two_sum<Fma>(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

/// a/b for dd a, b (b != 0, no overflow): one division. i = RN(1/b.hi), q = RN(a.hi·i)
/// (relative error <= 2u + u² against a.hi/b.hi), the remainder ρ = a - q·b formed with an
/// exact product (q·b.hi = p + e) and rounded once (|ρ| <= 3u|a|, its rounding u·3u|a|), then
/// q + ρ·i: ρ·i carries (1 + 2u)(1 + u) against ρ/b, i.e. <= 3u·3u|q| = 9u², plus the dropped
/// b.lo/b.hi second-order term (<= u·3u) and the final fast_two_sum: relative error < 16u²
/// (the same order as the two-division DWDivDW of JMP, 15u² + 56u³).
template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd div(dd a, dd b) {
  const double i = 1 / b.hi;
  const double q = a.hi * i;
  const dd p = two_product<Fma>(q, b.hi);
  const double r = ((a.hi - p.hi) - p.lo + a.lo) - q * b.lo;
  return fast_two_sum<Fma>(q, r * i);
}

/// a/b for dd a, b as div, with the remainder formed by two fused multiply-adds where Fma: the
/// fast paths' division (logistic.hpp; without FMA it is div). i = RN(1/b.hi), q = RN(a.hi·i),
/// ρ = RN(a.hi - q·b.hi) and τ = RN(q·b.lo - a.lo) (one fma each, side by side), then
/// q + RN(RN(ρ - τ)·i): two steps after q where div takes five. For |a.lo| <= 2u|a.hi| and
/// |b.lo| <= 2u|b.hi| (one_plus gives 2u): q = (a.hi/b.hi)(1 + δ1)(1 + δ2), so the exact
/// remainder a.hi - q·b.hi is below 2.01u|a.hi| (rounded: 2.01u²) and q·b.lo - a.lo below
/// 4.01u|a.hi| (rounded: 4.01u²); ρ - τ = a - q·b up to those, below 6.03u|a.hi| (rounded:
/// 6.03u²); times i, against (a - q·b)/b: (1 + δ1)(1 + δ4) and 1/b = (1/b.hi)(1 - b.lo/b.hi + …)
/// cost 6.03u·(2.01u + 2.01u) = 24.3u²; together 36.4u² of |a/b| (|a.hi/b.hi| <= |a/b|(1 + 4u)).
/// fast_two_sum(q, ·) is exact: relative error < 37u² < 2^-100.7.
template <bool Fma = GRADAUDIT_HAS_FMA>
inline dd div_fast(dd a, dd b) {
  if constexpr (Fma) {
    const double i = 1 / b.hi;
    const double q = a.hi * i;
    const double rho = std::fma(-q, b.hi, a.hi);
    const double tau = std::fma(q, b.lo, -a.lo);
    return fast_two_sum<true>(q, (rho - tau) * i);
  } else {
    return div<false>(a, b);
  }
}

/// RN(hi + lo): the double nearest the dd value (addition is correctly rounded).
inline double round(dd a) { return a.hi + a.lo; }

/// 2^-(M-1), from its exponent bits: rounds_to_hi<M>'s E is b times it (and so in the lanes'
/// test, logistic_lanes.hpp).
template <int M>
inline constexpr double rounding_margin = std::bit_cast<double>(std::uint64_t{1023 - (M - 1)}
                                                                << 52);

/// Ziv's rounding test with margin 2^-M: true when every real v with
/// |v - (a.hi + a.lo)| <= 2^-M·|a.hi| rounds to a.hi, for a normalised a (|a.lo| <= ulp(a.hi)/2)
/// with 2^-960 <= |a.hi| < inf; false otherwise (then the caller takes its slower, more
/// accurate path). 53 < M <= 900.
/// With 2^k <= |a.hi| < 2^(k+1) (b = 2^k, from the exponent bits): the neighbours of a.hi are
/// ulp = 2^(k-52) away, or 2^(k-53) below a power of 2; half of the nearer one is h = 2^(k-53)
/// (2^(k-54) at a power of 2). E = 2^-(M-1)·b > 2^-M·|a.hi| (exact scaling). If
/// RN(|a.lo| + E) < h then |a.lo| + E < h (RN is monotonic and h is a double), so v lies
/// strictly inside (a.hi - h, a.hi + h) and RN(v) = a.hi. A kernel whose dd result has relative
/// error ε <= 2^-(M+0.1) against v satisfies |v - (a.hi + a.lo)| <= ε|v| <= 2^-M·|a.hi| (|v| <=
/// |a.hi|·(1 + u)/(1 - ε)). The test fails for |a.lo| > h - E, a fraction of about
/// E/h = 2^(54-M) of the results (a.lo spread evenly): 2^-8 for M = 62, 2^-11 for M = 65.
template <int M = 62>
inline bool rounds_to_hi(dd a) {
  static_assert(M > 53 && M <= 900);
  constexpr double margin = rounding_margin<M>;
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(a.hi) & 0x7fffffffffffffffULL;
  const double b = std::bit_cast<double>(bits & 0x7ff0000000000000ULL);
  const double h = (bits & 0x000fffffffffffffULL) != 0 ? b * 0x1p-53 : b * 0x1p-54;
  return std::abs(a.lo) + b * margin < h;
}

inline dd negate(dd a) { return {-a.hi, -a.lo}; }

/// 2^n as a double, for -1022 <= n <= 1023 (built from its bits: no libm call).
inline double exp2i(int n) {
  return std::bit_cast<double>(static_cast<std::uint64_t>(n + 1023) << 52);
}

}  // namespace gradaudit::detail
