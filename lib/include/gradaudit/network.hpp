#pragma once
/// \file network.hpp
/// Fully connected networks on Eigen arrays of any `Real` scalar, with a hand-written
/// backward pass for MSE and BCE (on probabilities or on logits), the loss averaged over the
/// batch as PyTorch's `reduction='mean'` does.
///
/// Layout and determinism. Samples are processed in fixed chunks of `chunk_size` columns,
/// each copied into buffers whose rows (one per unit) start at a multiple of 8 scalars. Every
/// unit of a layer is computed by the same sequence of element-wise operations on equally
/// aligned rows, so units with bitwise equal parameters stay bitwise equal; per-chunk sums are
/// combined in chunk order, so the result does not depend on how many threads ran the chunks.
/// No Eigen matrix product is used: a blocked GEMM may round different units differently.

#include "gradaudit/detail/network_kernels.hpp"
#include "gradaudit/scalar.hpp"

#include <Eigen/Core>
#include <boost/multiprecision/eigen.hpp>

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gradaudit {

/// Row-major dynamic matrix: a layer's weight is (outputs × inputs), as in PyTorch.
template <Real T>
using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <Real T>
using vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

// enum class activation { sigmoid, identity, relu, tanh } and
// enum class loss_function { mse, bce, bce_with_logits } are in detail/network_kernels.hpp.
std::string_view name(activation a);
/// "sigmoid" | "identity" (also "linear") | "relu" | "tanh"; throws std::invalid_argument.
activation parse_activation(std::string_view s);

std::string_view name(loss_function l);
loss_function parse_loss(std::string_view s);

template <Real T>
struct dense_layer {
  matrix<T> weight;  ///< outputs × inputs
  vector<T> bias;    ///< outputs
  activation act = activation::sigmoid;
};

template <Real T>
struct network {
  std::vector<dense_layer<T>> layers;
  int inputs() const { return layers.empty() ? 0 : static_cast<int>(layers.front().weight.cols()); }
  int outputs() const { return layers.empty() ? 0 : static_cast<int>(layers.back().weight.rows()); }

  /// Zero-initialised layers of the given widths, e.g. {2, 8, 8, 1}, one activation each.
  static network zeros(const std::vector<int>& widths, const std::vector<activation>& acts);
  /// The same network in another scalar type (exact when widening).
  template <Real U>
  network<U> cast() const {
    network<U> out;
    for (const auto& l : layers)
      out.layers.push_back({l.weight.template cast<U>(), l.bias.template cast<U>(), l.act});
    return out;
  }
};

/// A batch: inputs as (features × samples), targets as (outputs × samples).
template <Real T>
struct batch {
  matrix<T> x;
  matrix<T> y;
  std::size_t samples() const { return static_cast<std::size_t>(x.cols()); }
};

/// The loss and its gradient wrt every weight and bias (same shapes as the network).
template <Real T>
struct loss_gradient {
  T loss = 0;
  std::vector<matrix<T>> weight;
  std::vector<vector<T>> bias;
};

inline constexpr std::size_t chunk_size = 1024;

/// Throws std::invalid_argument (naming the layer and the sizes) unless the network and the
/// batch fit together and the loss fits the last activation.
template <Real T>
void check_shapes(const network<T>& net, const batch<T>& data, loss_function loss);

/// Throws domain_error naming the first offending sample (0-based) and its value unless every
/// target is finite and, for bce and bce_with_logits, in [0, 1]. `evaluate` and `train` call
/// it once per call; it is separate from check_shapes so that a training step does not pay it.
template <Real T>
void check_targets(const batch<T>& data, loss_function loss);

/// Whether check_targets accepts the target y for `loss` (finite; in [0, 1] for the BCEs).
template <Real T>
bool target_allowed(const T& y, loss_function loss) {
  return !detail::is_nan(y) && !detail::is_inf(y) &&
         (loss == loss_function::mse || (y >= 0 && y <= 1));
}

/// Outputs (outputs × samples) of the network.
template <Real T>
matrix<T> predict(const network<T>& net, const matrix<T>& x);

/// Mean loss over the batch and its gradient. `threads` > 1 processes chunks in parallel;
/// the result is bitwise the same for every thread count.
template <Real T>
loss_gradient<T> evaluate(const network<T>& net, const batch<T>& data, loss_function loss,
                          int threads = 1);

}  // namespace gradaudit

