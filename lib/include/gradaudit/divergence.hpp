#pragma once
/// \file divergence.hpp
/// Divergences between distributions over K classes, and the cross-entropy of logits with a
/// target distribution:
///
///     kl(p, q)                = Σ_i p_i log(p_i / q_i)            (terms with p_i = 0 left out),
///     cross_entropy(z, c)     = -log softmax_c(z) = softmax_cross_entropy(z, c),
///     cross_entropy(z, y)     = -Σ_i y_i log softmax_i(z) = Σ_i y_i·((m - z_i) + log1p T),
///     label_smoothing(z, c, ε) = cross_entropy(z, y) with y_i = (1 - ε)[i = c] + ε/K
/// (0-based c; m, T as in logsumexp.hpp; PyTorch's CrossEntropyLoss with probability targets
/// and with label_smoothing = ε).
///
/// Accuracy in double (double-double throughout, one rounding):
///  - cross_entropy(z, y), label_smoothing: every term y_i((m - z_i) + log1p T) is >= 0 (m - z_i
///    exact, log1p T < 2^-66.5, weights y_i exact, 1 - ε exact, ε/K to 16u²): a sum without
///    cancellation, the weights scaled by 2^600 and the sum rounded once with that exponent:
///    ≤ 0.5 + 2^-11 ULP for every finite z whose gaps m - z_i are below 2^1024 (a gap that
///    overflows gives NaN, as in softmax_cross_entropy), subnormal results included (one-hot y
///    with y_c = 1, and ε = 0, are softmax_cross_entropy itself);
///  - kl: log(p_i/q_i) is formed as k·ln 2 + log1p(δ) with p_i/q_i = 2^k(1 + δ), δ ∈ [-1/4, 1/2]
///    from an exact difference of the significands (Sterbenz) over one dd division: relative
///    error < 2^-66 for every pair of positive doubles, also p_i ≈ q_i. The terms p_i·log(p_i/q_i)
///    have both signs, so the bound is relative to their magnitudes: error ≤ 0.5 ULP +
///    2^-65·Σ_i p_i|log(p_i/q_i)|, i.e. ≤ 1 ULP while the condition number
///    κ = Σ_i p_i|log(p_i/q_i)| / KL is <= 2^11. For probability vectors κ is large only where
///    p ≈ q (κ ≈ 2/max_i|p_i - q_i| roughly): there KL itself is ill-conditioned in p and q.
///
/// Domain: non-empty vectors of equal length; entries of p, q, y in [0, 1]; ε ∈ [0, 1]; c < K
/// (else `domain_error` naming the argument). Sums to 1 are not required (KL is then the
/// formula as written). kl = +inf where some q_i = 0 < p_i. NaN anywhere gives NaN. Infinite
/// logits give the limits of softmax_cross_entropy, term by term.

