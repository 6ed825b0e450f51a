// The double kernels give the same bits on every IEEE-754 target. This file includes only
// the kernel headers (no MPFR, Boost or Eigen), so ci/cross can build it for aarch64 with
// GoogleTest alone and run it under qemu-aarch64; gradaudit_unit runs it on the host.
//
// kExpectedHash was computed on x86-64 (baseline, Veltkamp splitting) and on x86-64 with
// -march=native (hardware FMA): the same value, as on aarch64 (ci/cross).
#include "gradaudit/detail/logistic.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <vector>

namespace {

namespace dbl = gradaudit::detail::dbl;

constexpr std::uint64_t kExpectedHash = 0x04e3049a3b357288ULL;

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
      case 0: x.push_back(1520 * u - 760); break;
      case 1: x.push_back(80 * u - 40); break;
      default: x.push_back(std::ldexp(1 + u, static_cast<int>(next() * 1084) - 1074) * (next() < 0.5 ? -1 : 1));
    }
  }
  const double inf = std::numeric_limits<double>::infinity();
  for (double v : {0.0, -0.0, inf, -inf, 50.0, -50.0, 20.0, 0x1p-28, 700.0, -700.0, -708.5, -745.1, 373.2})
    x.push_back(v);
  return x;
}

std::uint64_t mix(std::uint64_t h, double v) {
  const std::uint64_t b = std::isnan(v) ? 0x7ff8000000000000ULL : std::bit_cast<std::uint64_t>(v);
  return (h ^ b) * 0x100000001b3ULL;
}

TEST(PortableKernels, SameBitsOnEveryTarget) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  const auto xs = inputs();
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double x = xs[i];
    const double y = (static_cast<double>(i % 997) + 0.5) / 997;  // soft targets in (0, 1)
    const double p = 1 / (1 + std::abs(x));                         // a probability
    for (double v : {dbl::sigmoid(x), dbl::sigmoid_grad(x), dbl::log_sigmoid(x), dbl::softplus(x), dbl::tanh(x),
                     dbl::tanh_grad(x), dbl::bce_with_logits(x, y), dbl::bce_with_logits(x, 1.0),
                     dbl::bce_with_logits_grad(x, y), dbl::bce_with_logits_grad(x, 0.0), dbl::bce(p, y),
                     dbl::bce_grad(p, y), dbl::mse(p, x)})
      h = mix(h, v);
  }
  std::printf("kernel bits hash: 0x%016llx (FMA: %d)\n", static_cast<unsigned long long>(h), GRADAUDIT_HAS_FMA);
  if (kExpectedHash != 0) {
    EXPECT_EQ(h, kExpectedHash) << std::hex << h;
  }
}

TEST(PortableKernels, SpecialValues) {
  const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
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
  EXPECT_EQ(dbl::bce_with_logits_grad(inf, 0.25), 0.75);
  EXPECT_EQ(dbl::bce_grad(0.0, 0.5), -inf);
  EXPECT_EQ(dbl::bce_grad(0.0, 0.0), 1);
  EXPECT_EQ(dbl::bce_grad(1.0, 1.0), -1);
  EXPECT_EQ(dbl::bce(0.0, 0.5), inf);
  // The smallest subnormal results: σ(x) = e^x rounded once.
  EXPECT_EQ(dbl::sigmoid(-745.0), 0x1p-1074);
  EXPECT_EQ(dbl::sigmoid(-746.0), 0);
}

}  // namespace
