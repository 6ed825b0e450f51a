// gradaudit_unit_costs: the unit costs behind side_by_side.py's bound on a training epoch,
// measured in this build (portable: SSE2 packets of 2 doubles, no FMA; GRADAUDIT_NATIVE: the
// machine's widest packets):
//
//   gradaudit_unit_costs --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//                        --benchmark_out=units.json --benchmark_out_format=json
//   side_by_side.py --unit-costs units.json ...
//
// The bound's terms (items/s of each row; side_by_side.py reads the medians):
//   exp/fast_lanes       the 1-ULP kernels' exp (exp_fast with its low part) on the vector
//                        lanes the batch forms choose: the exp of the trainer's σ rows and
//                        loss rows (detail/logistic_lanes.hpp);
//   log/fast_lanes       their log1p (with its low part): the loss row's log σ;
//   mul/peak, add/peak   independent packet multiplies, adds, from registers: with
//                        -ffp-contract=off and no FMA a multiply-add is one of each, on
//                        separate pipes, so the peak multiply-add rate of Eigen's packets in
//                        this build is the smaller of the two (the trainer's dot products);
//   mul/peak_widest, add/peak_widest  the same on the core's widest vectors (AVX-512 or AVX2,
//                        where the CPU has them): the core's peak, which the bound uses when
//                        present (the trainer's row updates run on those vectors);
//   clock/dependent_add  a chain of dependent integer adds (1 cycle each): the clock.
// Not in the bound, measured to say where a step's time goes beyond it:
//   exp/eigen_packet, log/eigen_packet  Eigen's packet exp and log (the float trainer's);
//   div/eigen_packet     1/z over a row (each σ divides once);
//   sigmoid_row/trainer, bce_logit_rows/trainer: the trainer's own kernels
//                        (detail/network_kernels.hpp) per value: σ and σ' of a hidden unit,
//                        the loss and ∂L/∂z of an output unit;
//   axpy_row/trainer     z += w·a over a row, as forward() and backward()'s propagation write it;
//   dot_row/trainer      a row's dot product, as backward()'s weight gradient writes it.
// Rows are chunk_size (1024) values in L1, inputs drawn once from a fixed seed.

#include "gradaudit/network.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
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

/// The 1-ULP kernels' exp and log on the vector lanes, the units of the trainer's σ rows and
/// loss rows (logistic_lanes.hpp): exp_fast(t) and log1p(e) with their low parts, per value,
/// in the copy the batch forms choose (AVX-512 or AVX2 + FMA where the CPU has it, else 2 lanes).
namespace ln = gradaudit::detail::lanes;

/// out = exp_fast(t) (log = false) or log1p(t + t·2^-60) (log = true), hi + lo, N lanes at a
/// time in the copy NS; the FMA copies' log is -log1p(e) as log σ forms it (x_minus_log1p with
/// x0 = 0), the portable copy's log1p_dd (a macro: the AVX2 and AVX-512 bodies must be compiled
/// under their target).
#define GRADAUDIT_LANE_ROW(NAME, NS, N, CALL)              \
  void NAME(const double* t, double* out, std::size_t n) { \
    using V = ln::vec<N>::d;                               \
    for (std::size_t i = 0; i + N <= n; i += N) {          \
      V v;                                                 \
      std::memcpy(&v, t + i, sizeof v);                    \
      const auto e = CALL;                                 \
      const V s = e.hi + e.lo;                             \
      std::memcpy(out + i, &s, sizeof s);                  \
    }                                                      \
  }                                                        \
  static_assert(N > 0) /* so that a call ends with ';' */

#if GRADAUDIT_VECTOR_KERNELS && defined(__x86_64__)
__attribute__((target("avx2,fma")))
GRADAUDIT_LANE_ROW(exp_fast4, avx2_fma, 4, ln::avx2_fma::exp_fast<4>(v));
__attribute__((target("avx2,fma")))
GRADAUDIT_LANE_ROW(log1p4, avx2_fma, 4,
                   (ln::avx2_fma::x_minus_log1p<4>(V{}, ln::vdd<V>{v, v * 0x1p-60})));
