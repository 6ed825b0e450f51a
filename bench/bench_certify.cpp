// The certified engine's cost: ball operations at the starting precision and at 1024 bits, a
// jet derivative, and one certified derivative check as a claim makes it (the unit of an
// audit's cases/s). Run: build/default/bench/gradaudit_bench_certify --benchmark_repetitions=5
#include "gradaudit/testing/certify.hpp"
#include "gradaudit/testing/definitions.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace gradaudit::testing;

void ball_multiply(benchmark::State& st) {
  precision_scope p(st.range(0));
  const ball a = ball(1) / ball(3), b = ball(2) / ball(7);
  for (auto _ : st) benchmark::DoNotOptimize(a * b);
}
BENCHMARK(ball_multiply)->Arg(128)->Arg(1024);

void ball_exp(benchmark::State& st) {
  precision_scope p(st.range(0));
  const ball a = ball(1) / ball(3);
  for (auto _ : st) benchmark::DoNotOptimize(exp(a));
}
BENCHMARK(ball_exp)->Arg(128)->Arg(1024);

void ball_log1p(benchmark::State& st) {
  precision_scope p(st.range(0));
  const ball a = ball(1) / ball(3);
  for (auto _ : st) benchmark::DoNotOptimize(log1p(a));
}
BENCHMARK(ball_log1p)->Arg(128)->Arg(1024);

/// d/dw (y - σ(w·x))² over three weights by jets: value and gradient in one pass.
void jet_mse_sigmoid_gradient(benchmark::State& st) {
  const std::vector<double> x{0.5, -1.25, 2.0};
  const std::vector<ball> w{ball(0.75), ball(-0.5), ball(0.125)};
  auto loss = [&](const auto& v) { return def::mse(def::sigmoid(def::dot(v, x)), 1.0); };
  for (auto _ : st) benchmark::DoNotOptimize(gradient(loss, std::span<const ball>(w)));
}
BENCHMARK(jet_mse_sigmoid_gradient);

/// One case of a derivative claim: σ'(x) against σ(1 - σ) certified to 17 digits, at a
/// moderate x (128 bits suffice) and at x = 700 (the engine climbs to ~2048 bits).
void certified_sigmoid_identity(benchmark::State& st) {
  const double x = static_cast<double>(st.range(0));
  auto sigma = [](const auto& t) { return def::sigmoid(t); };
  auto claimed = [](const ball& t) {
    const ball s = def::sigmoid(t);
    return s * (1 - s);
  };
  for (auto _ : st) check_derivative("σ'", sigma, claimed, x);
}
BENCHMARK(certified_sigmoid_identity)->Arg(3)->Arg(700);

}  // namespace