#include "gradaudit/logsumexp.hpp"
#include "gradaudit/softmax.hpp"

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gradaudit {
namespace detail {

/// check_closed_interval(…, 0, 1) for the binary and reference types; certified scalars are
/// the caller's (a ball has no single value to name).
template <class S>
void check_unit_interval(const char* function, std::string_view argument, const S& x) {
  if constexpr (Real<S>) check_closed_interval(function, argument, x, 0.0, 1.0);
}

/// x == 0 by value comparisons (jets have no ==).
template <class S>
bool is_zero_value(const S& x) {
  return !(x < S(0)) && !(x > S(0));
}

template <class S>
void check_distribution(const char* function, const char* name, std::span<const S> v,
                        std::size_t K) {
  if (v.size() != K)
    throw domain_error(std::string(function) + ": " + name + " has " + std::to_string(v.size()) +
                       " entries, not " + std::to_string(K));
  if (K == 0) throw domain_error(std::string(function) + ": " + name + " is empty (K = 0 classes)");
  for (std::size_t i = 0; i < K; ++i)
    check_unit_interval(function, std::string(name) + "[" + std::to_string(i) + "]", v[i]);
}

namespace dbl {

/// log(p/q) in dd for positive finite doubles p, q (the file comment's construction). k·ln 2 as
/// in log_dd: ln 2 = L1 + L2 + L3 with k·L1 exact, k·L2 split exactly, k·L3 < 2^-76 dropped.
inline dd log_ratio(double p, double q) {
  int ep = 0, eq = 0;
  double mp = std::frexp(p, &ep);
  const double mq = std::frexp(q, &eq);
  int k = ep - eq;
  if (mp < 0.75 * mq) {
    mp *= 2;
    --k;
  } else if (mp >= 1.5 * mq) {
    mp *= 0.5;
    ++k;
  }
  const dd l = log1p_dd(div({mp - mq, 0}, {mq, 0}));  // mp - mq exact: mp/mq in [1/2, 2]
  if (k == 0) return l;
  const double kd = k;
  const dd kl = two_product(kd, 0x1.a39ef35793c76p-33);
  const dd kln2 = fast_two_sum(kd * 0x1.62e42fee00000p-1, kl.hi);
  return add(dd{kln2.hi, kln2.lo + kl.lo}, l);
}

/// Σ_i (2^600·p_i)·log(p_i/q_i) in dd, rounded once with the factor 2^-600 (round_scaled):
/// the scaling (exact: p_i <= 1) keeps every product's low part normal, so tiny and subnormal
/// results are rounded once too.
inline double kl(std::span<const double> p, std::span<const double> q) {
  dd s{0, 0};
  bool infinite = false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (std::isnan(p[i]) || std::isnan(q[i])) return std::numeric_limits<double>::quiet_NaN();
    if (p[i] == 0) continue;
    if (q[i] == 0)
      infinite = true;
    else
      s = add(s, mul(log_ratio(p[i], q[i]), p[i] * 0x1p600));
  }
  return infinite ? std::numeric_limits<double>::infinity() : round_scaled({s, -600});
}

/// Σ_i w_i·CE(z, i) in double, for logits that are not all finite (the limits: every CE(z, i)
/// is 0, +inf or NaN there, so no rounding matters) — zero weights left out.
inline double weighted_ce_limits(std::span<const double> z, const std::vector<double>& w) {
  double r = 0;
  for (std::size_t i = 0; i < z.size(); ++i)
    if (w[i] != 0) r += w[i] * softmax_cross_entropy(z, i);
  return r;
}

inline bool all_finite(std::span<const double> z) {
  for (double v : z)
    if (!std::isfinite(v)) return false;
  return true;
}

/// Σ_i w_i·((m - z_i) + log1p T) for finite logits and dd weights w_i >= 0, as 2^-600 times a
/// dd sum rounded once (round_scaled): every term is >= 0 (no cancellation), and the weights
/// scaled by 2^600 (exact) keep the products' low parts normal down to results of 2^-1300, so
/// tiny and subnormal results are rounded once too (unless a weighted gap is >= 2^300, when
/// the result is >= 2^300·w_i and needs no scaling). When T < 2^-900 (the first largest logit
/// leads all others by more than ~620) log1p T = T(1 - T/2 + …) is T to 2^-901, taken from
/// the tail summed scaled by 2^600 (as softmax_cross_entropy does) for the term of that logit;
/// the other terms then have m - z_i > 620, against which T is nothing.
inline double weighted_ce(std::span<const double> z, const std::vector<dd>& w) {
  const std::size_t a = argmax_or_nan(z);
  const dd t = tail_sum(z, a);
  const bool tiny_tail = t.hi < 0x1p-900;
  const dd tail = tiny_tail ? dd{0, 0} : log1p_any(t);
  // The scaling only where every weighted gap is below 2^300 (products stay below 2^910);
  // otherwise a term >= 2^300·w_i dominates and no product can underflow to matter.
  double widest = 0;
  for (std::size_t i = 0; i < z.size(); ++i)
    if (w[i].hi != 0) widest = std::max(widest, z[a] - z[i]);
  const int shift = widest < 0x1p300 ? 600 : 0;
  dd s{0, 0};
  for (std::size_t i = 0; i < z.size(); ++i) {
    if (w[i].hi == 0) continue;
    const dd ws{w[i].hi * exp2i(shift), w[i].lo * exp2i(shift)};
    if (i == a && tiny_tail)
      s = add(s, mul(tail_sum(z, a, shift), w[i]));
    else
      s = add(s, mul(add(tail, two_sum(z[a], -z[i])), ws));
  }
  return round_scaled({s, -shift});
}

inline double cross_entropy(std::span<const double> z, std::span<const double> y) {
  std::size_t nonzero = 0, c = 0;
  for (std::size_t i = 0; i < y.size(); ++i)
    if (y[i] != 0) ++nonzero, c = i;
  for (double v : y)
    if (std::isnan(v)) return v;
  if (nonzero == 1 && y[c] == 1) return softmax_cross_entropy(z, c);
  if (!all_finite(z)) return weighted_ce_limits(z, std::vector<double>(y.begin(), y.end()));
  std::vector<dd> w;
  for (double v : y) w.push_back({v, 0});
  return weighted_ce(z, w);
}

inline double label_smoothing(std::span<const double> z, std::size_t c, double eps) {
  if (std::isnan(eps)) return eps;
  if (eps == 0) return softmax_cross_entropy(z, c);
  const double K = static_cast<double>(z.size());
  if (!all_finite(z)) {
    std::vector<double> w(z.size(), eps / K);
    w[c] += 1 - eps;
    return weighted_ce_limits(z, w);
  }
  std::vector<dd> w(z.size(), div({eps, 0}, {K, 0}));  // ε/K to 16u²
  w[c] = add(w[c], one_minus(eps));                    // + (1 - ε), exact
  return weighted_ce(z, w);
}

}  // namespace dbl
}  // namespace detail

