// The double kernels give the same bits on every IEEE-754 target. This file includes only
// the kernel headers (no MPFR, Boost or Eigen), so ci/cross can build it for aarch64 with
// GoogleTest alone and run it under qemu-aarch64; gradaudit_unit runs it on the host.
//
// kExpectedHash was computed on x86-64 (baseline, Veltkamp splitting) and on x86-64 with
// -march=native (hardware FMA): the same value, as on aarch64 (ci/cross).
#include "gradaudit/detail/logistic.hpp"
#include "gradaudit/detail/logistic_batch.hpp"
#include "gradaudit/detail/scaled_terms.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <vector>

namespace {

namespace dbl = gradaudit::detail::dbl;

constexpr std::uint64_t kExpectedHash = 0x5de1354377072f94ULL;

/// A fixed, platform-independent input set: a linear congruential sequence mapped to
/// [-760, 760], [-40, 40] and every binade, plus special values.
std::vector<double> inputs() {
  std::vector<double> x;
  std::uint64_t s = 0x9e3779b97f4a7c15ULL;
  auto next = [&] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s >> 11) * 0x1p-53;  // [0, 1), exact
  };
  for (int i = 0; i < 6000; ++i) {
    const double u = next();
    switch (i % 3) {
      case 0:
        x.push_back(1520 * u - 760);
        break;
      case 1:
        x.push_back(80 * u - 40);
        break;
      default:
        x.push_back(std::ldexp(1 + u, static_cast<int>(next() * 1084) - 1074) *
                    (next() < 0.5 ? -1 : 1));
    }
  }
  const double inf = std::numeric_limits<double>::infinity();
  for (double v :
       {0.0, -0.0, inf, -inf, 50.0, -50.0, 20.0, 0x1p-28, 700.0, -700.0, -708.5, -745.1, 373.2})
    x.push_back(v);
  return x;
}

std::uint64_t mix(std::uint64_t h, double v) {
  const std::uint64_t b = std::isnan(v) ? 0x7ff8000000000000ULL : std::bit_cast<std::uint64_t>(v);
  return (h ^ b) * 0x100000001b3ULL;
}

/// The hash of every kernel on inputs(), by whichever scalar copy is in force.
std::uint64_t kernel_hash() {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  const auto xs = inputs();
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double x = xs[i];
    const double y = (static_cast<double>(i % 997) + 0.5) / 997;  // soft targets in (0, 1)
    const double p = 1 / (1 + std::abs(x));                       // a probability
    for (double v :
         {dbl::sigmoid(x), dbl::sigmoid_grad(x), dbl::log_sigmoid(x), dbl::softplus(x),
          dbl::tanh(x), dbl::tanh_grad(x), dbl::bce_with_logits(x, y), dbl::bce_with_logits(x, 1.0),
          dbl::sigmoid_minus_target_dd(x, y).value_or(std::numeric_limits<double>::quiet_NaN()),
          dbl::bce(p, y), dbl::bce_grad(p, y), dbl::mse(p, x)})
      h = mix(h, v);
  }
  return h;
}

/// The same hash by the run-time FMA copy of the scalar fast path (where the build has one and
/// the CPU runs it) and by the compile-time copy (force_portable_scalar).
TEST(PortableKernels, SameBitsOnEveryTarget) {
  for (bool portable : {false, true}) {
    dbl::force_portable_scalar() = portable;
    const std::uint64_t h = kernel_hash();
    std::printf("kernel bits hash: 0x%016llx (FMA: %d, FMA copy: %d, forced portable: %d)\n",
                static_cast<unsigned long long>(h), GRADAUDIT_HAS_FMA, GRADAUDIT_SCALAR_FMA_COPY,
                portable);
    if (kExpectedHash != 0) {
      EXPECT_EQ(h, kExpectedHash) << std::hex << h;
    }
  }
  dbl::force_portable_scalar() = false;
}