// The chunk evaluation (forward / output gradient / backward) needs the types above.
#include "gradaudit/detail/chunk_sums.hpp"
#include "gradaudit/detail/worker_pool.hpp"

// ---- implementation ----------------------------------------------------------------------

#include <functional>

namespace gradaudit {

inline std::string_view name(activation a) {
  switch (a) {
    case activation::sigmoid:
      return "sigmoid";
    case activation::identity:
      return "identity";
    case activation::relu:
      return "relu";
    case activation::tanh:
      return "tanh";
  }
  return "?";
}

inline activation parse_activation(std::string_view s) {
  if (s == "sigmoid") return activation::sigmoid;
  if (s == "identity" || s == "linear") return activation::identity;
  if (s == "relu") return activation::relu;
  if (s == "tanh") return activation::tanh;
  throw std::invalid_argument("activation '" + std::string(s) +
                              "' is not one of sigmoid, identity, relu, tanh");
}

inline std::string_view name(loss_function l) {
  switch (l) {
    case loss_function::mse:
      return "mse";
    case loss_function::bce:
      return "bce";
    case loss_function::bce_with_logits:
      return "bce_with_logits";
  }
  return "?";
}

inline loss_function parse_loss(std::string_view s) {
  if (s == "mse") return loss_function::mse;
  if (s == "bce") return loss_function::bce;
  if (s == "bce_with_logits" || s == "bce_logits") return loss_function::bce_with_logits;
  throw std::invalid_argument("loss '" + std::string(s) +
                              "' is not one of mse, bce, bce_with_logits");
}

template <Real T>
network<T> network<T>::zeros(const std::vector<int>& widths, const std::vector<activation>& acts) {
  if (widths.size() < 2)
    throw std::invalid_argument("network: need at least an input and an output width, got " +
                                std::to_string(widths.size()) + " width(s)");
  if (acts.size() != widths.size() - 1)
    throw std::invalid_argument("network: " + std::to_string(widths.size() - 1) +
                                " layers need as many activations, got " +
                                std::to_string(acts.size()));
  network<T> net;
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    if (widths[l] < 1 || widths[l + 1] < 1)
      throw std::invalid_argument(
          "network: width " + std::to_string(widths[l] < 1 ? widths[l] : widths[l + 1]) +
          " of layer " + std::to_string(widths[l] < 1 ? l : l + 1) + " is not positive");
    net.layers.push_back(
        {matrix<T>::Zero(widths[l + 1], widths[l]), vector<T>::Zero(widths[l + 1]), acts[l]});
  }
  return net;
}

template <Real T>
void check_targets(const batch<T>& data, loss_function loss) {
  const bool probabilities = loss != loss_function::mse;
  for (Eigen::Index s = 0; s < data.y.cols(); ++s)
    for (Eigen::Index j = 0; j < data.y.rows(); ++j) {
      const T& y = data.y(j, s);
      if (!target_allowed(y, loss))
        throw domain_error(
            "targets: sample " + std::to_string(s) + " has y = " + detail::show(y) +
            (probabilities ? ", outside [0, 1], which loss " + std::string(name(loss)) + " needs"
                           : ", which is not finite"));
    }
}

