#pragma once
/// \file output_layer.hpp
/// The article's four cases: a single output ŷ = head(z), z = w·x, trained on loss(ŷ, y).
/// The gradient wrt the weight vector is ∂L/∂w = (∂L/∂z)·x, with
///
/// | case         | ∂L/∂z (what we compute)          | the article's ∂L/∂w      |
/// |--------------|-----------------------------------|--------------------------|
/// | MSE·sigmoid  | 2(ŷ - y)·σ'(z)                    | 2(y - ŷ)ŷ(1 - ŷ)x        |
/// | MSE·linear   | 2(ŷ - y)                          | 2(y - ŷ)ŷ(1 - ŷ)x        |
/// | BCE·sigmoid  | σ(z) - y                          | -(y - ŷ)ŷ(1 - ŷ)x        |
/// | BCE·linear   | -y/ŷ + (1-y)/(1-ŷ), ŷ = z ∈ [0,1] | (ŷ - y)/(ŷ(1 - ŷ))·x     |
///
/// The properties in `properties/output_layer_*.cpp` decide which column is right.

#include "gradaudit/loss.hpp"

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gradaudit {

enum class loss_kind { mse, bce };
enum class head_kind { sigmoid, linear };

/// One of the four loss × head combinations.
struct output_layer {
  loss_kind loss;
  head_kind head;
};

inline constexpr output_layer mse_sigmoid{loss_kind::mse, head_kind::sigmoid};
inline constexpr output_layer mse_linear{loss_kind::mse, head_kind::linear};
inline constexpr output_layer bce_sigmoid{loss_kind::bce, head_kind::sigmoid};
inline constexpr output_layer bce_linear{loss_kind::bce, head_kind::linear};

/// "MSE·sigmoid" etc.
inline std::string_view name(output_layer c) {
  if (c.loss == loss_kind::mse) return c.head == head_kind::sigmoid ? "MSE·sigmoid" : "MSE·linear";
  return c.head == head_kind::sigmoid ? "BCE·sigmoid" : "BCE·linear";
}

/// z = w·x. In double and float: the products split exactly (two_product) and summed in
/// double-double (Ogita-Rump-Oishi Dot2), rounded once: error <= 0.5 ULP + 2^-104·Σ|w_i x_i|
/// (a few u² of the absolute sum) while no product is below 2^-969. Other types: plain sum.
/// Throws std::invalid_argument when the lengths differ.
template <Real T>
T dot(std::span<const T> w, std::span<const T> x) {
  if (w.size() != x.size())
    throw std::invalid_argument("dot: w has " + std::to_string(w.size()) + " entries but x has " +
                                std::to_string(x.size()));
  if constexpr (detail::binary_kernel_type<T>) {
    detail::dd s{0, 0};
    double plain = 0;  // decides inf/NaN: the splits of an infinite product are NaN
    for (std::size_t i = 0; i < w.size(); ++i) {
      const detail::dd p = detail::two_product(double(w[i]), double(x[i]));
      const detail::dd t = detail::two_sum(s.hi, p.hi);
      s = {t.hi, s.lo + (t.lo + p.lo)};
      plain += p.hi;
    }
    if (!std::isfinite(plain)) return static_cast<T>(plain);
    return static_cast<T>(s.hi + s.lo);
  } else {
    T s = 0;
    for (std::size_t i = 0; i < w.size(); ++i) s += w[i] * x[i];
    return s;
  }
}

/// ŷ = head(z).
template <Real T>
T output_layer_predict(output_layer c, const T& z) {
  return c.head == head_kind::sigmoid ? sigmoid(z) : identity(z);
}

/// L(z) = loss(head(z), y). BCE·sigmoid uses the logit form (no log of a rounded σ).
/// BCE·linear throws `domain_error` unless ŷ = z ∈ [0, 1].
template <Real T>
T output_layer_loss_z(output_layer c, const T& z, const T& y) {
  if (c.loss == loss_kind::mse) return mse(output_layer_predict(c, z), y);
  if (c.head == head_kind::sigmoid) return bce_with_logits(z, y);
  return bce(z, y);
}

/// ∂L/∂z, the factor common to every component of ∂L/∂w.
template <Real T>
T output_layer_grad_z(output_layer c, const T& z, const T& y) {
  if (c.loss == loss_kind::mse) {
    if (c.head == head_kind::linear) return mse_grad(z, y);
    return mse_grad(sigmoid(z), y) * sigmoid_grad(z);
  }
  if (c.head == head_kind::sigmoid) return bce_with_logits_grad(z, y);
  return bce_grad(z, y);
}

/// L(w) = loss(head(w·x), y).
template <Real T>
T output_layer_loss(output_layer c, std::span<const T> w, std::span<const T> x, const T& y) {
  return output_layer_loss_z(c, dot(w, x), y);
}

/// ∂L/∂w = (∂L/∂z)·x, in closed form.
template <Real T>
std::vector<T> output_layer_grad(output_layer c, std::span<const T> w, std::span<const T> x,
                                 const T& y) {
  const T g = output_layer_grad_z(c, dot(w, x), y);
  std::vector<T> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = g * x[i];
  return out;
}

}  // namespace gradaudit
