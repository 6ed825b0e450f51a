// gradaudit_bench: per-call cost of gradaudit's activations and losses (double, float,
// ref_t) and of the naive double formulas, over fixed arrays of inputs drawn once.
//
//   gradaudit_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Names read <function>/<implementation>/<input range>; items/s counts function calls.

#include "naive.hpp"

#include "gradaudit/activation.hpp"
#include "gradaudit/loss.hpp"
#include "gradaudit/scalar.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cmath>
#include <random>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using gradaudit::ref_t;
namespace ga = gradaudit;
namespace naive = gradaudit::bench::naive;

constexpr std::size_t kInputs = 4096;    // double and float arrays
constexpr std::size_t kRefInputs = 256;  // ref_t array (a call costs microseconds)

/// `count` values uniform in [-r, r], from a fixed seed (the same on every run).
std::vector<double> draw(double r, std::size_t count, unsigned seed) {
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<double> u(-r, r);
  std::vector<double> v(count);
  for (auto& x : v) x = u(g);
  return v;
}

template <class T>
const std::vector<T>& inputs(int range) {
  static const auto make = [](double r, std::size_t count, unsigned seed) {
    const auto d = draw(r, count, seed);
    return std::vector<T>(d.begin(), d.end());
  };
  static const std::size_t count = std::is_same_v<T, ref_t> ? kRefInputs : kInputs;
  static const std::vector<T> x40 = make(40, count, 40);
  static const std::vector<T> x700 = make(700, count, 700);
  return range == 40 ? x40 : x700;
}

