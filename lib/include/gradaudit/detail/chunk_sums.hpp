#pragma once
/// \file chunk_sums.hpp
/// One chunk of the trainer's evaluation, in three steps: forward (z and a of every layer),
/// output gradient (the loss sum and ∂L/∂z of the output layer, detail::output_row) and
/// backward (∂L/∂W, ∂L/∂b, and ∂L/∂z of the layers below). Included by network.hpp after the
/// public types; not a header to include on its own.

#include "gradaudit/detail/network_kernels.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace gradaudit::detail {

inline std::size_t padded(std::size_t m) { return (m + 7) / 8 * 8; }

/// Per-thread buffers of a chunk. Each layer keeps its own z, a and ∂L/∂z buffers with room
/// for a whole chunk, used through views of the chunk's padded width: their storage never
/// changes from step to step (resizing them for the shorter last chunk made glibc return and
/// re-fault the pages every step, and the TLB shootdowns cost more than the arithmetic of a
/// 2-8-8-1 network). Rows start at multiples of 8 scalars. No allocation once sizes are known.
template <Real T>
struct chunk_buffers {
  using view = Eigen::Map<matrix<T>, Eigen::Unaligned, Eigen::OuterStride<>>;
  std::vector<matrix<T>> zs, as, ds, gs;
  std::vector<view> z, a, d;
  std::vector<view> g;     ///< act'(z) of the hidden layers, from the forward pass
  vector<T> terms;         ///< the output row's per-sample losses (output_row's scratch)
  Eigen::Index width = 0;  ///< the chunk's padded width

  /// Sizes the buffers for `net` and a chunk of m samples of `data`.
  void bind(const network<T>& net, const batch<T>& data, std::size_t m) {
    const std::size_t L = net.layers.size();
    // Room for the widest chunk of this data set (a whole chunk, or all of a smaller data
    // set: a wide layer on few samples must not touch 1024 columns' worth of pages per unit).
    const Eigen::Index cap =
        static_cast<Eigen::Index>(padded(std::min(chunk_size, data.samples())));
    width = static_cast<Eigen::Index>(padded(m));
    auto bind_one = [&](std::vector<matrix<T>>& store, std::vector<view>& views, std::size_t count,
                        auto rows_of) {
      store.resize(count);
      views.clear();
      for (std::size_t l = 0; l < count; ++l) {
        const Eigen::Index rows = rows_of(l);
        if (store[l].rows() != rows || store[l].cols() != cap) store[l].resize(rows, cap);
        views.emplace_back(store[l].data(), rows, width, Eigen::OuterStride<>(cap));
      }
    };
    bind_one(zs, z, L, [&](std::size_t l) { return net.layers[l].weight.rows(); });
    bind_one(ds, d, L, [&](std::size_t l) { return net.layers[l].weight.rows(); });
    bind_one(gs, g, L - 1, [&](std::size_t l) { return net.layers[l].weight.rows(); });
    bind_one(as, a, L + 1, [&](std::size_t l) {
      return l == 0 ? data.x.rows() : net.layers[l - 1].weight.rows();
    });
    terms.resize(cap);
  }
};

/// Forward pass over samples [begin, begin + m): z = W a + b and a = act(z) for every layer,
/// and act'(z) for the hidden layers, for the backward pass (the padding columns see x = 0).
/// With a BCE loss the output activation is not needed (the loss and gradient come from the
/// logit) and is not computed.
template <Real T>
void forward(const network<T>& net, const batch<T>& data, loss_function loss, std::size_t begin,
             std::size_t m, chunk_buffers<T>& b) {
  const std::size_t L = net.layers.size();
  const Eigen::Index mi = static_cast<Eigen::Index>(m), w = b.width;
  b.a[0].leftCols(mi) = data.x.middleCols(static_cast<Eigen::Index>(begin), mi);
  b.a[0].rightCols(w - mi).setZero();
  for (std::size_t l = 0; l < L; ++l) {
    const auto& layer = net.layers[l];
    const Eigen::Index out = layer.weight.rows(), in = layer.weight.cols();
    for (Eigen::Index j = 0; j < out; ++j) {
      auto zj = b.z[l].row(j);
      zj.setConstant(layer.bias(j));
      for (Eigen::Index i = 0; i < in; ++i)
        row_axpy<T>(layer.weight(j, i), &b.a[l](i, 0), &zj(0), w);
      if (l + 1 < L)
        activation_rows<T>(layer.act, &b.z[l](j, 0), &b.a[l + 1](j, 0), &b.g[l](j, 0),
                           static_cast<std::size_t>(w));
      else if (loss == loss_function::mse)
        activation_row<T>(layer.act, false, &b.z[l](j, 0), &b.a[l + 1](j, 0),
                          static_cast<std::size_t>(w));
    }
  }
}

