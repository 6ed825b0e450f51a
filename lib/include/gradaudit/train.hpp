#pragma once
/// \file train.hpp
/// Initialisers, full-batch gradient descent (the article's `optim.SGD` over the whole data
/// set at every step) and per-step diagnostics.

#include "gradaudit/network.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace gradaudit {

/// How to fill a weight matrix or a bias vector.
/// zeros | constant:C | uniform:A (U(-A, A)) | normal:S (N(0, S²)) | torch (nn.Linear's
/// default: weights and biases U(-1/√fan_in, 1/√fan_in), what kaiming_uniform_(a=√5) gives).
struct initializer {
  enum class kind { zeros, constant, uniform, normal, torch };
  kind k = kind::zeros;
  double value = 0;
};

/// Parses the forms above; throws std::invalid_argument naming the text.
initializer parse_initializer(std::string_view text);
std::string to_string(const initializer& init);

/// A reproducible random stream: mt19937_64 (its sequence is fixed by the C++ standard) with
/// our own uniform and Box–Muller normal (the std:: distributions are not portable).
class random_stream {
 public:
  explicit random_stream(std::uint64_t seed) : g_(seed) {}
  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(g_() >> 11) * 0x1p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u = 0;
    do u = uniform();
    while (u == 0);
    const double v = uniform();
    const double r = std::sqrt(-2 * std::log(u));
    spare_ = r * std::sin(2 * M_PI * v);
    has_spare_ = true;
    return r * std::cos(2 * M_PI * v);
  }

 private:
  std::mt19937_64 g_;
  bool has_spare_ = false;
  double spare_ = 0;
};

/// Fills every layer's weights with `weights` and biases with `biases`, drawing from `seed`
/// (layer by layer, weights row by row, then the biases).
void initialize(network<double>& net, const initializer& weights, const initializer& biases,
                std::uint64_t seed);

/// Thrown when training produces a non-finite loss or gradient.
class training_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Samples × units (rows of all layers) from which a training step is spread over threads.
inline constexpr std::size_t parallel_work = 40000;

struct train_options {
  loss_function loss = loss_function::bce;
  double learning_rate = 0.01;
  int epochs = 100;
  /// At most; capped by the number of chunks of `chunk_size` samples (a thread without a
  /// chunk would only wait), and one when a step is smaller than `parallel_work`.
  int threads = 1;
  /// Keep a step_record per step (~160 bytes each): off, training keeps no per-step memory.
  bool record_history = true;
};

/// Diagnostics of one step, taken at the parameters before its update.
struct step_record {
  int step = 0;
  double loss = 0;
  std::vector<double> weight_grad_norm;  ///< Frobenius norm of ∂L/∂W per layer
  std::vector<double> bias_grad_norm;
  std::vector<int> distinct_units;  ///< per hidden layer
};

/// Units of hidden layer `l` (not the last) that differ: units whose incoming weights, bias
/// and outgoing weights are bitwise equal count as one.
template <Real T>
int distinct_units(const network<T>& net, std::size_t l);

template <Real T>
struct train_result {
  std::vector<step_record> history;
  T final_loss = 0;    ///< mean loss of the final parameters on the training data
  double seconds = 0;  ///< the training loop alone
  int threads = 1;     ///< threads the steps ran on
};

/// Full-batch gradient descent for `epochs` steps: θ ← θ - lr·∂L/∂θ. `progress(step)` is
/// called after each step. Throws std::invalid_argument for a bad learning rate or epoch
/// count. Every step checks the loss, every gradient (weights and biases) and, after the
/// update, every parameter: the first non-finite value throws training_error naming the
/// step and the tensor ("layer 0 bias 2"); the cause it suggests is the initialisation for
/// non-finite initial parameters or a loss or gradient at step 0 (before any update), the
/// learning rate afterwards.
template <Real T>
train_result<T> train(network<T>& net, const batch<T>& data, const train_options& opt,
                      const std::function<void(int)>& progress = {});

}  // namespace gradaudit

// ---- implementation ----------------------------------------------------------------------

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>