/// Calls f on every input once per iteration.
template <class T, class F>
void run(benchmark::State& state, const std::vector<T>& xs, F f) {
  for (auto _ : state) {
    for (const T& x : xs) {
      auto r = f(x);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(xs.size()));
}

template <class T, class F>
void add(const std::string& function, const std::string& impl, int range, F f) {
  const std::string name = function + "/" + impl + "/x" + std::to_string(range);
  benchmark::RegisterBenchmark(name.c_str(),
                               [range, f](benchmark::State& s) { run<T>(s, inputs<T>(range), f); });
}

/// The same per-call row with the scalar kernels held to their compile-time copy of the fast
/// path (force_portable_scalar: Veltkamp products on x86-64's baseline) instead of the FMA copy
/// the CPU may run (detail/logistic.hpp, GRADAUDIT_SCALAR_FMA_COPY).
template <class F>
void add_portable(const std::string& function, int range, F f) {
  const std::string name = function + "/ours_double_portable/x" + std::to_string(range);
  benchmark::RegisterBenchmark(name.c_str(), [range, f](benchmark::State& s) {
    gradaudit::detail::dbl::force_portable_scalar() = true;
    run<double>(s, inputs<double>(range), f);
    gradaudit::detail::dbl::force_portable_scalar() = false;
  });
}

/// Batch form: one call over the whole input array into an output array (items = values).
template <class F>
void add_batch(const std::string& function, const std::string& impl, int range, F f) {
  const std::string name = function + "/" + impl + "/x" + std::to_string(range);
  benchmark::RegisterBenchmark(name.c_str(), [range, f](benchmark::State& state) {
    const auto& xs = inputs<double>(range);
    std::vector<double> out(xs.size());
    for (auto _ : state) {
      f(std::span<const double>(xs), std::span<double>(out));
      benchmark::DoNotOptimize(out.data());
      benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(xs.size()));
  });
}

/// The naive formula over the array, as a loop the compiler may vectorise.
template <class F>
auto naive_loop(F f) {
  return [f](std::span<const double> x, std::span<double> out) {
    for (std::size_t i = 0; i < x.size(); ++i) out[i] = f(x[i]);
  };
}

/// A narrower copy of a batch fast path than the CPU's widest (`ours_batch_4lanes`: AVX2 + FMA,
/// `ours_batch_2lanes`: SSE2/NEON, the portable copy), chosen through detail::max_lanes and
/// registered beside the dispatched `ours_batch` rows; on a CPU whose widest copy is narrower
/// the row runs that copy.
template <gradaudit::detail::fast_kernel F>
void add_batch_lanes(const std::string& function, int range, double (*f)(double), int lanes) {
  add_batch(function, "ours_batch_" + std::to_string(lanes) + "lanes", range,
            [f, lanes](std::span<const double> x, std::span<double> o) {
              gradaudit::detail::max_lanes() = lanes;
              gradaudit::detail::map_fast<F>(x.data(), o.data(), x.size(), f);
              gradaudit::detail::max_lanes() = 8;
            });
}

/// The trainer's fused rows (detail/logistic_batch.hpp), items = values: σ and σ' of a hidden
/// layer (sigmoid_and_grad), tanh and tanh' of one (tanh_and_grad), and the loss and ∂L/∂z
/// of an output unit with hard labels (bce_hard_rows, y alternating 1, 0); `naive_batch` the
/// same pairs by the naive formulas (σ and s(1 - s); std::tanh and 1 - t²; PyTorch's max(z,0) - z·y
/// + log1p(exp(-|z|)) and σ(z) - y); `ours_batch_4lanes`, `_2lanes` the narrower lane copies
/// (as add_batch_lanes).
void add_trainer_rows(int range) {
  namespace d = gradaudit::detail;
  auto reg = [range](const std::string& name, auto body) {
    const std::string full = name + "/x" + std::to_string(range);
    benchmark::RegisterBenchmark(full.c_str(), [range, body](benchmark::State& state) {
      const auto& xs = inputs<double>(range);
      std::vector<double> y(xs.size()), a(xs.size()), g(xs.size());
      for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<double>(i % 2);
      for (auto _ : state) {
        body(xs, y, a, g);
        benchmark::DoNotOptimize(a.data());
        benchmark::DoNotOptimize(g.data());
        benchmark::ClobberMemory();
      }
      state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                              static_cast<std::int64_t>(xs.size()));
    });
  };
  using vec = std::vector<double>;
  reg("sigmoid_and_grad/ours_batch", [](const vec& x, const vec&, vec& a, vec& g) {
    d::sigmoid_and_grad(x.data(), a.data(), g.data(), x.size());
  });
  reg("sigmoid_and_grad/naive_batch", [](const vec& x, const vec&, vec& a, vec& g) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      a[i] = naive::sigmoid(x[i]);
      g[i] = a[i] * (1 - a[i]);
    }
  });
  reg("tanh_and_grad/ours_batch", [](const vec& x, const vec&, vec& a, vec& g) {
    d::tanh_and_grad(x.data(), a.data(), g.data(), x.size());
  });
  reg("tanh_and_grad/naive_batch", [](const vec& x, const vec&, vec& a, vec& g) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      a[i] = std::tanh(x[i]);
      g[i] = 1 - a[i] * a[i];
    }
  });
  reg("bce_with_logits_and_grad/ours_batch", [](const vec& z, const vec& y, vec& l, vec& g) {
    d::bce_hard_rows(z.data(), y.data(), l.data(), g.data(), z.size(), d::dbl::bce_with_logits,
                     d::dbl::bce_with_logits_grad);
  });
  for (const int lanes : {4, 2}) {  // the narrower copies, as add_batch_lanes
    const std::string copy = "/ours_batch_" + std::to_string(lanes) + "lanes";
    reg("sigmoid_and_grad" + copy, [lanes](const vec& x, const vec&, vec& a, vec& g) {
      d::max_lanes() = lanes;
      d::sigmoid_and_grad(x.data(), a.data(), g.data(), x.size());
      d::max_lanes() = 8;
    });
    reg("bce_with_logits_and_grad" + copy, [lanes](const vec& z, const vec& y, vec& l, vec& g) {
      d::max_lanes() = lanes;
      d::bce_hard_rows(z.data(), y.data(), l.data(), g.data(), z.size(), d::dbl::bce_with_logits,
                       d::dbl::bce_with_logits_grad);
      d::max_lanes() = 8;
    });
  }
  reg("bce_with_logits_and_grad/naive_batch", [](const vec& z, const vec& y, vec& l, vec& g) {
    for (std::size_t i = 0; i < z.size(); ++i) {
      l[i] = naive::bce_with_logits(z[i], y[i]);
      g[i] = naive::bce_with_logits_grad(z[i], y[i]);
    }
  });
}