/// The loss summed over the chunk's samples and outputs, and ∂L/∂z of the output layer into
/// b.d[L-1] (before the mean's 1/(n·k); zero in the padding columns).
template <Real T>
T output_gradient(const network<T>& net, const batch<T>& data, loss_function loss,
                  std::size_t begin, std::size_t m, chunk_buffers<T>& b) {
  const std::size_t L = net.layers.size();
  const Eigen::Index k = net.layers.back().weight.rows(), mi = static_cast<Eigen::Index>(m);
  const activation last = net.layers.back().act;
  auto& dz = b.d[L - 1];
  dz.rightCols(b.width - mi).setZero();
  T sum = 0;
  for (Eigen::Index j = 0; j < k; ++j) {
    // y's row of a row-major matrix is contiguous.
    const T* y = &data.y(j, static_cast<Eigen::Index>(begin));
    sum += output_row<T>(loss, last, &b.z[L - 1](j, 0), &b.a[L](j, 0), y, &dz(j, 0), b.terms.data(),
                         m);
  }
  return sum;
}

/// Backward pass: ∂L/∂W_l = Σ_s d_l a_l^T and ∂L/∂b_l = Σ_s d_l (row sums over the chunk), and
/// d_{l-1} = (W_l^T d_l) ⊙ act'(z_{l-1}), act' as the forward pass kept it (activation_rows).
template <Real T>
void backward(const network<T>& net, chunk_buffers<T>& b, loss_gradient<T>& r) {
  const std::size_t L = net.layers.size();
  r.weight.resize(L);
  r.bias.resize(L);
  for (std::size_t l = L; l-- > 0;) {
    const auto& layer = net.layers[l];
    const auto& dl = b.d[l];
    const Eigen::Index out = layer.weight.rows(), in = layer.weight.cols();
    r.weight[l].resize(out, in);
    r.bias[l].resize(out);
    for (Eigen::Index j = 0; j < out; ++j) {
      r.bias[l](j) = dl.row(j).sum();
      for (Eigen::Index i = 0; i < in; ++i) r.weight[l](j, i) = dl.row(j).dot(b.a[l].row(i));
    }
    if (l == 0) break;
    auto& dprev = b.d[l - 1];
    for (Eigen::Index i = 0; i < in; ++i) {
      auto di = dprev.row(i);
      // 0 + w·d, as when accumulating from a zeroed row (the + 0 turns a -0 into +0).
      di = ((layer.weight(0, i) * dl.row(0)).array() + T(0)).matrix();
      for (Eigen::Index j = 1; j < out; ++j)
        row_axpy<T>(layer.weight(j, i), &dl(j, 0), &di(0), di.size());
      di = (di.array() * b.g[l - 1].row(i).array()).matrix();
      // Padding columns carry no gradient (their dz is 0 at the output and stays 0).
    }
  }
}

/// Sums of the loss and of the gradient over one chunk of samples [begin, end), into `r`
/// (whose matrices are reused: no allocation once their sizes are right).
template <Real T>
void chunk_sums(const network<T>& net, const batch<T>& data, loss_function loss, std::size_t begin,
                std::size_t end, loss_gradient<T>& r) {
  thread_local chunk_buffers<T> b;
  const std::size_t m = end - begin;
  b.bind(net, data, m);
  forward(net, data, loss, begin, m, b);
  r.loss = output_gradient(net, data, loss, begin, m, b);
  backward(net, b, r);
}

}  // namespace gradaudit::detail
