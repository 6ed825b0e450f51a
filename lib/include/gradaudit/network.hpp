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

#include "gradaudit/activation.hpp"
#include "gradaudit/loss.hpp"
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

enum class activation { sigmoid, identity, relu, tanh };
std::string_view name(activation a);
/// "sigmoid" | "identity" (also "linear") | "relu" | "tanh"; throws std::invalid_argument.
activation parse_activation(std::string_view s);

/// mse: (a - y)² averaged over samples and outputs; bce: -(y log a + (1-y) log(1-a)) on the
/// outputs of a sigmoid layer; bce_with_logits: the same loss computed from the pre-sigmoid
/// output of an identity layer.
enum class loss_function { mse, bce, bce_with_logits };
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
    for (const auto& l : layers) out.layers.push_back({l.weight.template cast<U>(), l.bias.template cast<U>(), l.act});
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
  return !detail::is_nan(y) && !detail::is_inf(y) && (loss == loss_function::mse || (y >= 0 && y <= 1));
}

/// Outputs (outputs × samples) of the network.
template <Real T>
matrix<T> predict(const network<T>& net, const matrix<T>& x);

/// Mean loss over the batch and its gradient. `threads` > 1 processes chunks in parallel;
/// the result is bitwise the same for every thread count.
template <Real T>
loss_gradient<T> evaluate(const network<T>& net, const batch<T>& data, loss_function loss,
                          int threads = 1);