/// Soft targets: y from a fixed sequence in (0, 1).
double soft_y(double x) { return 0.5 + 0.49 * std::sin(x); }

/// Registers every benchmark at static-initialisation time (benchmark_main runs them).
const bool registered = [] {
  for (const int r : {40, 700}) {
    add_batch("sigmoid", "ours_batch", r,
              [](std::span<const double> x, std::span<double> o) { ga::sigmoid(x, o); });
    add_batch("sigmoid", "naive_batch", r, naive_loop([](double x) { return naive::sigmoid(x); }));
    add_batch("sigmoid_grad", "ours_batch", r,
              [](std::span<const double> x, std::span<double> o) { ga::sigmoid_grad(x, o); });
    add_batch("sigmoid_grad", "naive_batch", r,
              naive_loop([](double x) { return naive::sigmoid_grad(x); }));
    add_batch("log_sigmoid", "ours_batch", r,
              [](std::span<const double> x, std::span<double> o) { ga::log_sigmoid(x, o); });
    add_batch("log_sigmoid", "naive_batch", r,
              naive_loop([](double x) { return naive::log_sigmoid(x); }));
    add_batch("tanh", "ours_batch", r,
              [](std::span<const double> x, std::span<double> o) { ga::tanh(x, o); });
    add_batch("tanh", "naive_batch", r, naive_loop([](double x) { return std::tanh(x); }));
    add_batch("tanh_grad", "ours_batch", r,
              [](std::span<const double> x, std::span<double> o) { ga::tanh_grad(x, o); });
    add_batch("tanh_grad", "naive_batch", r,
              naive_loop([](double x) { return naive::tanh_grad(x); }));
    {
      namespace d = gradaudit::detail;
      for (const int lanes : {4, 2}) {
        add_batch_lanes<d::fast_kernel::sigmoid>("sigmoid", r, d::dbl::sigmoid, lanes);
        add_batch_lanes<d::fast_kernel::sigmoid_grad>("sigmoid_grad", r, d::dbl::sigmoid_grad,
                                                      lanes);
        add_batch_lanes<d::fast_kernel::log_sigmoid>("log_sigmoid", r, d::dbl::log_sigmoid, lanes);
        add_batch_lanes<d::fast_kernel::tanh>("tanh", r, d::dbl::tanh, lanes);
        add_batch_lanes<d::fast_kernel::tanh_grad>("tanh_grad", r, d::dbl::tanh_grad, lanes);
      }
    }
    add_trainer_rows(r);

    add<double>("bce_with_logits_soft", "ours_double", r,
                [](double z) { return ga::bce_with_logits<double>(z, soft_y(z)); });
    add<double>("bce_with_logits_soft", "naive_double", r,
                [](double z) { return naive::bce_with_logits(z, soft_y(z)); });
    add<double>("bce_with_logits_grad_soft", "ours_double", r,
                [](double z) { return ga::bce_with_logits_grad<double>(z, soft_y(z)); });
    add<double>("bce_with_logits_grad_soft", "naive_double", r,
                [](double z) { return naive::bce_with_logits_grad(z, soft_y(z)); });
    // At the root: y = RN(σ(z)), where the dd kernel cannot decide and MPFR answers.
    add<double>("bce_with_logits_grad_root", "ours_double", r, [](double z) {
      return ga::bce_with_logits_grad<double>(z, ga::sigmoid<double>(z));
    });
    add<double>("bce_with_logits_grad_root", "naive_double", r,
                [](double z) { return naive::bce_with_logits_grad(z, ga::sigmoid<double>(z)); });
    add<double>("bce_grad_soft", "ours_double", r, [](double z) {
      const double p = 0.5 + z / 1500;
      return ga::bce_grad<double>(p, soft_y(z));
    });
    add<double>("bce_grad_soft", "naive_double", r, [](double z) {
      const double p = 0.5 + z / 1500;
      return naive::bce_grad(p, soft_y(z));
    });

    add<double>("sigmoid", "ours_double", r, [](double x) { return ga::sigmoid<double>(x); });
    add_portable("sigmoid", r, [](double x) { return ga::sigmoid<double>(x); });
    add<double>("sigmoid", "naive_double", r, [](double x) { return naive::sigmoid(x); });
    add<float>("sigmoid", "ours_float", r, [](float x) { return ga::sigmoid<float>(x); });
    add<float>("sigmoid", "naive_float", r, [](float x) { return naive::sigmoid(x); });

    add<double>("sigmoid_grad", "ours_double", r,
                [](double x) { return ga::sigmoid_grad<double>(x); });
    add_portable("sigmoid_grad", r, [](double x) { return ga::sigmoid_grad<double>(x); });
    add<double>("sigmoid_grad", "naive_double", r, [](double x) { return naive::sigmoid_grad(x); });
    add<float>("sigmoid_grad", "ours_float", r, [](float x) { return ga::sigmoid_grad<float>(x); });
    add<float>("sigmoid_grad", "naive_float", r, [](float x) { return naive::sigmoid_grad(x); });

    add<double>("log_sigmoid", "ours_double", r,
                [](double x) { return ga::log_sigmoid<double>(x); });
    add_portable("log_sigmoid", r, [](double x) { return ga::log_sigmoid<double>(x); });
    add<double>("log_sigmoid", "naive_double", r, [](double x) { return naive::log_sigmoid(x); });
    add<float>("log_sigmoid", "ours_float", r, [](float x) { return ga::log_sigmoid<float>(x); });
    add<float>("log_sigmoid", "naive_float", r, [](float x) { return naive::log_sigmoid(x); });

    add<double>("bce_with_logits_y1", "ours_double", r,
                [](double z) { return ga::bce_with_logits<double>(z, 1.0); });
    add_portable("bce_with_logits_y1", r,
                 [](double z) { return ga::bce_with_logits<double>(z, 1.0); });
    add<double>("bce_with_logits_y1", "naive_double", r,
                [](double z) { return naive::bce_with_logits(z, 1.0); });
    add<float>("bce_with_logits_y1", "ours_float", r,
               [](float z) { return ga::bce_with_logits<float>(z, 1.0f); });
    add<float>("bce_with_logits_y1", "naive_float", r,
               [](float z) { return naive::bce_with_logits(z, 1.0f); });

    add<double>("bce_with_logits_grad_y1", "ours_double", r,
                [](double z) { return ga::bce_with_logits_grad<double>(z, 1.0); });
    add_portable("bce_with_logits_grad_y1", r,
                 [](double z) { return ga::bce_with_logits_grad<double>(z, 1.0); });
    add<double>("bce_with_logits_grad_y1", "naive_double", r,
                [](double z) { return naive::bce_with_logits_grad(z, 1.0); });
    add<float>("bce_with_logits_grad_y1", "ours_float", r,
               [](float z) { return ga::bce_with_logits_grad<float>(z, 1.0f); });
    add<float>("bce_with_logits_grad_y1", "naive_float", r,
               [](float z) { return naive::bce_with_logits_grad(z, 1.0f); });

    add<double>("tanh", "ours_double", r, [](double x) { return ga::tanh<double>(x); });
    add_portable("tanh", r, [](double x) { return ga::tanh<double>(x); });
    add<double>("tanh", "naive_double", r, [](double x) { return std::tanh(x); });
    add<double>("tanh_grad", "ours_double", r, [](double x) { return ga::tanh_grad<double>(x); });
    add_portable("tanh_grad", r, [](double x) { return ga::tanh_grad<double>(x); });
    add<double>("tanh_grad", "naive_double", r, [](double x) { return naive::tanh_grad(x); });
    add<float>("tanh_grad", "ours_float", r, [](float x) { return ga::tanh_grad<float>(x); });
    add<float>("tanh_grad", "naive_float", r, [](float x) { return naive::tanh_grad(x); });

    add<ref_t>("sigmoid", "ours_ref_t", r, [](const ref_t& x) { return ga::sigmoid<ref_t>(x); });
    add<ref_t>("sigmoid_grad", "ours_ref_t", r,
               [](const ref_t& x) { return ga::sigmoid_grad<ref_t>(x); });
  }
  return true;
}();

}  // namespace