/// KL(p ‖ q) = Σ_i p_i log(p_i/q_i) (accuracy and domain in the file comment).
template <class S>
S kl(std::span<const S> p, std::span<const S> q) {
  detail::check_distribution("kl", "p", p, p.size());
  detail::check_distribution("kl", "q", q, p.size());
  if constexpr (detail::binary_kernel_type<S>) {
    const std::vector<double> pd(p.begin(), p.end()), qd(q.begin(), q.end());
    return static_cast<S>(detail::dbl::kl(pd, qd));
  } else {
    using std::log;
    S r(0);
    for (std::size_t i = 0; i < p.size(); ++i)
      if (!detail::is_zero_value(p[i])) r += p[i] * S(log(p[i]) - log(q[i]));
    return r;
  }
}

/// Cross-entropy of logits z with the class c: softmax_cross_entropy(z, c) (softmax.hpp).
template <Real T>
T cross_entropy(std::span<const T> z, std::size_t c) {
  return softmax_cross_entropy<T>(z, c);
}

/// Cross-entropy of logits z with a target distribution y (soft targets; formula, accuracy
/// and domain in the file comment).
template <class S>
S cross_entropy(std::span<const S> z, std::span<const S> y) {
  if (z.empty()) throw domain_error("cross_entropy: z is empty (K = 0 classes)");
  detail::check_distribution("cross_entropy", "y", y, z.size());
  if constexpr (detail::binary_kernel_type<S>) {
    const std::vector<double> zd(z.begin(), z.end()), yd(y.begin(), y.end());
    return static_cast<S>(detail::dbl::cross_entropy(zd, yd));
  } else {
    S r(0);
    for (std::size_t i = 0; i < z.size(); ++i)
      if (!detail::is_zero_value(y[i])) r -= y[i] * log_softmax_i<S>(z, i);
    return r;
  }
}

/// Cross-entropy of logits z with class c under label smoothing ε (targets (1 - ε)[i = c] + ε/K).
template <class S>
S label_smoothing(std::span<const S> z, std::size_t c, const S& eps) {
  detail::check_class_index("label_smoothing", z.size(), c);
  detail::check_unit_interval("label_smoothing", "eps", eps);
  if constexpr (detail::binary_kernel_type<S>) {
    const std::vector<double> zd(z.begin(), z.end());
    return static_cast<S>(detail::dbl::label_smoothing(zd, c, eps));
  } else {
    const S K(static_cast<int>(z.size()));
    std::vector<S> y(z.size(), S(eps / K));
    y[c] += S(1) - eps;
    S r(0);
    for (std::size_t i = 0; i < z.size(); ++i) r -= y[i] * log_softmax_i<S>(z, i);
    return r;
  }
}

}  // namespace gradaudit