__attribute__((target(GRADAUDIT_AVX512_TARGET)))
GRADAUDIT_LANE_ROW(exp_fast8, avx512, 8, ln::avx512::exp_fast<8>(v));
__attribute__((target(GRADAUDIT_AVX512_TARGET)))
GRADAUDIT_LANE_ROW(log1p8, avx512, 8,
                   (ln::avx512::x_minus_log1p<8>(V{}, ln::vdd<V>{v, v * 0x1p-60})));
#endif
#if GRADAUDIT_VECTOR_KERNELS
GRADAUDIT_LANE_ROW(exp_fast2, base, 2, ln::base::exp_fast<2>(v));
GRADAUDIT_LANE_ROW(log1p2, base, 2, (ln::base::log1p<2>(ln::vdd<V>{v, v * 0x1p-60})));
#endif

/// The copy the batch forms choose, over a row.
template <bool log>
void lanes_row(benchmark::State& state) {
#if GRADAUDIT_VECTOR_KERNELS
  const row t = log ? draw(0, 1, 11) : draw(-40, 0, 12);
  row o(t.size());
  auto* f = log ? log1p2 : exp_fast2;
#if defined(__x86_64__)
  if (gradaudit::detail::lanes::width() == 8) f = log ? log1p8 : exp_fast8;
  if (gradaudit::detail::lanes::width() == 4) f = log ? log1p4 : exp_fast4;
#endif
  for (auto _ : state) {
    f(t.data(), o.data(), chunk_size);
    benchmark::DoNotOptimize(o.data());
    benchmark::ClobberMemory();
  }
  per_value(state);
  state.counters["lanes"] = gradaudit::detail::lanes::width();  // the kernel's copy, not Eigen's
#else
  state.SkipWithError("no vector kernels in this build");
#endif
}
void exp_fast_lanes(benchmark::State& s) { lanes_row<false>(s); }
void log1p_lanes(benchmark::State& s) { lanes_row<true>(s); }

/// Products of 16 factors t = 1 + e ∈ [1, 2], as bce_logit_packets (float) takes their log.
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

#if GRADAUDIT_VECTOR_KERNELS && defined(__x86_64__)
/// The same chains on the core's widest vectors (8 lanes with AVX-512, 4 with AVX2), from GCC
/// vector types in a function compiled for them: the core's peak, which the trainer's row
/// update (detail::row_axpy) reaches for and the bound is held to (mul/peak_widest,
/// add/peak_widest; registered only where the CPU has a copy wider than SSE2).
template <bool multiply, int N>
[[gnu::always_inline]] inline void wide_chains_body(benchmark::State& state) {  // into its target
  using V = typename gradaudit::detail::lanes::vec<N>::d;
  constexpr std::int64_t steps = 4096;
  const V m = V{} + (1 - 0x1p-30), c = V{} + 0x1p-40;
  for (auto _ : state) {
    V x0 = V{} + 1.0, x1 = V{} + 1.1, x2 = V{} + 1.2, x3 = V{} + 1.3, x4 = V{} + 1.4,
      x5 = V{} + 1.5, x6 = V{} + 1.6, x7 = V{} + 1.7;
    for (std::int64_t s = 0; s < steps; ++s) {
      if constexpr (multiply) {
        x0 *= m, x1 *= m, x2 *= m, x3 *= m, x4 *= m, x5 *= m, x6 *= m, x7 *= m;
      } else {
        x0 += c, x1 += c, x2 += c, x3 += c, x4 += c, x5 += c, x6 += c, x7 += c;
      }
    }
    const V sum = ((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7));
    double sink = 0;
    for (int l = 0; l < N; ++l) sink += sum[l];
    benchmark::DoNotOptimize(sink);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * steps * 8 * N);
  state.counters["lanes"] = N;
}
template <bool multiply>
__attribute__((target(GRADAUDIT_AVX512_TARGET))) void wide_chains8(benchmark::State& s) {
  wide_chains_body<multiply, 8>(s);
}
template <bool multiply>
__attribute__((target("avx2,fma"))) void wide_chains4(benchmark::State& s) {
  wide_chains_body<multiply, 4>(s);
}
template <bool multiply>
void wide_chains(benchmark::State& s) {
  if (gradaudit::detail::lanes::cpu_width() == 8) return wide_chains8<multiply>(s);
  wide_chains4<multiply>(s);
}
void mul_peak_widest(benchmark::State& s) { wide_chains<true>(s); }
void add_peak_widest(benchmark::State& s) { wide_chains<false>(s); }
[[maybe_unused]] const bool widest_registered = [] {
  if (gradaudit::detail::lanes::cpu_width() > 2) {
    benchmark::RegisterBenchmark("mul/peak_widest", mul_peak_widest);
    benchmark::RegisterBenchmark("add/peak_widest", add_peak_widest);
  }
  return true;
}();
#endif

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