namespace gradaudit {

inline initializer parse_initializer(std::string_view text) {
  const auto colon = text.find(':');
  const std::string_view head = text.substr(0, colon);
  auto number = [&]() -> double {
    if (colon == std::string_view::npos)
      throw std::invalid_argument("initializer '" + std::string(text) +
                                  "' needs a value after ':'");
    const std::string v(text.substr(colon + 1));
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    if (v.empty() || end != v.c_str() + v.size() || !std::isfinite(d))
      throw std::invalid_argument("initializer '" + std::string(text) + "': '" + v +
                                  "' is not a finite number");
    return d;
  };
  auto no_value = [&](initializer::kind k) {
    if (colon != std::string_view::npos)
      throw std::invalid_argument("initializer '" + std::string(text) + "' takes no value");
    return initializer{k, 0};
  };
  if (head == "zeros") return no_value(initializer::kind::zeros);
  if (head == "torch") return no_value(initializer::kind::torch);
  if (head == "constant") return {initializer::kind::constant, number()};
  if (head == "uniform" || head == "normal") {
    const double v = number();
    if (!(v >= 0))
      throw std::invalid_argument("initializer '" + std::string(text) +
                                  "': the scale must be >= 0");
    return {head == "uniform" ? initializer::kind::uniform : initializer::kind::normal, v};
  }
  throw std::invalid_argument("initializer '" + std::string(text) +
                              "' is not one of zeros, constant:C, uniform:A, normal:S, torch");
}

inline std::string to_string(const initializer& init) {
  char buf[64];
  switch (init.k) {
    case initializer::kind::zeros:
      return "zeros";
    case initializer::kind::torch:
      return "torch";
    case initializer::kind::constant:
      std::snprintf(buf, sizeof buf, "constant:%.17g", init.value);
      return buf;
    case initializer::kind::uniform:
      std::snprintf(buf, sizeof buf, "uniform:%.17g", init.value);
      return buf;
    case initializer::kind::normal:
      std::snprintf(buf, sizeof buf, "normal:%.17g", init.value);
      return buf;
  }
  return "?";
}

inline void initialize(network<double>& net, const initializer& weights, const initializer& biases,
                       std::uint64_t seed) {
  random_stream rng(seed);
  auto draw = [&](const initializer& init, double fan_in) {
    switch (init.k) {
      case initializer::kind::zeros:
        return 0.0;
      case initializer::kind::constant:
        return init.value;
      case initializer::kind::uniform:
        return rng.uniform(-init.value, init.value);
      case initializer::kind::normal:
        return init.value * rng.normal();
      case initializer::kind::torch: {
        const double b = 1 / std::sqrt(fan_in);
        return rng.uniform(-b, b);
      }
    }
    return 0.0;
  };
  for (auto& layer : net.layers) {
    const double fan_in = static_cast<double>(layer.weight.cols());
    for (Eigen::Index j = 0; j < layer.weight.rows(); ++j)
      for (Eigen::Index i = 0; i < layer.weight.cols(); ++i)
        layer.weight(j, i) = draw(weights, fan_in);
    for (Eigen::Index j = 0; j < layer.bias.size(); ++j) layer.bias(j) = draw(biases, fan_in);
  }
}

template <Real T>
int distinct_units(const network<T>& net, std::size_t l) {
  if (l + 1 >= net.layers.size())
    throw std::invalid_argument("distinct_units: layer " + std::to_string(l) + " is not hidden");
  const auto& in = net.layers[l];
  const auto& out = net.layers[l + 1];
  // Units sorted by their parameters (bias, incoming weights, outgoing weights), compared by
  // value and then by the sign of zero (so "equal" is bitwise equal for finite values; NaNs
  // sort last and count as equal to each other), then runs counted: O(n log n) comparisons
  // of units, where comparing every pair made a 20 000-unit layer take seconds per step
  // (found by fuzzing `gradaudit train`).
  auto order = [](const T& a, const T& b) -> int {
    const bool na = detail::is_nan(a), nb = detail::is_nan(b);
    if (na || nb) return static_cast<int>(na) - static_cast<int>(nb);
    if (a < b) return -1;
    if (b < a) return 1;
    return static_cast<int>(std::signbit(static_cast<double>(b))) -
           static_cast<int>(std::signbit(static_cast<double>(a)));
  };
  auto compare = [&](Eigen::Index j, Eigen::Index r) -> int {
    if (const int c = order(in.bias(j), in.bias(r))) return c;
    for (Eigen::Index i = 0; i < in.weight.cols(); ++i)
      if (const int c = order(in.weight(j, i), in.weight(r, i))) return c;
    for (Eigen::Index k = 0; k < out.weight.rows(); ++k)
      if (const int c = order(out.weight(k, j), out.weight(k, r))) return c;
    return 0;
  };
  std::vector<Eigen::Index> units(static_cast<std::size_t>(in.weight.rows()));
  for (std::size_t j = 0; j < units.size(); ++j) units[j] = static_cast<Eigen::Index>(j);
  std::sort(units.begin(), units.end(),
            [&](Eigen::Index a, Eigen::Index b) { return compare(a, b) < 0; });
  int distinct = units.empty() ? 0 : 1;
  for (std::size_t j = 1; j < units.size(); ++j) distinct += compare(units[j - 1], units[j]) != 0;
  return distinct;
}

namespace detail {

/// "layer L weight (j, i) is V" or "layer L bias j is V" for the first non-finite entry of
/// layer l's pair (w, b) (weights first, row by row), or "" when all are finite.
template <Real T>
std::string first_non_finite(const matrix<T>& w, const vector<T>& b, std::size_t l) {
  auto bad = [](const T& v) { return is_nan(v) || is_inf(v); };
  for (Eigen::Index j = 0; j < w.rows(); ++j)
    for (Eigen::Index i = 0; i < w.cols(); ++i)
      if (bad(w(j, i)))
        return "layer " + std::to_string(l) + " weight (" + std::to_string(j) + ", " +
               std::to_string(i) + ") is " + show(w(j, i));
  for (Eigen::Index j = 0; j < b.size(); ++j)
    if (bad(b(j)))
      return "layer " + std::to_string(l) + " bias " + std::to_string(j) + " is " + show(b(j));
  return "";
}

/// What to suspect for a non-finite value seen at `step` (before its update).
inline std::string divergence_hint(int step, double learning_rate) {
  if (step == 0) return " (step 0, before any update: the initial parameters are the cause)";
  return " (learning rate " + show(learning_rate) + " too large?)";
}

/// Throws training_error for the first non-finite loss or gradient of step `step`.
template <Real T>
void check_gradient(const loss_gradient<T>& g, int step, double learning_rate) {
  if (is_nan(g.loss) || is_inf(g.loss))
    throw training_error("step " + std::to_string(step) + ": the loss is " + show(g.loss) +
                         divergence_hint(step, learning_rate));
  for (std::size_t l = 0; l < g.weight.size(); ++l)
    if (const std::string what = first_non_finite(g.weight[l], g.bias[l], l); !what.empty())
      throw training_error("step " + std::to_string(step) + ": the gradient of " + what +
                           divergence_hint(step, learning_rate));
}

/// Throws training_error for the first non-finite parameter: of the initialisation
/// (`step` < 0) or after the update of step `step`.
template <Real T>
void check_parameters(const network<T>& net, int step, double learning_rate) {
  for (std::size_t l = 0; l < net.layers.size(); ++l)
    if (const std::string what = first_non_finite(net.layers[l].weight, net.layers[l].bias, l);
        !what.empty())
      throw training_error(step < 0
                               ? "step 0, before any update: the initial " + what +
                                     ": the initialisation is the cause"
                               : "step " + std::to_string(step) + ": after the update, " + what +
                                     " (learning rate " + show(learning_rate) + " too large?)");
}

}  // namespace detail

template <Real T>
train_result<T> train(network<T>& net, const batch<T>& data, const train_options& opt,
                      const std::function<void(int)>& progress) {
  if (!(std::isfinite(opt.learning_rate) && opt.learning_rate > 0))
    throw std::invalid_argument("learning rate " + detail::show(opt.learning_rate) +
                                " is not a positive finite number");
  if (opt.epochs < 0)
    throw std::invalid_argument("epochs " + std::to_string(opt.epochs) + " is negative");
  check_shapes(net, data, opt.loss);
  check_targets(data, opt.loss);
  train_result<T> result;
  const T lr = T(opt.learning_rate);
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<worker_pool> pool;
  // Threads pay only when a step has enough work: with one chunk there is nothing to share,
  // and below ~40 000 sample·units a step (15–25 µs) costs less than the hand-offs between
  // threads. Measured with `gradaudit train` on 10 000 samples, 2 cores: 2-2-1 (3 units)
  // 24 ms on one thread against 27 ms on two, 2-4-1 (5 units) 41 against 34 ms, 2-8-1 72
  // against 47 ms, the article's 2-1 18 against 28–34 ms. The result is the same either way.
  std::size_t units = 0;
  for (const auto& l : net.layers) units += static_cast<std::size_t>(l.weight.rows());
  const std::size_t chunks = (data.samples() + chunk_size - 1) / chunk_size;
  const std::size_t threads = std::min(static_cast<std::size_t>(std::max(opt.threads, 1)), chunks);
  if (threads > 1 && data.samples() * units >= parallel_work)
    pool = std::make_unique<worker_pool>(static_cast<int>(threads));
  result.threads = pool ? static_cast<int>(pool->size()) : 1;
  detail::check_parameters(net, -1, opt.learning_rate);
  for (int step = 0; step < opt.epochs; ++step) {
    auto g = evaluate(net, data, opt.loss, pool.get());
    detail::check_gradient(g, step, opt.learning_rate);
    if (opt.record_history) {
      step_record rec;
      rec.step = step;
      rec.loss = static_cast<double>(g.loss);
      for (std::size_t l = 0; l < g.weight.size(); ++l) {
        rec.weight_grad_norm.push_back(static_cast<double>(sqrt(g.weight[l].squaredNorm())));
        rec.bias_grad_norm.push_back(static_cast<double>(sqrt(g.bias[l].squaredNorm())));
      }
      for (std::size_t l = 0; l + 1 < net.layers.size(); ++l)
        rec.distinct_units.push_back(distinct_units(net, l));
      result.history.push_back(std::move(rec));
    }
    for (std::size_t l = 0; l < g.weight.size(); ++l) {
      net.layers[l].weight -= lr * g.weight[l];
      net.layers[l].bias -= lr * g.bias[l];
    }
    detail::check_parameters(net, step, opt.learning_rate);
    if (progress) progress(step + 1);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  result.final_loss = evaluate(net, data, opt.loss, pool.get()).loss;
  if (detail::is_nan(result.final_loss) || detail::is_inf(result.final_loss))
    throw training_error("after step " + std::to_string(opt.epochs) + ": the loss is " +
                         detail::show(result.final_loss));
  return result;
}

}  // namespace gradaudit

#include "gradaudit/detail/train_instances.hpp"
