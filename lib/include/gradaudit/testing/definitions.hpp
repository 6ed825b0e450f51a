#pragma once
/// \file definitions.hpp
/// The functions claims are about, as their textbook definitions, written once for any scalar
/// S with the field operations and exp/log/log1p/tanh found by argument-dependent lookup:
/// `ball` (a certified value), `jet<ball>` (value and gradient), `jet<jet<ball>>` (second
/// derivatives). These are the *true side* of a claim: no stable rewriting, no branch on the
/// argument, so that what the engine certifies is the mathematics, not our implementation.
/// Ball arithmetic makes them safe where double is not: e^{745} does not overflow, and where
/// a definition cancels (1 - σ(z) at z = 700) the engine raises the precision until it does
/// not.
///
/// Targets y are data (doubles), never differentiated; a term whose coefficient is exactly 0
/// is left out, so that 0·log 0 is 0 as in the loss's definition by continuity. Arithmetic on
/// y happens in S, never in double (1 - 0.1 in double is 0.9000000000000000222).

#include "gradaudit/testing/jet.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace gradaudit::testing::def {

/// x².
template <class S>
S sq(const S& x) {
  return x * x;
}

/// σ(z) = 1/(1+e^{-z}).
template <class S>
S sigmoid(const S& z) {
  return S(1) / (S(1) + exp(-z));
}

/// softplus(z) = log(1+e^z).
template <class S>
S softplus(const S& z) {
  return log1p(exp(z));
}

/// log σ(z) = -log(1+e^{-z}).
template <class S>
S log_sigmoid(const S& z) {
  return -softplus(S(-z));
}

/// (y - ŷ)².
template <class S>
S mse(const S& yhat, double y) {
  return sq(S(y - yhat));
}

/// -(y log ŷ + (1-y) log(1-ŷ)), terms with a zero coefficient left out.
template <class S>
S bce(const S& yhat, double y) {
  S r(0);
  if (y != 0) r -= y * log(yhat);
  if (y != 1) r -= (S(1) - S(y)) * log(S(1 - yhat));  // 1 - y in balls: in double it rounds
  return r;
}

/// w·x for a vector of S (the variables) and a vector of doubles (data), or the reverse.
template <class A, class B>
auto dot(const std::vector<A>& w, const std::vector<B>& x) {
  if (w.size() != x.size())
    throw std::invalid_argument("dot: " + std::to_string(w.size()) + " vs " +
                                std::to_string(x.size()) + " entries");
  using S = decltype(w[0] * x[0]);
  S s(0);
  for (std::size_t i = 0; i < w.size(); ++i) s += S(w[i] * x[i]);
  return s;
}

/// log Σ e^{z_k}.
template <class S>
S logsumexp(const std::vector<S>& z) {
  S s(0);
  for (const S& zk : z) s += exp(zk);
  return log(s);
}

/// softmax(z)_i = e^{z_i} / Σ e^{z_k}.
template <class S>
S softmax(const std::vector<S>& z, std::size_t i) {
  S s(0);
  for (const S& zk : z) s += exp(zk);
  return exp(z.at(i)) / s;
}

}  // namespace gradaudit::testing::def
