// gradaudit_unit_costs: the unit costs behind side_by_side.py's bound on a training epoch,
// measured in this build (portable: SSE2 packets of 2 doubles, no FMA; GRADAUDIT_NATIVE: the
// machine's widest packets):
//
//   gradaudit_unit_costs --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//                        --benchmark_out=units.json --benchmark_out_format=json
//   side_by_side.py --unit-costs units.json ...
//
// The bound's terms (items/s of each row; side_by_side.py reads the medians):
//   exp/eigen_packet     Eigen's packet exp over a chunk-long row: the exp the trainer calls
//                        (activation_row's `(-z).exp()` and bce_logit_rows' pexp);
//   log/eigen_packet     Eigen's packet log over a row: bce_logit_rows' plog;
//   mul/peak, add/peak   independent packet multiplies, adds, from registers: with
//                        -ffp-contract=off and no FMA a multiply-add is one of each, on
//                        separate pipes, so the core's peak multiply-add rate in this build is
//                        the smaller of the two;
//   clock/dependent_add  a chain of dependent integer adds (1 cycle each): the clock.
// Not in the bound, measured to say where a step's time goes beyond it:
//   div/eigen_packet     1/z over a row (the σ of activation_row and of bce_logit_rows divide);
//   sigmoid_row/trainer, sigmoid_grad_row/trainer, bce_logit_rows/trainer: the trainer's own
//                        kernels (detail/network_kernels.hpp) per value;
//   axpy_row/trainer     z += w·a over a row, as forward() and backward()'s propagation write it;
//   dot_row/trainer      a row's dot product, as backward()'s weight gradient writes it.
// Rows are chunk_size (1024) values in L1, inputs drawn once from a fixed seed.

#include "gradaudit/network.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace {

namespace ei = Eigen::internal;
using gradaudit::chunk_size;
using row = Eigen::Array<double, 1, Eigen::Dynamic>;
using packet = ei::packet_traits<double>::type;
constexpr int lanes = ei::packet_traits<double>::size;

/// chunk_size values uniform in [lo, hi], from a fixed seed.
row draw(double lo, double hi, unsigned seed) {
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  row r(static_cast<Eigen::Index>(chunk_size));
  for (auto& v : r) v = u(g);
  return r;
}

/// Items = values of a row per iteration; the packet width as a counter.
void per_value(benchmark::State& state) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(chunk_size));
  state.counters["lanes"] = lanes;
}

/// Pre-activations z ∈ [-10, 10] (the exp is branch-free: the same cost for any z).
void exp_eigen_packet(benchmark::State& state) {
  const row z = draw(-10, 10, 1);
  row o(z.size());
  for (auto _ : state) {
    o = z.exp();
    benchmark::DoNotOptimize(o.data());
    benchmark::ClobberMemory();
  }
  per_value(state);
}

/// Products of 16 factors t = 1 + e ∈ [1, 2], as bce_logit_rows takes their log.
void log_eigen_packet(benchmark::State& state) {
  const row t = draw(1, 65536, 2);
  row o(t.size());
  for (auto _ : state) {
    o = t.log();
    benchmark::DoNotOptimize(o.data());
    benchmark::ClobberMemory();
  }
  per_value(state);
}

void div_eigen_packet(benchmark::State& state) {
  const row t = draw(1, 2, 3);
  row o(t.size());
  for (auto _ : state) {
    o = t.inverse();
    benchmark::DoNotOptimize(o.data());
    benchmark::ClobberMemory();
  }
  per_value(state);
}

/// Eight independent chains of packet multiplies (a = a·m) or of packet adds (b = b + c) from
/// registers: items = lanes per operation. Eight chains cover a latency of up to 4 cycles on
/// 2 pipes; m = 1 - 2^-30 and c = 2^-40 keep every value normal for 2^30 steps. Without FMA
/// (the portable build, -ffp-contract=off) a multiply-add is one of each, on separate pipes,
/// so the peak multiply-add rate is the smaller of the two rows. (6 chains of each in one
/// loop reached 1.4-1.6 pairs per cycle, below either pipe's rate: not a peak.)
template <bool multiply>
void chains(benchmark::State& state) {
  constexpr std::int64_t steps = 4096;
  const packet m = ei::pset1<packet>(1 - 0x1p-30), c = ei::pset1<packet>(0x1p-40);
  auto op = [&](packet& x) { x = multiply ? ei::pmul(x, m) : ei::padd(x, c); };
  for (auto _ : state) {
    packet x0 = ei::pset1<packet>(1.0), x1 = ei::pset1<packet>(1.1), x2 = ei::pset1<packet>(1.2),
           x3 = ei::pset1<packet>(1.3), x4 = ei::pset1<packet>(1.4), x5 = ei::pset1<packet>(1.5),
           x6 = ei::pset1<packet>(1.6), x7 = ei::pset1<packet>(1.7);
    for (std::int64_t s = 0; s < steps; ++s) {
      op(x0), op(x1), op(x2), op(x3), op(x4), op(x5), op(x6), op(x7);
    }
    double sink = ei::predux(ei::padd(ei::padd(ei::padd(x0, x1), ei::padd(x2, x3)),
                                      ei::padd(ei::padd(x4, x5), ei::padd(x6, x7))));
    benchmark::DoNotOptimize(sink);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * steps * 8 * lanes);
  state.counters["lanes"] = lanes;
}

