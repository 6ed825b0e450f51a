#pragma once
/// \file vocabulary.hpp
/// The losses and activations people meet, as their textbook definitions, generic in the
/// scalar S: `double` (the library's implementation of each named function, see below; a
/// definition typed out with exp/log is still evaluated operation by operation, as naive code
/// would, so a claim about double can show where it overflows), `ball` (certified), `jet<ball>` and
/// `jet<jet<ball>>` (derivatives). These are *definitions*, the true side of a claim: no stable
/// rewriting, no branch on the argument except where the function itself is piecewise (ReLU,
/// |x|, Huber, smooth-L1, hinge), where a ball straddling the kink is `undecided`.
///
/// Targets y are arguments like any other; a term whose coefficient is exactly 0 is left out,
/// so that 0·log 0 is 0 as in the loss's definition by continuity. Class indices are 1-based,
/// like the subscripts of the formulas they come from.
///
/// In `double` a named function is the library's implementation (softplus.hpp, logsumexp.hpp,
/// divergence.hpp, robust.hpp, focal.hpp, count_nll.hpp, activation.hpp, loss.hpp), so that a
/// `double:` claim measures what gradaudit computes; the arithmetic between the names is still
/// IEEE double operation by operation. Where the library would refuse an argument (a target
/// outside [0, 1], a class index out of range, δ <= 0, …) the double side evaluates the
/// definition instead, as naive code would. The certified scalars always evaluate the
/// definitions below.

#include "gradaudit/count_nll.hpp"
#include "gradaudit/divergence.hpp"
#include "gradaudit/focal.hpp"
#include "gradaudit/logsumexp.hpp"
#include "gradaudit/robust.hpp"
#include "gradaudit/softplus.hpp"
#include "gradaudit/testing/jet.hpp"

#include <span>
#include <type_traits>

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <vector>

namespace gradaudit::formula::real {

// Elementary functions found for every S: std:: for double, Arb's or the jet's by ADL.
template <class S>
S exp(const S& x) {
  using std::exp;
  return exp(x);
}
template <class S>
S log(const S& x) {
  using std::log;
  return log(x);
}
template <class S>
S log1p(const S& x) {
  using std::log1p;
  return log1p(x);
}
template <class S>
S expm1(const S& x) {
  using std::expm1;
  return expm1(x);
}
template <class S>
S sqrt(const S& x) {
  using std::sqrt;
  return sqrt(x);
}
template <class S>
S tanh(const S& x) {
  using std::tanh;
  return tanh(x);
}
template <class S>
S abs(const S& x) {
  using std::abs;
  return abs(x);
}
template <class S>
S powi(const S& x, int n) {
  using std::pow;
  return S(pow(x, n));
}

/// The number an S carries (its value, for a jet).
inline const double& value_of(const double& x) { return x; }
inline const testing::ball& value_of(const testing::ball& x) { return x; }
template <class T>
decltype(auto) value_of(const testing::jet<T>& x) {
  return value_of(x.v);
}

/// True when x is exactly 0 with no derivative (a coefficient that can be left out).
inline bool certainly_zero(const double& x) { return x == 0; }
inline bool certainly_zero(const testing::ball& x) { return x.is_zero(); }
template <class T>
bool certainly_zero(const testing::jet<T>& x) {
  if (!certainly_zero(x.v)) return false;
  for (const T& d : x.d)
    if (!certainly_zero(d)) return false;
  return true;
}

/// a < b and a <= b on values; for balls `undecided` (ball.hpp) when they overlap.
template <class S>
bool less(const S& a, const S& b) {
  return value_of(a) < value_of(b);
}
template <class S>
bool less_equal(const S& a, const S& b) {
  return value_of(a) <= value_of(b);
}

/// The larger / smaller of two (a branch on values: undecided at a tie of balls).
template <class S>
S max(const S& a, const S& b) {
  return less(a, b) ? b : a;
}
template <class S>
S min(const S& a, const S& b) {
  return less(b, a) ? b : a;
}

/// x^p for a real p: exp(p log x), x > 0; 1 when p is exactly 0.
template <class S>
S pow(const S& x, const S& p) {
  if (certainly_zero(p)) return S(1);
  return exp(S(p * log(x)));
}

}  // namespace gradaudit::formula::real