template <Real T>
void check_shapes(const network<T>& net, const batch<T>& data, loss_function loss) {
  if (net.layers.empty()) throw std::invalid_argument("network has no layers");
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const auto& layer = net.layers[l];
    if (layer.bias.size() != layer.weight.rows())
      throw std::invalid_argument("layer " + std::to_string(l) + ": bias has " +
                                  std::to_string(layer.bias.size()) + " entries for " +
                                  std::to_string(layer.weight.rows()) + " units");
    if (l > 0 && layer.weight.cols() != net.layers[l - 1].weight.rows())
      throw std::invalid_argument("layer " + std::to_string(l) + " takes " +
                                  std::to_string(layer.weight.cols()) + " inputs but layer " +
                                  std::to_string(l - 1) + " has " +
                                  std::to_string(net.layers[l - 1].weight.rows()) + " units");
  }
  if (data.x.rows() != net.inputs())
    throw std::invalid_argument("the data has " + std::to_string(data.x.rows()) +
                                " features but the network takes " + std::to_string(net.inputs()) +
                                " inputs");
  if (data.y.rows() != net.outputs() || data.y.cols() != data.x.cols())
    throw std::invalid_argument("targets are " + std::to_string(data.y.rows()) + " × " +
                                std::to_string(data.y.cols()) + " but the network has " +
                                std::to_string(net.outputs()) + " output(s) and the data " +
                                std::to_string(data.x.cols()) + " samples");
  if (data.x.cols() == 0) throw std::invalid_argument("the data set is empty");
  const activation last = net.layers.back().act;
  if (loss == loss_function::bce && last != activation::sigmoid)
    throw std::invalid_argument("loss bce needs a sigmoid output layer (got " +
                                std::string(name(last)) +
                                "); use bce_with_logits with an identity output");
  if (loss == loss_function::bce_with_logits && last != activation::identity)
    throw std::invalid_argument("loss bce_with_logits needs an identity output layer (got " +
                                std::string(name(last)) + ")");
}

template <Real T>
matrix<T> predict(const network<T>& net, const matrix<T>& x) {
  matrix<T> a = x;
  for (const auto& layer : net.layers) {
    matrix<T> next(layer.weight.rows(), a.cols());
    for (Eigen::Index j = 0; j < layer.weight.rows(); ++j) {
      auto zj = next.row(j);
      zj.setConstant(layer.bias(j));
      for (Eigen::Index i = 0; i < layer.weight.cols(); ++i) zj += layer.weight(j, i) * a.row(i);
      detail::activation_row<T>(layer.act, false, &next(j, 0), &next(j, 0),
                                static_cast<std::size_t>(next.cols()));
    }
    a = std::move(next);
  }
  return a;
}

/// As `evaluate`, with the chunks spread over `pool` (nullptr: this thread alone).
template <Real T>
loss_gradient<T> evaluate(const network<T>& net, const batch<T>& data, loss_function loss,
                          worker_pool* pool) {
  check_shapes(net, data, loss);
  const std::size_t n = data.samples();
  const std::size_t chunks = (n + chunk_size - 1) / chunk_size;
  // Per-chunk sums, kept from call to call by the calling thread: a training step allocates
  // nothing once the sizes are known.
  thread_local std::vector<loss_gradient<T>> mine;
  if (mine.size() < chunks) mine.resize(chunks);
  auto& part = mine;  // a reference the workers share (naming `mine` there is their own)
  const std::size_t t = pool ? pool->size() : 1;
  // Chunk c goes to thread c mod t; every chunk's sums are the same whoever computes them.
  std::function<void(std::size_t)> work = [&](std::size_t first) {
    for (std::size_t c = first; c < chunks; c += t)
      detail::chunk_sums(net, data, loss, c * chunk_size, std::min(n, (c + 1) * chunk_size),
                         part[c]);
  };
  if (pool && chunks > 1)
    pool->run(work);
  else
    for (std::size_t i = 0; i < t; ++i) work(i);
  // Combine in chunk order (fixed), then divide by n·k as reduction='mean' does.
  loss_gradient<T> r = part[0];
  for (std::size_t c = 1; c < chunks; ++c) {
    r.loss += part[c].loss;
    for (std::size_t l = 0; l < r.weight.size(); ++l) {
      r.weight[l] += part[c].weight[l];
      r.bias[l] += part[c].bias[l];
    }
  }
  const T scale = T(1) / (T(static_cast<double>(n)) * T(static_cast<double>(net.outputs())));
  r.loss *= scale;
  for (std::size_t l = 0; l < r.weight.size(); ++l) {
    r.weight[l] *= scale;
    r.bias[l] *= scale;
  }
  return r;
}

template <Real T>
loss_gradient<T> evaluate(const network<T>& net, const batch<T>& data, loss_function loss,
                          int threads) {
  check_targets(data, loss);
  if (threads <= 1) return evaluate(net, data, loss, static_cast<worker_pool*>(nullptr));
  worker_pool pool(threads);
  return evaluate(net, data, loss, &pool);
}

}  // namespace gradaudit

#include "gradaudit/detail/network_instances.hpp"