/// forward()'s σ row of a hidden layer: σ and σ' from one exp per value (activation_rows).
void sigmoid_row_trainer(benchmark::State& state) {
  const row z = draw(-5, 5, 4);
  row a(z.size()), g(z.size());
  for (auto _ : state) {
    gradaudit::detail::activation_rows<double>(gradaudit::activation::sigmoid, z.data(), a.data(),
                                               g.data(), chunk_size);
    benchmark::DoNotOptimize(a.data());
    benchmark::DoNotOptimize(g.data());
    benchmark::ClobberMemory();
  }
  per_value(state);
  state.counters["lanes"] = gradaudit::detail::lanes::width();  // the kernel's copy, not Eigen's
}

/// The output layer's loss and ∂L/∂z of one unit over a chunk (labels 0/1): bce_logit_rows.
void bce_logit_rows_trainer(benchmark::State& state) {
  const row z = draw(-5, 5, 5);
  row y = draw(0, 1, 6);
  for (auto& v : y) v = v > 0.5 ? 1 : 0;
  row g(z.size()), terms(z.size());
  for (auto _ : state) {
    double loss =
        gradaudit::detail::bce_logit_rows(z.data(), y.data(), g.data(), terms.data(), chunk_size);
    benchmark::DoNotOptimize(loss);
    benchmark::ClobberMemory();
  }
  per_value(state);
  state.counters["lanes"] = gradaudit::detail::lanes::width();
}

/// forward()'s and backward()'s row update z += w·a (detail::row_axpy: the widest lane copy the
/// CPU runs, 8 lanes with AVX-512, 4 with AVX2, Eigen's packets otherwise).
void axpy_row_trainer(benchmark::State& state) {
  const row a = draw(0, 1, 7);
  row z = draw(-1, 1, 8);
  double w = 0x1p-20;
  for (auto _ : state) {
    gradaudit::detail::row_axpy<double>(w, a.data(), z.data(), z.size());
    w = -w;  // z returns to its start every two iterations
    benchmark::ClobberMemory();
  }
  per_value(state);
  state.counters["lanes"] =
      gradaudit::detail::lanes::width() > 2 ? gradaudit::detail::lanes::width() : lanes;
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

BENCHMARK(exp_fast_lanes)->Name("exp/fast_lanes");
BENCHMARK(log1p_lanes)->Name("log/fast_lanes");
BENCHMARK(exp_eigen_packet)->Name("exp/eigen_packet");
BENCHMARK(log_eigen_packet)->Name("log/eigen_packet");
BENCHMARK(mul_peak)->Name("mul/peak");
BENCHMARK(add_peak)->Name("add/peak");
BENCHMARK(clock_dependent_add)->Name("clock/dependent_add");
BENCHMARK(div_eigen_packet)->Name("div/eigen_packet");
BENCHMARK(sigmoid_row_trainer)->Name("sigmoid_row/trainer");
BENCHMARK(bce_logit_rows_trainer)->Name("bce_logit_rows/trainer");
BENCHMARK(axpy_row_trainer)->Name("axpy_row/trainer");
BENCHMARK(dot_row_trainer)->Name("dot_row/trainer");

}  // namespace