namespace detail {

inline std::size_t padded(std::size_t m) { return (m + 7) / 8 * 8; }

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

/// Element-wise activation of a row. For double/float the sigmoid and tanh go through
/// Eigen's vectorised exp/tanh (the training fast path, a few ULP, identical for identical
/// inputs); for the reference type the exact kernels.
template <Real T, class Row, class Out>
void activate_row(activation a, const Row& z, Out&& out) {
  if constexpr (std::is_floating_point_v<T>) {
    switch (a) {
      case activation::sigmoid: out = (T(1) + (-z.array()).exp()).inverse().matrix(); return;
      case activation::identity: out = z; return;
      case activation::relu: out = z.array().max(T(0)).matrix(); return;
      case activation::tanh: out = z.array().tanh().matrix(); return;
    }
  } else {
    for (Eigen::Index s = 0; s < z.size(); ++s) out(s) = activate(a, T(z(s)));
  }
}

/// act'(z) from z and a = act(z), element-wise (σ' = a(1-a), tanh' = 1 - a², relu' = [z > 0]).
template <Real T, class Row, class ARow, class Out>
void activation_grad_row(activation act, const Row& z, const ARow& a, Out&& out) {
  switch (act) {
    case activation::sigmoid: out = (a.array() * (T(1) - a.array())).matrix(); return;
    case activation::identity: out.setConstant(T(1)); return;
    case activation::relu:
      for (Eigen::Index s = 0; s < z.size(); ++s) out(s) = z(s) > 0 ? T(1) : T(0);
      return;
    case activation::tanh: out = (T(1) - a.array() * a.array()).matrix(); return;
  }
}

/// For z (logits) and y of m samples: g = σ(z) - y and the sum over the samples of the BCE
/// loss max(z,0) - z·y + log(1 + e^-|z|) (PyTorch's BCEWithLogits formula), with one exp per
/// sample: e = e^-|z|, σ(z) = (z >= 0 ? 1 : e)/(1 + e). For bce on a sigmoid output this is
/// -(y log σ + (1-y) log(1-σ)) without the log of a rounded σ. One pass in SIMD packets.
///
/// The log terms are summed as the log of products: each lane multiplies the t = 1 + e ∈ [1, 2]
/// of `block` consecutive packets (so a product stays below 2^block, far from overflow) and
/// takes one log per block; the log was half of a training step's time. Error of a block of n
/// samples per lane: the n - 1 roundings of the product are a relative error ≤ (n-1)u, i.e. an
/// absolute error ≤ (n-1)u in its log, plus the log's own few ULP of a value ≤ n·ln 2, i.e.
/// ≤ 3·ulp(n ln 2) ≤ 3·n·u for n = 16 (ulp(11.1) = 2^-49 = 16u): ≤ 4u per sample, against
/// ≈ 2u per sample (rounding of 1 + e, then of its log) for a log per sample. Deterministic:
/// the grouping depends only on the sample's place in its chunk.
template <Real T>
T bce_logit_rows(const T* z, const T* y, T* g, Eigen::Index m) {
  namespace ei = Eigen::internal;
  using P = typename ei::packet_traits<T>::type;
  constexpr Eigen::Index W = ei::packet_traits<T>::size;
  constexpr int block = 16;
  const P one = ei::pset1<P>(T(1)), zero = ei::pset1<P>(T(0));
  P linear = zero, logs = zero, product = one;
  int in_block = 0;
  auto step = [&](const P& zp, const P& yp) {
    const P e = ei::pexp(ei::pnegate(ei::pabs(zp)));
    const P t = ei::padd(one, e);
    const P inv = ei::pdiv(one, t);
    linear = ei::padd(linear, ei::psub(ei::pmax(zp, zero), ei::pmul(zp, yp)));
    product = ei::pmul(product, t);
    if (++in_block == block) {
      logs = ei::padd(logs, ei::plog(product));
      product = one;
      in_block = 0;
    }
    return ei::psub(ei::pselect(ei::pcmp_le(zero, zp), inv, ei::pmul(e, inv)), yp);
  };
  const Eigen::Index full = m / W * W;
  for (Eigen::Index s = 0; s < full; s += W) ei::pstoreu(g + s, step(ei::ploadu<P>(z + s), ei::ploadu<P>(y + s)));
  if (full < m) {  // the last m - full samples, through a packet padded with z = -inf:
    // there e = 0, t = 1 (a factor 1 in the product), max(z, 0) - z·y = 0 - (-inf)·0 is NaN,
    // so the linear part of the padded lanes is taken separately below.
    alignas(64) T zt[W], yt[W] = {}, gt[W];
    for (Eigen::Index s = 0; s < W; ++s) zt[s] = full + s < m ? z[full + s] : -std::numeric_limits<T>::infinity();
    for (Eigen::Index s = full; s < m; ++s) yt[s - full] = y[s];
    const P saved = linear;
    ei::pstore(gt, step(ei::pload<P>(zt), ei::pload<P>(yt)));
    linear = saved;
    T tail = 0;
    for (Eigen::Index s = full; s < m; ++s) {
      g[s] = gt[s - full];
      tail += std::max(z[s], T(0)) - z[s] * y[s];
    }
    return ei::predux(ei::padd(linear, ei::padd(logs, ei::plog(product)))) + tail;
  }
  return ei::predux(ei::padd(linear, ei::padd(logs, ei::plog(product))));
}

/// Sums of the loss and of the gradient over one chunk of samples [begin, end), into `r`
/// (whose matrices are reused: no allocation once their sizes are right).
template <Real T>
void chunk_sums(const network<T>& net, const batch<T>& data, loss_function loss, std::size_t begin,
                std::size_t end, loss_gradient<T>& r) {
  const std::size_t m = end - begin, mp = padded(m);
  const std::size_t L = net.layers.size();
  // Buffers reused from step to step (per thread): no allocation once the sizes are known.
  // Each layer keeps its own z, a and dL/dz buffers with room for a whole chunk, used through
  // views of the chunk's padded width: their storage never changes from step to step.
  // (Resizing them for the shorter last chunk made glibc return and re-fault the pages every
  // step, and the TLB shootdowns cost more than the arithmetic of a 2-8-8-1 network.) A view's
  // rows start at multiples of 8 scalars as before, so the rounding is the same.
  using view = Eigen::Map<matrix<T>, Eigen::Unaligned, Eigen::OuterStride<>>;
  thread_local std::vector<matrix<T>> zs, as, ds;
  thread_local std::vector<view> z, a, d;
  thread_local vector<T> gact;
  // Room for the widest chunk of this data set (a whole chunk, or all of a smaller data set:
  // a wide layer on few samples must not touch 1024 columns' worth of pages per unit).
  const Eigen::Index cap = static_cast<Eigen::Index>(padded(std::min(chunk_size, data.samples()))),
                     w = static_cast<Eigen::Index>(mp);
  auto bind = [&](std::vector<matrix<T>>& store, std::vector<view>& views, std::size_t count, auto rows_of) {
    store.resize(count);
    views.clear();
    for (std::size_t l = 0; l < count; ++l) {
      const Eigen::Index rows = rows_of(l);
      if (store[l].rows() != rows || store[l].cols() != cap) store[l].resize(rows, cap);
      views.emplace_back(store[l].data(), rows, w, Eigen::OuterStride<>(cap));
    }
  };
  bind(zs, z, L, [&](std::size_t l) { return net.layers[l].weight.rows(); });
  bind(ds, d, L, [&](std::size_t l) { return net.layers[l].weight.rows(); });
  bind(as, a, L + 1, [&](std::size_t l) { return l == 0 ? data.x.rows() : net.layers[l - 1].weight.rows(); });
  gact.resize(cap);
  a[0].leftCols(m) = data.x.middleCols(begin, m);
  a[0].rightCols(mp - m).setZero();
  // With a BCE loss on floating types the output layer's activation is formed together with
  // the loss (one exp per sample), below.
  const bool fused_output = std::is_floating_point_v<T> && loss != loss_function::mse;
  for (std::size_t l = 0; l < L; ++l) {
    const auto& layer = net.layers[l];
    const Eigen::Index out = layer.weight.rows(), in = layer.weight.cols();
    for (Eigen::Index j = 0; j < out; ++j) {
      auto zj = z[l].row(j);
      zj.setConstant(layer.bias(j));
      for (Eigen::Index i = 0; i < in; ++i) zj += layer.weight(j, i) * a[l].row(i);
      if (!(fused_output && l + 1 == L)) activate_row<T>(layer.act, zj, a[l + 1].row(j));
    }
  }
  // dL/dz of the last layer, per sample (before the 1/(n·k) of the mean), and the loss sum.
  // Floating types take the vectorised row formulas (the training fast path: the loss terms
  // are PyTorch's formulas, within a few ULP); the reference type the exact kernels.
  const Eigen::Index k = net.layers.back().weight.rows();
  const activation last = net.layers.back().act;
  view& dz = d[L - 1];
  dz.rightCols(static_cast<Eigen::Index>(mp - m)).setZero();  // padding: no gradient
  r.loss = 0;
  const Eigen::Index mi = static_cast<Eigen::Index>(m);
  for (Eigen::Index j = 0; j < k; ++j) {
    const auto y = data.y.row(j).segment(static_cast<Eigen::Index>(begin), mi).array();
    const auto out = a[L].row(j).head(mi).array();
    const auto zz = z[L - 1].row(j).head(mi).array();
    auto g = dz.row(j).head(mi).array();
    if constexpr (std::is_floating_point_v<T>) {
      switch (loss) {
        case loss_function::mse: {
          const Eigen::Array<T, 1, Eigen::Dynamic> d = out - y;
          r.loss += (d * d).sum();
          g = T(2) * d;
          if (last == activation::sigmoid) g = g * out * (T(1) - out);
          else if (last == activation::tanh) g = g * (T(1) - out * out);
          else if (last == activation::relu) g = g * (zz > T(0)).template cast<T>();
          break;
        }
        case loss_function::bce:  // sigmoid output: dL/dz = σ(z) - y
        case loss_function::bce_with_logits: {  // identity output: the same from the logit
          // One exp per sample: e = e^-|z|, σ(z) = (z >= 0 ? 1 : e)/(1 + e), and the loss
          // max(z,0) - z·y + log(1 + e) (PyTorch's BCEWithLogits formula, with log(1+e) for
          // log1p(e): Eigen vectorises log, not log1p; the absolute error per sample stays
          // below 2^-52). For bce this is -(y log σ + (1-y) log(1-σ)) without the log of a
          // rounded σ.
          r.loss += bce_logit_rows<T>(zz.data(), y.data(), g.data(), mi);
          break;
        }
      }
    } else {
      for (Eigen::Index s = 0; s < mi; ++s) {
        switch (loss) {
          case loss_function::mse: {
            const T d = out(s) - y(s);
            r.loss += d * d;
            T gs = 2 * d;
            if (last == activation::sigmoid) gs *= out(s) * (1 - out(s));
            else if (last == activation::tanh) gs *= 1 - out(s) * out(s);
            else if (last == activation::relu) gs *= zz(s) > 0 ? T(1) : T(0);
            g(s) = gs;
            break;
          }
          case loss_function::bce:
            r.loss += bce(T(out(s)), T(y(s)));
            g(s) = out(s) - y(s);
            break;
          case loss_function::bce_with_logits:
            r.loss += bce_with_logits(T(zz(s)), T(y(s)));
            g(s) = bce_with_logits_grad(T(zz(s)), T(y(s)));
            break;
        }
      }
    }
  }
  r.weight.resize(L);
  r.bias.resize(L);
  for (std::size_t l = L; l-- > 0;) {
    const auto& layer = net.layers[l];
    const view& dl = d[l];
    const Eigen::Index out = layer.weight.rows(), in = layer.weight.cols();
    r.weight[l].resize(out, in);
    r.bias[l].resize(out);
    for (Eigen::Index j = 0; j < out; ++j) {
      r.bias[l](j) = dl.row(j).sum();
      for (Eigen::Index i = 0; i < in; ++i) r.weight[l](j, i) = dl.row(j).dot(a[l].row(i));
    }
    if (l == 0) break;
    view& dprev = d[l - 1];
    const auto& below = net.layers[l - 1];
    for (Eigen::Index i = 0; i < in; ++i) {
      auto di = dprev.row(i);
      // 0 + w·d, as when accumulating from a zeroed row (the + 0 turns a -0 into +0).
      di = ((layer.weight(0, i) * dl.row(0)).array() + T(0)).matrix();
      for (Eigen::Index j = 1; j < out; ++j) di += layer.weight(j, i) * dl.row(j);
      activation_grad_row<T>(below.act, z[l - 1].row(i), a[l].row(i), gact.head(w).transpose());
      di = (di.array() * gact.head(w).transpose().array()).matrix();
      // Padding columns carry no gradient (their dz is 0 at the output and stays 0).
    }
  }
}

}  // namespace detail
}  // namespace gradaudit

