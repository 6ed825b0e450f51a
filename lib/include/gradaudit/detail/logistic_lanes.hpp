// detail/logistic_lanes.hpp: the lane functions of logistic_batch.hpp. No include guard: that
// header includes this file three times, once for the portable 2-lane copy and (x86-64) inside
// a target("avx2,fma") region for the 4-lane copy and an AVX-512 region for the 8-lane copy,
// with GRADAUDIT_LANES_NS naming the namespace and GRADAUDIT_LANES_FMA choosing the exact
// product (0: Veltkamp, 1: 256-bit vfmsub, 2: 512-bit vfmsub and the AVX-512 mask tests).
// Include logistic_batch.hpp, not this file.

namespace gradaudit::detail::lanes::GRADAUDIT_LANES_NS {

#define GRADAUDIT_LANE_INLINE [[gnu::always_inline]] inline

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

/// Exact product: a hardware FMA in the AVX2 and AVX-512 copies (p = RN(a·b), e = a·b - p rounded
/// once, which is exact), Veltkamp/Dekker elsewhere (detail::two_product without its range
/// branches: the callers' factors are below 2^995 and their products zero or above 2^-969). Both
/// give the exact a·b = p + e, so the same bits.
template <class V>
GRADAUDIT_LANE_INLINE vdd<V> two_product(const V& a, const V& b) {
  const V p = a * b;
#if GRADAUDIT_LANES_FMA == 2
  return {p, (V)_mm512_fmsub_pd((__m512d)a, (__m512d)b, (__m512d)p)};
#elif GRADAUDIT_LANES_FMA
  return {p, (V)_mm256_fmsub_pd((__m256d)a, (__m256d)b, (__m256d)p)};
#else
  const V ca = 0x1.0000002p+27 * a, cb = 0x1.0000002p+27 * b;
  const V ah = ca - (ca - a), bh = cb - (cb - b);
  const V al = a - ah, bl = b - bh;
  return {p, ((ah * bh - p) + ah * bl + al * bh) + al * bl};
#endif
}

#if GRADAUDIT_LANES_FMA
/// a·b + c rounded once (the AVX2 and AVX-512 copies).
template <class V>
GRADAUDIT_LANE_INLINE V fused(const V& a, const V& b, const V& c) {
#if GRADAUDIT_LANES_FMA == 2
  return (V)_mm512_fmadd_pd((__m512d)a, (__m512d)b, (__m512d)c);
#else
  return (V)_mm256_fmadd_pd((__m256d)a, (__m256d)b, (__m256d)c);
#endif
}

/// H(r) of exp_fast and P(v) of log1p by Estrin's scheme with fused steps: the steps of
/// exp_fast_series_estrin and log1p_series_estrin (detail/exp_log.hpp), which the scalar FMA
/// copy runs, within the bounds proved there. (Written here, not called from there: a function
/// compiled for the baseline cannot inline this copy's intrinsics.)
template <class V>
GRADAUDIT_LANE_INLINE V exp_series_estrin(const V& r, const V& r2) {
  const auto& c = exp_fast_coefficients;
  return fused(r2, fused(r2, fused(r, V{} + c[5], V{} + c[4]), fused(r, V{} + c[3], V{} + c[2])),
               fused(r, V{} + c[1], V{} + c[0]));
}
template <class V>
GRADAUDIT_LANE_INLINE V log1p_series_estrin(const V& v, const V& v2) {
  const auto& c = log1p_coefficients;
  return fused(v2 * v2, fused(v2, V{} + c[6], fused(v, V{} + c[5], V{} + c[4])),
               fused(v2, fused(v, V{} + c[3], V{} + c[2]), fused(v, V{} + c[1], V{} + c[0])));
}
#endif

/// detail::div_fast: the remainder by two fmas in the AVX2 and AVX-512 copies, detail::div's
/// steps in the portable one.
template <class V>
GRADAUDIT_LANE_INLINE vdd<V> div(const vdd<V>& a, const vdd<V>& b) {
  const V i = 1 / b.hi;
  const V q = a.hi * i;
#if GRADAUDIT_LANES_FMA
  const V rho = fused(-q, b.hi, a.hi);
  const V tau = fused(q, b.lo, -a.lo);
  return fast_two_sum(q, (rho - tau) * i);
#else
  const vdd<V> p = two_product(q, b.hi);
  const V r = ((a.hi - p.hi) - p.lo + a.lo) - q * b.lo;
  return fast_two_sum(q, r * i);
#endif
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

/// detail::exp_fast per lane, t in [-700, 0]: exp_fast_fused's steps in the AVX2 and AVX-512
/// copies, exp_fast_portable's in the portable one.
template <int N, class V = typename vec<N>::d, class I = typename vec<N>::i>
GRADAUDIT_LANE_INLINE vdd<V> exp_fast(const V& t) {
  constexpr double shift = 0x1.8p52;
  const V shifted = t * 0x1.71547652b82fep+7 + shift;
  const I k = (I)shifted - std::bit_cast<std::int64_t>(shift);
  const V kd = shifted - shift;
  const vdd<V> r = two_sum(t - kd * 0x1.62e42fef80000p-8, -(kd * 0x1.1cf79abc9e3b4p-43));
  const V rr = r.hi, rt = r.lo;
  const I j = k & 127;
  const V f = (V)(((k >> 7) + 1023) << 52);  // exp2i(floor(k/128))
#if GRADAUDIT_LANES_FMA
  const V th = gather<N, V>(tables::exp2_hi, j).v * f, tl = gather<N, V>(tables::exp2_lo, j).v * f;
  const V r2 = rr * rr;
  const V h = exp_series_estrin(rr, r2);
  const V q = rt + fused(r2, h, rr * rt);
  const vdd<V> p = two_product(th, rr);
  const vdd<V> s = fast_two_sum(th, p.hi);
  const V lo = (s.lo + p.lo) + fused(th, q, tl * (1.0 + rr));
  return fast_two_sum(s.hi, lo);
#else
  V h;
  exp_fast_series(rr, h);
  const V q = rt + (rr * rt + (rr * rr) * h);
  const V th = gather<N, V>(tables::exp2_hi, j).v, tl = gather<N, V>(tables::exp2_lo, j).v;
  const vdd<V> p = two_product(th, rr);
  const vdd<V> s = fast_two_sum(th, p.hi);
  const V lo = s.lo + (p.lo + (th * q + tl * (1.0 + rr)));
  const vdd<V> v = fast_two_sum(s.hi, lo);
  return {v.hi * f, v.lo * f};
#endif
}

/// detail::reduce_log1p per lane: v = c(1 + e) - 1 as dd, and the tables' index j + 128.
template <int N, class V = typename vec<N>::d, class I = typename vec<N>::i>
GRADAUDIT_LANE_INLINE vdd<V> reduce_log1p(const vdd<V>& e, I& idx) {
  constexpr double shift = 0x1.8p52;
  const V shifted = e.hi * 256 + shift;
  idx = (I)shifted - std::bit_cast<std::int64_t>(shift) + 128;
  const V c = gather<N, V>(tables::log_c, idx).v;
  const vdd<V> p = two_product(c, e.hi);
  const vdd<V> v0 = two_sum(c - 1.0, p.hi);
  return two_sum(v0.hi, v0.lo + (p.lo + c * e.lo));
}

#if !GRADAUDIT_LANES_FMA
/// detail::log1p_dd<false> per lane, for e.hi in [0, 1] (the portable copy's log σ).
template <int N, class V = typename vec<N>::d, class I = typename vec<N>::i>
GRADAUDIT_LANE_INLINE vdd<V> log1p(const vdd<V>& e) {
  I idx;
  const vdd<V> v = reduce_log1p<N>(e, idx);
  const V vh = v.hi, vl = v.lo;
  const vdd<V> sq = two_product(vh, vh);
  const vdd<V> a = two_sum(vh, -0.5 * sq.hi);
  V poly;
  log1p_series(vh, poly);
  const V lo = a.lo + ((vl - (0.5 * sq.lo + vh * vl)) + vh * sq.hi * poly);
  const vdd<V> l1 = fast_two_sum(a.hi, lo);
  const vdd<V> t{gather<N, V>(tables::log_hi, idx).v, gather<N, V>(tables::log_lo, idx).v};
  const vdd<V> sum = add(t, l1);
  const I zero = idx == 128;  // j == 0
  return {select<V>(zero, l1.hi, sum.hi).v, select<V>(zero, l1.lo, sum.lo).v};
}
#else
/// detail::x_minus_log1p_fused per lane: x0 - log1p(e) for x0 <= 0, e.hi in [0, 1].
template <int N, class V = typename vec<N>::d, class I = typename vec<N>::i>
GRADAUDIT_LANE_INLINE vdd<V> x_minus_log1p(const V& x0, const vdd<V>& e) {
  I idx;
  const vdd<V> v = reduce_log1p<N>(e, idx);
  const vdd<V> s1 = two_sum(x0, -gather<N, V>(tables::log_hi, idx).v);
  const V vh = v.hi, vl = v.lo;
  const vdd<V> sq = two_product(vh, vh);
  const vdd<V> a = two_sum(vh, -0.5 * sq.hi);
  const V poly = log1p_series_estrin(vh, sq.hi);
  const V lo = a.lo + fused(vh * sq.hi, poly, vl - (0.5 * sq.lo + vh * vl));
  const vdd<V> s2 = fast_two_sum(s1.hi, -a.hi);
  return fast_two_sum(s2.hi, s2.lo + (s1.lo - (gather<N, V>(tables::log_lo, idx).v + lo)));
}
#endif

/// rounds_to_hi<M> per lane, as a mask (M = dbl::fast_margin for σ, σ' and log σ, 62 for tanh,
/// as the scalar kernels).
template <int M, class V, class I>
GRADAUDIT_LANE_INLINE box<I> rounds_to_hi(const vdd<V>& a) {
  constexpr double margin = rounding_margin<M>;  // 2^-(M-1), as detail::rounds_to_hi
  const I bits = (I)a.hi & 0x7fffffffffffffffLL;
  const V b = (V)(bits & 0x7ff0000000000000LL);
  const V h = select<V>((bits & 0x000fffffffffffffLL) != 0, b * 0x1p-53, b * 0x1p-54).v;
  return {vabs<V, I>(a.lo).v + b * margin < h};
}

/// mask ? a : b for dd lanes.
template <class V, class I>
GRADAUDIT_LANE_INLINE vdd<V> pick(const I& mask, const vdd<V>& a, const vdd<V>& b) {
  return {select<V>(mask, a.hi, b.hi).v, select<V>(mask, a.lo, b.lo).v};
}

/// σ(x) from e = e^{-|x|} as sigmoid_fast_dd: (x >= 0 ? 1 : e)/(1 + e); pos = (x >= 0).
template <class V, class I>
GRADAUDIT_LANE_INLINE vdd<V> sigmoid_from(const I& pos, const vdd<V>& e) {
  const vdd<V> num{select<V>(pos, V{} + 1, e.hi).v, select<V>(pos, V{}, e.lo).v};
  return div(num, one_plus(e));
}

/// σ'(x) from e = e^{-|x|} as sigmoid_grad_fast_dd: e/((1 + e)(1 + e)).
template <class V>
GRADAUDIT_LANE_INLINE vdd<V> sigmoid_grad_from(const vdd<V>& e) {
  const vdd<V> d = one_plus(e);
  return div(e, mul(d, d));
}

/// tanh|x| from e = e^{-2|x|} as tanh_fast_dd: (1 - e)/(1 + e).
template <class V>
GRADAUDIT_LANE_INLINE vdd<V> tanh_from(const vdd<V>& e) {
  return div(add(vdd<V>{-e.hi, -e.lo}, V{} + 1.0), one_plus(e));
}

/// tanh a for 2^-28 <= a < 1/16 as tanh_small_dd: a + a·c, c = a²·(-1/3 + a²·R(a²)).
template <class V>
GRADAUDIT_LANE_INLINE vdd<V> tanh_small(const V& a) {
  const vdd<V> s = two_product(a, a);
  const V h = s.hi;
  const auto& k = dbl::tanh_series;
  const V r = h * (k[0] + h * (k[1] + h * (k[2] + h * (k[3] + h * (k[4] + h * k[5])))));
  const vdd<V> third{V{} + dbl::tanh_minus_third.hi, V{} + dbl::tanh_minus_third.lo};
  const vdd<V> c = mul(s, add(third, r));
  return add(mul(c, vdd<V>{a, V{}}), a);
}

/// |t| with the sign of x (tanh's odd symmetry; t >= 0).
template <class V, class I>
GRADAUDIT_LANE_INLINE box<V> with_sign_of(const V& t, const V& x) {
  return {(V)((I)t | ((I)x & (I{} + std::numeric_limits<std::int64_t>::min())))};
}

/// The argument of a fast-path kernel and e = exp_fast(-|arg|): ok is false where |arg| >
/// fast_cut or NaN (those lanes compute on 0 and are redone by the scalar kernel).
template <int N, class V = typename vec<N>::d, class I = typename vec<N>::i>
GRADAUDIT_LANE_INLINE vdd<V> exp_neg_abs(const V& arg, I& ok) {
  const V a = vabs<V, I>(arg).v;
  ok = a <= dbl::fast_cut;  // false for NaN
  return exp_fast<N>(-select<V>(ok, a, V{}).v);
}

/// log σ(arg) from e = e^{-|arg|}, as log_sigmoid_fast_dd (arg finite where ok).
template <int N, class V = typename vec<N>::d, class I = typename vec<N>::i>
GRADAUDIT_LANE_INLINE vdd<V> log_sigmoid_from(const V& arg, const vdd<V>& e, const I& ok) {
#if GRADAUDIT_LANES_FMA
  return x_minus_log1p<N>(select<V>(ok & (arg < 0), arg, V{}).v, e);
#else
  const vdd<V> l = log1p<N>(e);
  const vdd<V> neg{-l.hi, -l.lo};
  const vdd<V> shifted = add(neg, select<V>(ok, arg, V{}).v);
  return pick<V, I>(arg >= 0, neg, shifted);
#endif
}

/// Whether any lane of a mask is set (8 lanes: one vpmovq2m, where the lane loop compiled to a
/// chain of extracts and branches).
template <int N, class I>
GRADAUDIT_LANE_INLINE bool any_set(const I& m) {
#if GRADAUDIT_LANES_FMA == 2
  return _mm512_movepi64_mask((__m512i)m) != 0;
#else
  bool any = false;
  for (int l = 0; l < N; ++l) any = any || m[l] != 0;
  return any;
#endif
}

/// tanh(x) per lane as dbl::tanh's first try: tanh_fast_dd from e = e^{-2|x|} for |x| >= 1/16
/// (where ok_exp, i.e. |2x| <= fast_cut), tanh_small_dd for 2^-28 <= |x| < 1/16 (computed only
/// when some lane needs it); ok_t: which lanes that settles (the test passes).
template <int N, class V = typename vec<N>::d, class I = typename vec<N>::i>
GRADAUDIT_LANE_INLINE box<V> tanh_of(const V& x, const vdd<V>& e, const I& ok_exp, I& ok_t) {
  const V ax = vabs<V, I>(x).v;
  const I fast = ax >= dbl::tanh_fast_low;
  const I small = (ax < dbl::tanh_fast_low) & (ax >= dbl::tanh_small_low);  // false for NaN
  vdd<V> r = tanh_from(e);
  if (any_set<N>(small)) r = pick<V, I>(fast, r, tanh_small(ax));
  ok_t = ((ok_exp & fast) | small) & rounds_to_hi<62, V, I>(r).v;
  return with_sign_of<V, I>(r.hi, x);
}

/// The five fast-path kernels per lane: the candidate result and whether it is final.
template <fn F, int N, class V = typename vec<N>::d, class I = typename vec<N>::i>
GRADAUDIT_LANE_INLINE box<V> kernel(const V& x, I& ok) {
  constexpr bool doubled = F == fn::tanh_grad || F == fn::tanh;
  const V arg = doubled ? 2.0 * x : x;
  const vdd<V> e = exp_neg_abs<N>(arg, ok);
  vdd<V> r;
  if constexpr (F == fn::tanh) {
    return tanh_of<N>(x, e, ok, ok);
  } else if constexpr (F == fn::sigmoid) {
    r = sigmoid_from(arg >= 0, e);
  } else if constexpr (F == fn::log_sigmoid) {
    r = log_sigmoid_from<N>(arg, e, ok);
  } else {
    r = sigmoid_grad_from(e);
  }
  ok &= rounds_to_hi<dbl::fast_margin, V, I>(r).v;
  return {F == fn::tanh_grad ? r.hi * 4.0 : r.hi};
}

/// Whether every lane of a mask is set (as any_set).
template <int N, class I>
GRADAUDIT_LANE_INLINE bool all_set(const I& m) {
#if GRADAUDIT_LANES_FMA == 2
  return _mm512_movepi64_mask((__m512i)m) == 0xff;
#else
  bool all = true;
  for (int l = 0; l < N; ++l) all = all && m[l] != 0;
  return all;
#endif
}

/// σ(x) and σ'(x) per lane from one exp and one division, each with its own rounding test:
/// q = 1/(1 + e), σ(|x|) = q, σ(-|x|) = e·q, σ' = (e·q)·q (dd div and muls). These are not the
/// scalar kernels' operations (sigmoid_fast_dd divides e by 1 + e, sigmoid_grad_fast_dd by
/// (1 + e)²), yet the results are their bits. Each value has relative error < 2^-65.9: the
/// exp's 2^-66 enters σ(|x|) with sensitivity e/(1 + e) <= 1/2, σ(-|x|) with 1/(1 + e) <= 1
/// and σ' with (1 - e)/(1 + e) <= 1; one_plus 2^-105, the division 37u² (div_fast), each mul 7u².
/// So a value its test (margin 2^-65, dbl::fast_margin) keeps is the correctly rounded one and lies
/// more than (2^-65 - 2^-65.9)·|v| from a rounding boundary, where the scalar kernel's fast
/// path returns the same value or fails and its full path (error < 2^-76) rounds to it too.
/// One division fewer than sigmoid_from and sigmoid_grad_from: 4.5 -> 4.1 ns per value with 8
/// lanes (three alternating runs; the 4-lane copy within noise).
template <int N, class V = typename vec<N>::d, class I = typename vec<N>::i>
GRADAUDIT_LANE_INLINE void sigmoid_pair(const V& x, V& s, I& ok_s, V& g, I& ok_g) {
  I ok;
  const vdd<V> e = exp_neg_abs<N>(x, ok);
  const vdd<V> q = div(vdd<V>{V{} + 1, V{}}, one_plus(e));
  const vdd<V> eq = mul(e, q);
  const vdd<V> sv = pick<V, I>(x >= 0, q, eq), gv = mul(eq, q);
  ok_s = ok & rounds_to_hi<dbl::fast_margin, V, I>(sv).v;
  ok_g = ok & rounds_to_hi<dbl::fast_margin, V, I>(gv).v;
  s = sv.hi;
  g = gv.hi;
}

/// tanh(x) and tanh'(x) = 4σ'(2x) per lane from one exp, e = e^{-2|x|}: the candidates of
/// tanh_of and of tanh_grad's sigmoid_grad_fast_dd, with their own rounding tests.
template <int N, class V = typename vec<N>::d, class I = typename vec<N>::i>
GRADAUDIT_LANE_INLINE void tanh_pair(const V& x, V& t, I& ok_t, V& g, I& ok_g) {
  I ok;
  const vdd<V> e = exp_neg_abs<N>(2.0 * x, ok);
  const vdd<V> gv = sigmoid_grad_from(e);
  t = tanh_of<N>(x, e, ok, ok_t).v;
  ok_g = ok & rounds_to_hi<dbl::fast_margin, V, I>(gv).v;
  g = gv.hi * 4.0;
}

/// For hard labels, t = (y == 1 ? z : -z): the loss -log σ(t) and the gradient ±σ(-t) (- for
/// y = 1) of bce on the logit z, per lane from one exp: the candidates of log_sigmoid_fast_dd
/// at t and sigmoid_fast_dd at -t (e^{-|t|} is the same e), with their rounding tests.
template <int N, class V = typename vec<N>::d, class I = typename vec<N>::i>
GRADAUDIT_LANE_INLINE void bce_hard(const V& t, V& loss, I& ok_loss, V& sig, I& ok_sig) {
  I ok;
  const vdd<V> e = exp_neg_abs<N>(t, ok);
  const vdd<V> sv = sigmoid_from(-t >= 0, e);
  const vdd<V> lv = log_sigmoid_from<N>(t, e, ok);
  ok_sig = ok & rounds_to_hi<dbl::fast_margin, V, I>(sv).v;
  ok_loss = ok & rounds_to_hi<dbl::fast_margin, V, I>(lv).v;
  sig = sv.hi;
  loss = -lv.hi;
}

/// How many vectors one step of the lane loops computes: their dependency chains are independent
/// and sit in one basic block, where GCC's first scheduler interleaves them
/// (GRADAUDIT_LANES_SCHEDULED, logistic_batch.hpp); one chain alone leaves the core waiting on
/// its latency. Two with 8 lanes (three spilled: log σ 4.99 -> 8.08 ns per value), three with 4
/// and 2 (log σ 8.72 -> 7.91 and 22.7 -> 16.5 ns against two; medians of 5 alternating runs).
inline constexpr std::size_t step_vectors = GRADAUDIT_LANES_FMA == 2 ? 2 : 3;

/// Stores one vector's candidates r at out and redoes the lanes ok does not settle with the
/// scalar kernel f (v: the inputs).
template <int N, class V, class I>
GRADAUDIT_LANE_INLINE void settle(const V& v, const V& r, const I& ok, double* out,
                                  scalar_kernel f) {
  std::memcpy(out, &r, sizeof r);
  if (!all_set<N>(ok))
    for (int l = 0; l < N; ++l)
      if (ok[l] == 0) out[l] = f(v[l]);
}

/// One step of map over the vectors k: their loads, their kernels, their stores and fall-backs.
template <fn F, int N, std::size_t... k>
GRADAUDIT_LANE_INLINE void map_step(const double* x, double* out, scalar_kernel f,
                                    std::index_sequence<k...>) {
  using V = typename vec<N>::d;
  using I = typename vec<N>::i;
  V v[sizeof...(k)], r[sizeof...(k)];
  I ok[sizeof...(k)];
  (std::memcpy(&v[k], x + k * N, sizeof(V)), ...);
  ((r[k] = kernel<F, N>(v[k], ok[k]).v), ...);
  (settle<N>(v[k], r[k], ok[k], out + k * N, f), ...);
}

/// out[i] = the kernel F at x[i] for i < n, step_vectors vectors of N lanes at a time, then one;
/// the lanes the fast path does not settle, and the last n mod N values, by the scalar kernel f.
/// out may be x (each step loads its inputs before it stores).
template <fn F, int N>
GRADAUDIT_LANE_INLINE void map(const double* x, double* out, std::size_t n, scalar_kernel f) {
  constexpr std::size_t K = step_vectors;
  std::size_t i = 0;
  for (; i + K * N <= n; i += K * N)
    map_step<F, N>(x + i, out + i, f, std::make_index_sequence<K>{});
  for (; i + N <= n; i += N) map_step<F, N>(x + i, out + i, f, std::index_sequence<0>{});
  map_scalar(x + i, out + i, n - i, f);
}

/// One vector of map_pair: σ and σ' (Tanh false) or tanh and tanh' (true) of v into s and d,
/// with the lanes each settles.
template <int N, bool Tanh, class V, class I>
GRADAUDIT_LANE_INLINE void pair_of(const V& v, V& s, I& ok_s, V& d, I& ok_g) {
  if constexpr (Tanh)
    tanh_pair<N>(v, s, ok_s, d, ok_g);
  else
    sigmoid_pair<N>(v, s, ok_s, d, ok_g);
}

/// Stores one vector of map_pair at a and g, and redoes the unsettled lanes with s_of and d_of.
template <int N, class V, class I>
GRADAUDIT_LANE_INLINE void settle_pair(const V& v, const V& s, const I& ok_s, const V& d,
                                       const I& ok_g, double* a, double* g, scalar_kernel s_of,
                                       scalar_kernel d_of) {
  std::memcpy(a, &s, sizeof s);
  std::memcpy(g, &d, sizeof d);
  if (!all_set<N>(ok_s & ok_g))
    for (int l = 0; l < N; ++l) {
      if (ok_s[l] == 0) a[l] = s_of(v[l]);
      if (ok_g[l] == 0) g[l] = d_of(v[l]);
    }
}

/// One step of map_pair over the vectors k, as map_step.
template <int N, bool Tanh, std::size_t... k>
GRADAUDIT_LANE_INLINE void pair_step(const double* x, double* a, double* g, scalar_kernel s_of,
                                     scalar_kernel d_of, std::index_sequence<k...>) {
  using V = typename vec<N>::d;
  using I = typename vec<N>::i;
  V v[sizeof...(k)], s[sizeof...(k)], d[sizeof...(k)];
  I ok_s[sizeof...(k)], ok_g[sizeof...(k)];
  (std::memcpy(&v[k], x + k * N, sizeof(V)), ...);
  (pair_of<N, Tanh>(v[k], s[k], ok_s[k], d[k], ok_g[k]), ...);
  (settle_pair<N>(v[k], s[k], ok_s[k], d[k], ok_g[k], a + k * N, g + k * N, s_of, d_of), ...);
}

/// a[i] = f(x[i]) and g[i] = f'(x[i]) for i < n, f = σ (Tanh false) or tanh (true), the scalar
/// calls' bits: sigmoid_pair or tanh_pair, step_vectors vectors of N lanes at a time as map,
/// the lanes it does not settle and the last n mod N values by the scalar kernels s_of and
/// d_of (dbl::sigmoid and dbl::sigmoid_grad, or dbl::tanh and dbl::tanh_grad, passed as
/// pointers so that they are not inlined here: in the AVX2 + FMA copy the compiler could fuse
/// their products, see detail::opaque). a and g may not alias x.
template <int N, bool Tanh>
GRADAUDIT_LANE_INLINE void map_pair(const double* x, double* a, double* g, std::size_t n,
                                    scalar_kernel s_of, scalar_kernel d_of) {
  constexpr std::size_t K = step_vectors;
  std::size_t i = 0;
  for (; i + K * N <= n; i += K * N)
    pair_step<N, Tanh>(x + i, a + i, g + i, s_of, d_of, std::make_index_sequence<K>{});
  for (; i + N <= n; i += N)
    pair_step<N, Tanh>(x + i, a + i, g + i, s_of, d_of, std::index_sequence<0>{});
  for (; i < n; ++i) {
    a[i] = s_of(x[i]);
    g[i] = d_of(x[i]);
  }
}

/// One vector of map_bce_hard: the candidates of the loss l and the gradient g at logits zv and
/// targets yv, and the lanes each settles (hard labels only).
template <int N, class V, class I>
GRADAUDIT_LANE_INLINE void bce_of(const V& zv, const V& yv, V& l, I& ok_l, V& g, I& ok_s) {
  const I one = yv == 1.0;
  const I hard = one | (yv == 0.0);
  V s;
  bce_hard<N>(select<V>(one, zv, -zv).v, l, ok_l, s, ok_s);
  g = select<V>(one, -s, s).v;
  ok_l &= hard;
  ok_s &= hard;
}

/// Stores one vector of map_bce_hard and redoes the unsettled samples with loss_of and grad_of.
template <int N, class V, class I>
GRADAUDIT_LANE_INLINE void settle_bce(const V& zv, const V& yv, const V& l, const I& ok_l,
                                      const V& g, const I& ok_s, double* loss, double* grad,
                                      pair_kernel loss_of, pair_kernel grad_of) {
  std::memcpy(loss, &l, sizeof l);
  std::memcpy(grad, &g, sizeof g);
  if (!all_set<N>(ok_l & ok_s))
    for (int k = 0; k < N; ++k) {
      if (ok_l[k] == 0) loss[k] = loss_of(zv[k], yv[k]);
      if (ok_s[k] == 0) grad[k] = grad_of(zv[k], yv[k]);
    }
}

/// One step of map_bce_hard over the vectors k, as map_step.
template <int N, std::size_t... k>
GRADAUDIT_LANE_INLINE void bce_step(const double* z, const double* y, double* loss, double* grad,
                                    pair_kernel loss_of, pair_kernel grad_of,
                                    std::index_sequence<k...>) {
  using V = typename vec<N>::d;
  using I = typename vec<N>::i;
  V zv[sizeof...(k)], yv[sizeof...(k)], l[sizeof...(k)], g[sizeof...(k)];
  I ok_l[sizeof...(k)], ok_s[sizeof...(k)];
  (std::memcpy(&zv[k], z + k * N, sizeof(V)), ...);
  (std::memcpy(&yv[k], y + k * N, sizeof(V)), ...);
  (bce_of<N>(zv[k], yv[k], l[k], ok_l[k], g[k], ok_s[k]), ...);
  (settle_bce<N>(zv[k], yv[k], l[k], ok_l[k], g[k], ok_s[k], loss + k * N, grad + k * N, loss_of,
                 grad_of),
   ...);
}

/// For logits z and targets y: loss[i] = dbl::bce_with_logits(z[i], y[i]) and
/// grad[i] = dbl::bce_with_logits_grad(z[i], y[i]) for i < n, bitwise. Hard labels take
/// bce_hard, two vectors of N lanes at a time as map (y = 1: loss -log σ(z), gradient
/// -σ(-z); y = 0: -log σ(-z) and σ(z), as the scalar kernels form them); soft or NaN targets,
/// NaN logits, the lanes whose rounding test fails and the last n mod N samples take loss_of
/// and grad_of (the scalar kernels, passed in: their header includes this one's).
template <int N>
GRADAUDIT_LANE_INLINE void map_bce_hard(const double* z, const double* y, double* loss,
                                        double* grad, std::size_t n, pair_kernel loss_of,
                                        pair_kernel grad_of) {
  constexpr std::size_t K = 2;  // step_vectors' three, with 4 and 2 lanes: 9.65 -> 10.41 and
                                // 22.5 -> 24.9 ns per sample (medians of 7 alternating runs)
  std::size_t i = 0;
  for (; i + K * N <= n; i += K * N)
    bce_step<N>(z + i, y + i, loss + i, grad + i, loss_of, grad_of, std::make_index_sequence<K>{});
  for (; i + N <= n; i += N)
    bce_step<N>(z + i, y + i, loss + i, grad + i, loss_of, grad_of, std::index_sequence<0>{});
  for (; i < n; ++i) {
    loss[i] = loss_of(z[i], y[i]);
    grad[i] = grad_of(z[i], y[i]);
  }
}

#undef GRADAUDIT_LANE_INLINE

}  // namespace gradaudit::detail::lanes::GRADAUDIT_LANES_NS