/// The two copies of the scalar fast path (logistic.hpp: exact products by Veltkamp's split,
/// and by a hardware FMA with fused series steps, whose dd values may differ in their last
/// bits but whose accepted results are the correctly rounded ones) give the same bits for σ, σ',
/// tanh, tanh' and log σ, and so (through the public entry points, with the run-time copy and with
/// force_portable_scalar) do softplus and the BCE-with-logits loss and gradient for hard labels.
/// Inputs: inputs(), a dense grid over [-40, 40] (step 2^-9), the edges of the fast ranges, tanh's
/// series range, and 60 000 values of a second sequence over [-310, 310] and over every binade.
/// Where the build has no run-time copy (aarch64, -march=native) the Fma = true copy is the default
/// one and the Fma = false copy is compiled beside it; on an x86-64 CPU without FMA the Fma = true
/// copy calls libm's fma (exact, slow): the comparison means the same everywhere.
TEST(PortableKernels, ScalarCopiesGiveTheSameBits) {
  auto xs = inputs();
  for (int k = -40 * 512; k <= 40 * 512; ++k) xs.push_back(k * 0x1p-9);
  for (double v : {300.0, -300.0, std::nextafter(300.0, 301.0), 150.0, -150.0,
                   std::nextafter(150.0, 151.0), 20.0, std::nextafter(20.0, 21.0), 0x1p-4,
                   std::nextafter(0x1p-4, 0.0), 0x1p-28, std::nextafter(0x1p-28, 0.0), 1e-300})
    xs.push_back(v);
  for (int k = 1; k < 2000; ++k)  // tanh's series range [2^-28, 1/16)
    xs.push_back((k % 2 ? 1 : -1) * std::ldexp(1 + k / 2011.0, -4 - k % 25));
  std::uint64_t s = 0x2545f4914f6cdd1dULL;
  auto next = [&] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s >> 11) * 0x1p-53;
  };
  for (int i = 0; i < 30000; ++i) {
    xs.push_back(620 * next() - 310);
    xs.push_back(std::ldexp(1 + next(), static_cast<int>(next() * 80) - 70) * (i % 2 ? -1 : 1));
  }
  const auto bits = [](double v) { return std::bit_cast<std::uint64_t>(v); };
  std::size_t n = 0;
  for (double x : xs) {
    const double y = static_cast<double>(n++ % 2);  // hard labels
    ASSERT_EQ(bits(dbl::sigmoid_copy<true>(x)), bits(dbl::sigmoid_copy<false>(x))) << x;
    ASSERT_EQ(bits(dbl::scaled_sigmoid_grad_copy<true>(x, 0)),
              bits(dbl::scaled_sigmoid_grad_copy<false>(x, 0)))
        << x;
    ASSERT_EQ(bits(dbl::scaled_sigmoid_grad_copy<true>(2 * x, 2)),
              bits(dbl::scaled_sigmoid_grad_copy<false>(2 * x, 2)))
        << x;
    ASSERT_EQ(bits(dbl::log_sigmoid_copy<true>(x)), bits(dbl::log_sigmoid_copy<false>(x))) << x;
    ASSERT_EQ(bits(dbl::tanh_copy<true>(x)), bits(dbl::tanh_copy<false>(x))) << x;
    double by_copy[2][9];
    for (int portable : {0, 1}) {
      dbl::force_portable_scalar() = portable == 1;
      double* v = by_copy[portable];
      v[0] = dbl::sigmoid(x), v[1] = dbl::sigmoid_grad(x), v[2] = dbl::tanh_grad(x);
      v[3] = dbl::log_sigmoid(x), v[4] = dbl::tanh(x), v[5] = dbl::softplus(x);
      v[6] = dbl::bce_with_logits(x, y), v[7] = dbl::bce_with_logits(x, 1 - y);
      v[8] = y == 1 ? -dbl::sigmoid(-x) : dbl::sigmoid(x);  // bce_with_logits_grad, hard y
    }
    dbl::force_portable_scalar() = false;
    for (int f = 0; f < 9; ++f)
      ASSERT_EQ(bits(by_copy[0][f]), bits(by_copy[1][f])) << "function " << f << " at " << x;
    ASSERT_EQ(bits(by_copy[0][0]), bits(dbl::sigmoid_copy<false>(x))) << x;
  }
}