void mul_peak(benchmark::State& s) { chains<true>(s); }
void add_peak(benchmark::State& s) { chains<false>(s); }

/// x + 1, kept in a register and opaque to the optimiser (an empty asm statement that
/// "changes" x), so that a chain of them cannot be folded into one add.
inline void add_one(std::uint64_t& x) {
  x += 1;
#if defined(__GNUC__)
  __asm__ volatile("" : "+r"(x));
#else
  benchmark::DoNotOptimize(x);
#endif
}

/// A chain of dependent integer adds: one per cycle, so items/s is the clock (the loop
/// control runs beside it on other ALUs).
void clock_dependent_add(benchmark::State& state) {
  constexpr std::int64_t steps = 1 << 16;
  for (auto _ : state) {
    std::uint64_t x = 0;
    for (std::int64_t s = 0; s < steps; s += 8) {
      add_one(x), add_one(x), add_one(x), add_one(x);
      add_one(x), add_one(x), add_one(x), add_one(x);
    }
    benchmark::DoNotOptimize(x);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * steps);
}

/// forward()'s σ row (activation_row: one exp and one division per value).
void sigmoid_row_trainer(benchmark::State& state) {
  const row z = draw(-5, 5, 4);
  row o(z.size());
  for (auto _ : state) {
    gradaudit::detail::activation_row<double>(gradaudit::activation::sigmoid, false, z.data(),
                                              o.data(), chunk_size);
    benchmark::DoNotOptimize(o.data());
    benchmark::ClobberMemory();
  }
  per_value(state);
}

/// backward()'s σ' row: a(1 - a) from the forward's a (activation_grad_row; no exp).
void sigmoid_grad_row_trainer(benchmark::State& state) {
  const row z = draw(-5, 5, 4);
  row a(z.size()), o(z.size());
  gradaudit::detail::activation_row<double>(gradaudit::activation::sigmoid, false, z.data(),
                                            a.data(), chunk_size);
  for (auto _ : state) {
    gradaudit::detail::activation_grad_row<double>(gradaudit::activation::sigmoid, z.data(),
                                                   a.data(), o.data(), chunk_size);
    benchmark::DoNotOptimize(o.data());
    benchmark::ClobberMemory();
  }
  per_value(state);
}

/// The output layer's loss and ∂L/∂z of one unit over a chunk (labels 0/1).
void bce_logit_rows_trainer(benchmark::State& state) {
  const row z = draw(-5, 5, 5);
  row y = draw(0, 1, 6);
  for (auto& v : y) v = v > 0.5 ? 1 : 0;
  row g(z.size());
  for (auto _ : state) {
    double loss = gradaudit::detail::bce_logit_rows(z.data(), y.data(), g.data(), z.size());
    benchmark::DoNotOptimize(loss);
    benchmark::ClobberMemory();
  }
  per_value(state);
}

/// forward()'s `zj += w·a.row(i)` (and backward()'s `di += w·dl.row(j)`) on Eigen row maps.
void axpy_row_trainer(benchmark::State& state) {
  const row a = draw(0, 1, 7);
  row z = draw(-1, 1, 8);
  Eigen::Map<Eigen::Matrix<double, 1, Eigen::Dynamic>> zm(z.data(), z.size());
  const Eigen::Map<const Eigen::Matrix<double, 1, Eigen::Dynamic>> am(a.data(), a.size());
  double w = 0x1p-20;
  for (auto _ : state) {
    zm += w * am;
    w = -w;  // z returns to its start every two iterations
    benchmark::ClobberMemory();
  }
  per_value(state);
}

/// backward()'s `dl.row(j).dot(b.a[l].row(i))`.
void dot_row_trainer(benchmark::State& state) {
  const row a = draw(0, 1, 9), d = draw(-1, 1, 10);
  const Eigen::Map<const Eigen::Matrix<double, 1, Eigen::Dynamic>> am(a.data(), a.size()),
      dm(d.data(), d.size());
  for (auto _ : state) {
    double s = dm.dot(am);
    benchmark::DoNotOptimize(s);
  }
  per_value(state);
}

BENCHMARK(exp_eigen_packet)->Name("exp/eigen_packet");
BENCHMARK(log_eigen_packet)->Name("log/eigen_packet");
BENCHMARK(mul_peak)->Name("mul/peak");
BENCHMARK(add_peak)->Name("add/peak");
BENCHMARK(clock_dependent_add)->Name("clock/dependent_add");
BENCHMARK(div_eigen_packet)->Name("div/eigen_packet");
BENCHMARK(sigmoid_row_trainer)->Name("sigmoid_row/trainer");
BENCHMARK(sigmoid_grad_row_trainer)->Name("sigmoid_grad_row/trainer");
BENCHMARK(bce_logit_rows_trainer)->Name("bce_logit_rows/trainer");
BENCHMARK(axpy_row_trainer)->Name("axpy_row/trainer");
BENCHMARK(dot_row_trainer)->Name("dot_row/trainer");

}  // namespace