namespace gradaudit::formula::vocab {

/// σ(z) = 1/(1+e^{-z}).
template <class S>
S sigmoid(const S& z) {
  if constexpr (std::is_same_v<S, double>)
    return gradaudit::sigmoid(z);
  else
    return S(1) / (S(1) + real::exp(S(-z)));
}
/// softplus(z) = log(1+e^z).
template <class S>
S softplus(const S& z) {
  if constexpr (std::is_same_v<S, double>)
    return gradaudit::softplus(z);
  else
    return real::log1p(real::exp(z));
}
/// log σ(z) = -softplus(-z).
template <class S>
S log_sigmoid(const S& z) {
  if constexpr (std::is_same_v<S, double>)
    return gradaudit::log_sigmoid(z);
  else
    return -softplus(S(-z));
}
/// ReLU(z) = max(z, 0).
template <class S>
S relu(const S& z) {
  return real::max(z, S(0));
}

/// log Σ_k e^{z_k}.
template <class S>
S logsumexp(const std::vector<S>& z) {
  if constexpr (std::is_same_v<S, double>)
    if (!z.empty()) return gradaudit::logsumexp(std::span<const double>(z));
  S s(0);
  for (const S& zk : z) s += real::exp(zk);
  return real::log(s);
}

/// softmax(z)_i = e^{z_i} / Σ_k e^{z_k}, i 1-based.
template <class S>
S softmax(const std::vector<S>& z, std::size_t i) {
  if constexpr (std::is_same_v<S, double>)
    if (i >= 1 && i <= z.size()) return gradaudit::softmax_i(std::span<const double>(z), i - 1);
  S s(0);
  for (const S& zk : z) s += real::exp(zk);
  return real::exp(z.at(i - 1)) / s;
}

/// log softmax(z)_i = z_i - logsumexp(z), i 1-based.
template <class S>
S log_softmax(const std::vector<S>& z, std::size_t i) {
  if constexpr (std::is_same_v<S, double>)
    if (i >= 1 && i <= z.size()) return gradaudit::log_softmax_i(std::span<const double>(z), i - 1);
  return z.at(i - 1) - logsumexp(z);
}

/// Binary cross-entropy -(y log ŷ + (1-y) log(1-ŷ)).
template <class S>
S bce(const S& yhat, const S& y) {
  if constexpr (std::is_same_v<S, double>)
    if (yhat >= 0 && yhat <= 1 && y >= 0 && y <= 1) return gradaudit::bce(yhat, y);
  S r(0);
  if (!real::certainly_zero(y)) r -= y * real::log(yhat);
  const S ny = S(1) - y;
  if (!real::certainly_zero(ny)) r -= ny * real::log(S(S(1) - yhat));
  return r;
}

/// BCE with logits and PyTorch's pos_weight p: -(p·y log σ(z) + (1-y) log(1-σ(z)))
/// = p·y·softplus(-z) + (1-y)·softplus(z). Soft targets y ∈ [0, 1] allowed.
template <class S>
S bce_logits(const S& z, const S& y, const S& pos_weight = S(1)) {
  if constexpr (std::is_same_v<S, double>)
    if (y >= 0 && y <= 1 && pos_weight >= 0 && std::isfinite(pos_weight))
      return gradaudit::bce_with_logits(z, y, pos_weight);
  S r(0);
  if (!real::certainly_zero(y)) r += pos_weight * y * softplus(S(-z));
  const S ny = S(1) - y;
  if (!real::certainly_zero(ny)) r += ny * softplus(z);
  return r;
}

/// Cross-entropy of logits z with the class c (1-based): -log softmax(z)_c.
template <class S>
S cross_entropy(const std::vector<S>& z, std::size_t c) {
  if constexpr (std::is_same_v<S, double>)
    if (c >= 1 && c <= z.size())
      return gradaudit::softmax_cross_entropy(std::span<const double>(z), c - 1);
  return -log_softmax(z, c);
}

/// Cross-entropy with a target distribution y: -Σ_i y_i log softmax(z)_i.
template <class S>
S cross_entropy(const std::vector<S>& z, const std::vector<S>& y) {
  if (y.size() != z.size()) throw std::invalid_argument("ce: logits and targets differ in length");
  if constexpr (std::is_same_v<S, double>) {
    bool in_range = !z.empty();
    for (double v : y) in_range = in_range && v >= 0 && v <= 1;
    if (in_range)
      return gradaudit::cross_entropy(std::span<const double>(z), std::span<const double>(y));
  }
  S r(0);
  for (std::size_t i = 0; i < z.size(); ++i)
    if (!real::certainly_zero(y[i])) r -= y[i] * log_softmax(z, i + 1);
  return r;
}

/// Cross-entropy with label smoothing ε (PyTorch's): targets (1-ε)[i = c] + ε/K.
template <class S>
S label_smoothing(const std::vector<S>& z, std::size_t c, const S& eps) {
  if constexpr (std::is_same_v<S, double>)
    if (c >= 1 && c <= z.size() && eps >= 0 && eps <= 1)
      return gradaudit::label_smoothing(std::span<const double>(z), c - 1, eps);
  std::vector<S> q(z.size(), S(eps / S(static_cast<int>(z.size()))));
  q.at(c - 1) += S(1) - eps;
  return cross_entropy(z, q);
}

/// KL(p ‖ q) = Σ p_i log(p_i / q_i), terms with p_i = 0 left out.
template <class S>
S kl(const std::vector<S>& p, const std::vector<S>& q) {
  if (p.size() != q.size()) throw std::invalid_argument("kl: p and q differ in length");
  if constexpr (std::is_same_v<S, double>) {
    bool in_range = !p.empty();
    for (std::size_t i = 0; i < p.size(); ++i)
      in_range = in_range && p[i] >= 0 && p[i] <= 1 && q[i] >= 0 && q[i] <= 1;
    if (in_range) return gradaudit::kl(std::span<const double>(p), std::span<const double>(q));
  }
  S r(0);
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!real::certainly_zero(p[i])) r += p[i] * (real::log(p[i]) - real::log(q[i]));
  return r;
}