/// The batch fast path (logistic_batch.hpp: 2 lanes, 4 with AVX2 or 8 with AVX-512 where the CPU
/// has them) gives the scalar calls' bits for σ, σ', tanh, tanh' and log σ on the hash's inputs,
/// every length mod 48 (the lanes take steps of 2 vectors of 8 lanes or 3 of 4 or 2, then one
/// vector, then the scalar tail) and in place; under ci/cross this runs the NEON lanes
/// (aarch64), every x86-64 copy the CPU has and the lanes beside a hardware-FMA scalar kernel
/// (-march=native).
TEST(PortableKernels, BatchFastPathGivesTheScalarBits) {
  namespace d = gradaudit::detail;
  auto xs = inputs();
  for (double v : {300.0, -300.0, 150.0, -150.0, std::nextafter(300.0, 301.0), 1e-300, -0.0,
                   std::nextafter(150.0, 151.0), 0x1p-4, -0x1p-4, std::nextafter(0x1p-4, 0.0)})
    xs.push_back(v);
  for (int k = 1; k < 600; ++k)  // tanh's series range [2^-28, 1/16) and its edge, densely
    xs.push_back((k % 2 ? 1 : -1) * std::ldexp(1 + k / 611.0, -4 - k % 25));
  const auto check = [&](auto run, double (*f)(double), const char* name) {
    for (std::size_t n = xs.size() - 47; n <= xs.size(); ++n) {
      std::vector<double> out(n);
      run(xs.data(), out.data(), n, f);
      for (std::size_t i = 0; i < n; ++i)
        ASSERT_EQ(std::bit_cast<std::uint64_t>(out[i]), std::bit_cast<std::uint64_t>(f(xs[i])))
            << name << " at " << std::hexfloat << xs[i];
    }
    std::vector<double> in_place = xs;
    run(in_place.data(), in_place.data(), in_place.size(), f);
    for (std::size_t i = 0; i < xs.size(); ++i)
      ASSERT_EQ(std::bit_cast<std::uint64_t>(in_place[i]), std::bit_cast<std::uint64_t>(f(xs[i])))
          << name << " in place at " << std::hexfloat << xs[i];
  };
  for (const int lanes : d::lane_copies)         // every lane copy the CPU runs (AVX-512, AVX2, 2
    for (const bool portable : {false, true}) {  // lanes), each beside both scalar copies (the
      d::max_lanes() = lanes;                    // reference and the lanes' fall-back)
      dbl::force_portable_scalar() = portable;
      SCOPED_TRACE(std::to_string(lanes) + " lanes" + (portable ? ", portable scalar copy" : ""));
      check(d::map_fast<d::fast_kernel::sigmoid>, dbl::sigmoid, "sigmoid");
      check(d::map_fast<d::fast_kernel::sigmoid_grad>, dbl::sigmoid_grad, "sigmoid_grad");
      check(d::map_fast<d::fast_kernel::tanh>, dbl::tanh, "tanh");
      check(d::map_fast<d::fast_kernel::tanh_grad>, dbl::tanh_grad, "tanh_grad");
      check(d::map_fast<d::fast_kernel::log_sigmoid>, dbl::log_sigmoid, "log_sigmoid");
    }
  d::max_lanes() = 8;
  dbl::force_portable_scalar() = false;
}

/// The trainer's fused rows give the scalar calls' bits: σ and σ' from one exp
/// (sigmoid_and_grad), tanh and tanh' from one exp (tanh_and_grad), and for a logit and a target
/// the loss and its gradient from one exp (bce_hard_rows), on every lane copy, every length mod 48
/// (as above). The gradient's reference here is dbl::bce_with_logits_grad without its MPFR branch
/// (this file links no MPFR; the soft targets the lanes hand to it come back unchanged, which is
/// what the test checks of them).
double bce_grad_hard(double z, double y) {
  if (std::isnan(z) || std::isnan(y)) return z + y;
  if (y == 1) return -dbl::sigmoid(-z);
  if (y == 0) return dbl::sigmoid(z);
  return dbl::sigmoid_minus_target_dd(z, y).value_or(-1234.5);
}

TEST(PortableKernels, FusedTrainerRowsGiveTheScalarBits) {
  namespace d = gradaudit::detail;
  const auto bits = [](double v) { return std::bit_cast<std::uint64_t>(v); };
  auto xs = inputs();
  for (double v : {300.0, -300.0, std::nextafter(300.0, 301.0), std::nan(""), 1e-300, -0.0, 150.0,
                   -std::nextafter(150.0, 151.0), 0x1p-4, -std::nextafter(0x1p-4, 0.0)})
    xs.push_back(v);
  std::vector<double> ys(xs.size());
  for (std::size_t i = 0; i < ys.size(); ++i)  // mostly hard labels, some soft, one NaN
    ys[i] = i % 7 == 6 ? (static_cast<double>(i % 997) + 0.5) / 997 : static_cast<double>(i % 2);
  ys[5] = std::nan("");
  for (int mode = 0; mode < 6; ++mode) {  // every lane copy beside both scalar copies
    const int lanes = d::lane_copies[mode % 3];
    d::max_lanes() = lanes;
    dbl::force_portable_scalar() = mode >= 3;
    for (std::size_t n = xs.size() - 47; n <= xs.size(); ++n) {
      std::vector<double> a(n), g(n), ta(n), tg(n), loss(n), grad(n);
      d::sigmoid_and_grad(xs.data(), a.data(), g.data(), n);
      d::tanh_and_grad(xs.data(), ta.data(), tg.data(), n);
      d::bce_hard_rows(xs.data(), ys.data(), loss.data(), grad.data(), n, dbl::bce_with_logits,
                       bce_grad_hard);
      for (std::size_t i = 0; i < n; ++i) {
        const double x = xs[i], y = ys[i];
        ASSERT_EQ(bits(a[i]), bits(dbl::sigmoid(x))) << lanes << " lanes, sigmoid at " << x;
        ASSERT_EQ(bits(g[i]), bits(dbl::sigmoid_grad(x)))
            << lanes << " lanes, sigmoid_grad at " << x;
        ASSERT_EQ(bits(ta[i]), bits(dbl::tanh(x))) << lanes << " lanes, tanh at " << x;
        ASSERT_EQ(bits(tg[i]), bits(dbl::tanh_grad(x))) << lanes << " lanes, tanh_grad at " << x;
        ASSERT_EQ(bits(loss[i]), bits(dbl::bce_with_logits(x, y)))
            << lanes << " lanes, loss at " << x;
        ASSERT_EQ(bits(grad[i]), bits(bce_grad_hard(x, y))) << lanes << " lanes, grad at " << x;
      }
    }
  }
  d::max_lanes() = 8;
  dbl::force_portable_scalar() = false;
}