// ---- implementation ----------------------------------------------------------------------

#include <atomic>
#include <functional>
#include <thread>

namespace gradaudit {

inline std::string_view name(activation a) {
  switch (a) {
    case activation::sigmoid: return "sigmoid";
    case activation::identity: return "identity";
    case activation::relu: return "relu";
    case activation::tanh: return "tanh";
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
    case loss_function::mse: return "mse";
    case loss_function::bce: return "bce";
    case loss_function::bce_with_logits: return "bce_with_logits";
  }
  return "?";
}

inline loss_function parse_loss(std::string_view s) {
  if (s == "mse") return loss_function::mse;
  if (s == "bce") return loss_function::bce;
  if (s == "bce_with_logits" || s == "bce_logits") return loss_function::bce_with_logits;
  throw std::invalid_argument("loss '" + std::string(s) + "' is not one of mse, bce, bce_with_logits");
}

template <Real T>
network<T> network<T>::zeros(const std::vector<int>& widths, const std::vector<activation>& acts) {
  if (widths.size() < 2)
    throw std::invalid_argument("network: need at least an input and an output width, got " +
                                std::to_string(widths.size()) + " width(s)");
  if (acts.size() != widths.size() - 1)
    throw std::invalid_argument("network: " + std::to_string(widths.size() - 1) +
                                " layers need as many activations, got " + std::to_string(acts.size()));
  network<T> net;
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    if (widths[l] < 1 || widths[l + 1] < 1)
      throw std::invalid_argument("network: width " + std::to_string(widths[l] < 1 ? widths[l] : widths[l + 1]) +
                                  " of layer " + std::to_string(widths[l] < 1 ? l : l + 1) + " is not positive");
    net.layers.push_back({matrix<T>::Zero(widths[l + 1], widths[l]), vector<T>::Zero(widths[l + 1]), acts[l]});
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
        throw domain_error("targets: sample " + std::to_string(s) + " has y = " + detail::show(y) +
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
      throw std::invalid_argument("layer " + std::to_string(l) + ": bias has " + std::to_string(layer.bias.size()) +
                                  " entries for " + std::to_string(layer.weight.rows()) + " units");
    if (l > 0 && layer.weight.cols() != net.layers[l - 1].weight.rows())
      throw std::invalid_argument("layer " + std::to_string(l) + " takes " + std::to_string(layer.weight.cols()) +
                                  " inputs but layer " + std::to_string(l - 1) + " has " +
                                  std::to_string(net.layers[l - 1].weight.rows()) + " units");
  }
  if (data.x.rows() != net.inputs())
    throw std::invalid_argument("the data has " + std::to_string(data.x.rows()) + " features but the network takes " +
                                std::to_string(net.inputs()) + " inputs");
  if (data.y.rows() != net.outputs() || data.y.cols() != data.x.cols())
    throw std::invalid_argument("targets are " + std::to_string(data.y.rows()) + " × " + std::to_string(data.y.cols()) +
                                " but the network has " + std::to_string(net.outputs()) + " output(s) and the data " +
                                std::to_string(data.x.cols()) + " samples");
  if (data.x.cols() == 0) throw std::invalid_argument("the data set is empty");
  const activation last = net.layers.back().act;
  if (loss == loss_function::bce && last != activation::sigmoid)
    throw std::invalid_argument("loss bce needs a sigmoid output layer (got " + std::string(name(last)) +
                                "); use bce_with_logits with an identity output");
  if (loss == loss_function::bce_with_logits && last != activation::identity)
    throw std::invalid_argument("loss bce_with_logits needs an identity output layer (got " + std::string(name(last)) + ")");
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
      matrix<T> zrow = zj;
      detail::activate_row<T>(layer.act, zrow.row(0), next.row(j));
    }
    a = std::move(next);
  }
  return a;
}