/// (y - ŷ)².
template <class S>
S mse(const S& yhat, const S& y) {
  if constexpr (std::is_same_v<S, double>)
    return gradaudit::mse(yhat, y);
  else {
    const S r = y - yhat;
    return r * r;
  }
}
/// |y - ŷ|.
template <class S>
S mae(const S& yhat, const S& y) {
  return real::abs(S(y - yhat));
}

/// Huber(δ) of r = y - ŷ: r²/2 for |r| <= δ, δ(|r| - δ/2) beyond.
template <class S>
S huber(const S& yhat, const S& y, const S& delta) {
  if constexpr (std::is_same_v<S, double>)
    if (delta > 0) return gradaudit::huber(yhat, y, delta);
  const S a = real::abs(S(y - yhat));
  return real::less_equal(a, delta) ? S(a * a / S(2)) : S(delta * (a - delta / S(2)));
}

/// Smooth-L1(β) of r = y - ŷ: r²/(2β) for |r| < β, |r| - β/2 beyond.
template <class S>
S smooth_l1(const S& yhat, const S& y, const S& beta) {
  if constexpr (std::is_same_v<S, double>)
    if (beta >= 0) return gradaudit::smooth_l1(yhat, y, beta);
  const S a = real::abs(S(y - yhat));
  return real::less(a, beta) ? S(a * a / (S(2) * beta)) : S(a - beta / S(2));
}

/// Focal loss of a logit z (Lin et al.): -(α y (1-p)^γ log p + (1-α)(1-y) p^γ log(1-p)), p = σ(z).
template <class S>
S focal(const S& z, const S& y, const S& gamma, const S& alpha) {
  if constexpr (std::is_same_v<S, double>)
    if (y >= 0 && y <= 1 && alpha >= 0 && alpha <= 1 && gamma >= 0)
      return gradaudit::focal(z, y, gamma, alpha);
  const S p = sigmoid(z), q = S(1) - p;
  S r(0);
  if (!real::certainly_zero(y)) r -= alpha * y * real::pow(q, gamma) * real::log(p);
  const S ny = S(1) - y;
  if (!real::certainly_zero(ny)) r -= (S(1) - alpha) * ny * real::pow(p, gamma) * real::log(q);
  return r;
}

/// Hinge max(0, 1 - y z), y ∈ {-1, 1}.
template <class S>
S hinge(const S& z, const S& y) {
  if constexpr (std::is_same_v<S, double>)
    return gradaudit::hinge(z, y);
  else
    return real::max(S(0), S(S(1) - y * z));
}

/// Poisson negative log-likelihood with a log-rate z (PyTorch's log_input): e^z - y z.
template <class S>
S poisson_nll(const S& z, const S& y) {
  if constexpr (std::is_same_v<S, double>)
    if (y >= 0) return gradaudit::poisson_nll(z, y);
  return real::exp(z) - y * z;
}

/// Gaussian negative log-likelihood without its constant: (log σ² + (y - μ)²/σ²)/2.
template <class S>
S gaussian_nll(const S& mu, const S& y, const S& var) {
  if constexpr (std::is_same_v<S, double>)
    if (var > 0) return gradaudit::gaussian_nll(mu, y, var);
  const S r = y - mu;
  return (real::log(var) + r * r / var) / S(2);
}

}  // namespace gradaudit::formula::vocab
