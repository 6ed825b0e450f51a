#pragma once
/// \file network_kernels.hpp
/// Element-wise kernels of the trainer on rows of samples: the activations, their
/// derivatives, and the output layer's loss and ∂L/∂z. For double and float they are the
/// batch forms of the 1-ULP kernels (detail/logistic.hpp): the trainer computes exactly what
/// the scalar functions return, sample by sample, whatever the thread count or the CPU. For
/// other scalars (long double, the reference type) the generic stable formulas.

#include "gradaudit/activation.hpp"
#include "gradaudit/loss.hpp"

#include <cstddef>
#include <type_traits>

namespace gradaudit {

enum class activation { sigmoid, identity, relu, tanh };

/// mse: (a - y)² averaged over samples and outputs; bce: -(y log a + (1-y) log(1-a)) on the
/// outputs of a sigmoid layer; bce_with_logits: the same loss computed from the pre-sigmoid
/// output of an identity layer.
enum class loss_function { mse, bce, bce_with_logits };

namespace detail {

template <Real T>
T activate(activation a, const T& z) {
  switch (a) {
    case activation::sigmoid: return sigmoid(z);
    case activation::identity: return z;
    case activation::relu: return relu(z);
    case activation::tanh: return gradaudit::tanh(z);
  }
  return z;
}

/// act'(z).
template <Real T>
T activate_grad(activation a, const T& z) {
  switch (a) {
    case activation::sigmoid: return sigmoid_grad(z);
    case activation::identity: return identity_grad(z);
    case activation::relu: return relu_grad(z);
    case activation::tanh: return tanh_grad(z);
  }
  return z;
}

/// out[s] = f(z[s]) for s < n, f = act (derivative = false) or act' (true). One switch per
/// row, then a loop over the samples that calls the inline kernel.
template <Real T>
void activation_row(activation a, bool derivative, const T* z, T* out, std::size_t n) {
  auto each = [&](auto f) {
    for (std::size_t s = 0; s < n; ++s) out[s] = f(z[s]);
  };
  if (!derivative) {
    switch (a) {
      case activation::sigmoid: return each([](const T& v) { return sigmoid(v); });
      case activation::identity: return each([](const T& v) { return v; });
      case activation::relu: return each([](const T& v) { return relu(v); });
      case activation::tanh: return each([](const T& v) { return gradaudit::tanh(v); });
    }
  } else {
    switch (a) {
      case activation::sigmoid: return each([](const T& v) { return sigmoid_grad(v); });
      case activation::identity: return each([](const T& v) { return identity_grad(v); });
      case activation::relu: return each([](const T& v) { return relu_grad(v); });
      case activation::tanh: return each([](const T& v) { return tanh_grad(v); });
    }
  }
}

/// The output layer of one output unit over n samples: g[s] = ∂L_s/∂z_s (before the mean's
/// 1/(n·k)) and the returned sum of the per-sample losses L_s, summed in sample order.
///  - mse: L = mse(a, y), g = mse_grad(a, y)·act'(z);
///  - bce (sigmoid output) and bce_with_logits (identity output): L = bce_with_logits(z, y),
///    g = bce_with_logits_grad(z, y), from the logit z (no log of a rounded σ).
template <Real T>
T output_row(loss_function loss, activation last, const T* z, const T* a, const T* y, T* g, std::size_t n) {
  T sum = 0;
  if (loss == loss_function::mse) {
    for (std::size_t s = 0; s < n; ++s) {
      sum += mse(a[s], y[s]);
      g[s] = mse_grad(a[s], y[s]) * activate_grad(last, z[s]);
    }
    return sum;
  }
  for (std::size_t s = 0; s < n; ++s) {
    if constexpr (binary_kernel_type<T>) {
      sum += static_cast<T>(dbl::bce_with_logits(z[s], y[s]));
      g[s] = static_cast<T>(dbl::bce_with_logits_grad(z[s], y[s]));
    } else {
      sum += bce_with_logits(z[s], y[s]);
      g[s] = bce_with_logits_grad(z[s], y[s]);
    }
  }
  return sum;
}

}  // namespace detail
}  // namespace gradaudit