/// Threads that stay alive between steps: `run(f)` calls f(0), …, f(size() - 1) at once, one
/// per thread (f(0) on the caller), and returns when all are done. Workers spin between
/// jobs (a training step is ~50 µs; waking a thread through a condition variable cost ~30 µs
/// here, more than the work it takes over), so a pool should live only as long as a run.
class worker_pool {
 public:
  explicit worker_pool(int threads) {
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i] { loop(static_cast<std::size_t>(i)); });
  }
  ~worker_pool() {
    stop_.store(true, std::memory_order_release);
    for (auto& w : workers_) w.join();
  }
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;
  std::size_t size() const { return workers_.size() + 1; }
  void run(const std::function<void(std::size_t)>& f) {
    job_ = &f;
    pending_.store(workers_.size(), std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    f(0);
    for (unsigned spins = 0; pending_.load(std::memory_order_acquire) != 0;) pause(spins);
    job_ = nullptr;
  }

 private:
  /// Spins a while, then yields: a spinning waiter must not keep the thread it waits for off
  /// a busy machine's cores.
  static void pause(unsigned& spins) {
    if (++spins < 2048) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    } else {
      std::this_thread::yield();
    }
  }
  void loop(std::size_t id) {
    std::size_t seen = 0;
    for (;;) {
      std::size_t g;
      for (unsigned spins = 0; (g = generation_.load(std::memory_order_acquire)) == seen;) {
        if (stop_.load(std::memory_order_acquire)) return;
        pause(spins);
      }
      seen = g;
      (*job_)(id);
      pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }
  std::vector<std::thread> workers_;
  const std::function<void(std::size_t)>* job_ = nullptr;
  std::atomic<std::size_t> pending_{0}, generation_{0};
  std::atomic<bool> stop_{false};
};

/// As `evaluate`, with the chunks spread over `pool` (nullptr: this thread alone).
template <Real T>
loss_gradient<T> evaluate(const network<T>& net, const batch<T>& data, loss_function loss, worker_pool* pool) {
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
      detail::chunk_sums(net, data, loss, c * chunk_size, std::min(n, (c + 1) * chunk_size), part[c]);
  };
  if (pool && chunks > 1) pool->run(work);
  else for (std::size_t i = 0; i < t; ++i) work(i);
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
loss_gradient<T> evaluate(const network<T>& net, const batch<T>& data, loss_function loss, int threads) {
  check_targets(data, loss);
  if (threads <= 1) return evaluate(net, data, loss, static_cast<worker_pool*>(nullptr));
  worker_pool pool(threads);
  return evaluate(net, data, loss, &pool);
}

}  // namespace gradaudit