/// detail::div, not inlined: GCC 12 at -O3 with FMA (-march=native) SLP-paired the two halves
/// of its final fast_two_sum(q, r·i) (s = q + r·i, e = r·i - (s - q)) into one vfmsubadd,
/// fusing the product although -ffp-contract=off: hi one ULP off with the old lo, so
/// bce_with_logits_grad was 7.8 ULP off at z = 1, y = 0.75 and 1e16 ULP at z = ±ln 3
/// (regression/golden_test.cpp under GRADAUDIT_NATIVE=ON). Rows: a = -expm1(-z), b = 2 + expm1(-z)
/// for z = 1, ln 3, 1/2, 2 and the quotient as the IEEE operation sequence gives it (baseline
/// x86-64 without FMA, where nothing can be fused, and aarch64 under ci/cross).
[[gnu::noinline]] gradaudit::detail::dd div_not_inlined(gradaudit::detail::dd a,
                                                        gradaudit::detail::dd b) {
  return gradaudit::detail::div(a, b);
}

TEST(PortableKernels, DivisionIsNotFused) {
  const double rows[][6] = {{0x1.43a54e4e98864p-1, 0x1.ca8a425b13e34p-57, 0x1.5e2d58d8b3bcep+0,
                             -0x1.ca8a425b13e34p-57, 0x1.d9353d7568af3p-2, 0x1.944a3b7cbcf47p-56},
                            {0x1.5555555555556p-1, -0x1.93c60441f271ap-55, 0x1.5555555555555p+0,
                             0x1.93c60441f271ap-55, 0x1p-1, 0x1.39c13b35cf403p-55},
                            {0x1.92e9a0720d3ecp-2, 0x1.85314cbd5a78p-61, 0x1.9b4597e37cb05p+0,
                             -0x1.85314cbd5a78p-61, 0x1.f597ea69a1c86p-3, -0x1.d94e5152470c1p-60},
                            {0x1.bab5557101f8dp-1, 0x1.8092244c326f8p-57, 0x1.22a555477f039p+0,
                             0x1.cfedbb7679b2p-54, 0x1.85efab514f394p-1, 0x1.5618caf56e418p-55}};
  for (const auto& r : rows) {
    const gradaudit::detail::dd q = div_not_inlined({r[0], r[1]}, {r[2], r[3]});
    EXPECT_EQ(std::bit_cast<std::uint64_t>(q.hi), std::bit_cast<std::uint64_t>(r[4]))
        << std::hexfloat << q.hi;
    EXPECT_EQ(std::bit_cast<std::uint64_t>(q.lo), std::bit_cast<std::uint64_t>(r[5]))
        << std::hexfloat << q.lo;
  }
}

TEST(PortableKernels, SpecialValues) {
  const double inf = std::numeric_limits<double>::infinity(),
               nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(dbl::sigmoid(inf), 1);
  EXPECT_EQ(dbl::sigmoid(-inf), 0);
  EXPECT_TRUE(std::isnan(dbl::sigmoid(nan)));
  EXPECT_EQ(dbl::sigmoid_grad(inf), 0);
  EXPECT_EQ(dbl::log_sigmoid(-inf), -inf);
  EXPECT_TRUE(std::signbit(dbl::log_sigmoid(inf)));
  EXPECT_EQ(dbl::tanh(-inf), -1);
  EXPECT_EQ(dbl::tanh_grad(inf), 0);
  EXPECT_EQ(dbl::bce_with_logits(inf, 0.5), inf);
  EXPECT_EQ(dbl::bce_with_logits(inf, 1.0), 0);
  EXPECT_EQ(dbl::sigmoid_minus_target_dd(inf, 0.25), 0.75);
  EXPECT_EQ(dbl::bce_grad(0.0, 0.5), -inf);
  EXPECT_EQ(dbl::bce_grad(0.0, 0.0), 1);
  EXPECT_EQ(dbl::bce_grad(1.0, 1.0), -1);
  EXPECT_EQ(dbl::bce(0.0, 0.5), inf);
  // The smallest subnormal results: σ(x) = e^x rounded once.
  EXPECT_EQ(dbl::sigmoid(-745.0), 0x1p-1074);
  EXPECT_EQ(dbl::sigmoid(-746.0), 0);
}

}  // namespace
