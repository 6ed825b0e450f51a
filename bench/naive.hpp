#pragma once
/// \file naive.hpp
/// The formulas a person would write in plain `double` (or `float`), for comparison with
/// gradaudit's stable ones in bench/ulp_table.cpp and bench/bench_activation.cpp.
/// Deliberately written the obvious way; do not "fix" them.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace gradaudit::bench::naive {

/// 1/(1+e^{-x}).
template <class T>
T sigmoid(T x) {
  return T(1) / (T(1) + std::exp(-x));
}

/// s(1-s) with s the naive sigmoid.
template <class T>
T sigmoid_grad(T x) {
  const T s = sigmoid(x);
  return s * (T(1) - s);
}

/// log(1/(1+e^{-x})).
template <class T>
T log_sigmoid(T x) {
  return std::log(T(1) / (T(1) + std::exp(-x)));
}

/// PyTorch's binary_cross_entropy_with_logits: max(z,0) - z·y + log1p(e^{-|z|}).
template <class T>
T bce_with_logits(T z, T y) {
  return std::max(z, T(0)) - z * y + std::log1p(std::exp(-std::abs(z)));
}

/// Its gradient: σ(z) - y with the naive σ.
template <class T>
T bce_with_logits_grad(T z, T y) {
  return sigmoid(z) - y;
}

/// -(y log ŷ + (1-y) log(1-ŷ)) as written in the textbook (no term dropped, 1-ŷ formed).
template <class T>
T bce(T yhat, T y) {
  return -(y * std::log(yhat) + (T(1) - y) * std::log(T(1) - yhat));
}

/// -y/ŷ + (1-y)/(1-ŷ), the textbook derivative.
template <class T>
T bce_grad(T yhat, T y) {
  return -y / yhat + (T(1) - y) / (T(1) - yhat);
}

/// 1 - tanh²(x).
template <class T>
T tanh_grad(T x) {
  const T t = std::tanh(x);
  return T(1) - t * t;
}

/// logsumexp(z) - z_y with the usual max shift: m + log Σ e^{z_k - m} - z_y.
template <class T>
T softmax_cross_entropy(const std::vector<T>& z, std::size_t y) {
  T m = z[0];
  for (const T& v : z) m = v > m ? v : m;
  T s = 0;
  for (const T& v : z) s += std::exp(v - m);
  return (m + std::log(s)) - z[y];
}

}  // namespace gradaudit::bench::naive
