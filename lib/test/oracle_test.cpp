// The derivative oracle: its bound holds (the true derivative, known in closed form at 100
// digits, is always inside it), it is tight enough to certify many digits, and it is what
// lets a wrong formula be told apart from a right one.
#include "gradaudit/testing/oracle.hpp"

#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <boost/multiprecision/mpfr.hpp>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace {

using gradaudit::ref_t;
using namespace gradaudit::testing;
namespace gen = gradaudit::testing::gen;
using big = boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<100>,
                                          boost::multiprecision::et_off>;

/// ∂L/∂z for the four layers in closed form at 100 digits (the oracle never sees these).
big dl_dz(gradaudit::output_layer c, const big& z, const big& y) {
  const big s = 1 / (1 + exp(-z));
  const big ds = exp(-abs(z)) / ((1 + exp(-abs(z))) * (1 + exp(-abs(z))));
  if (c.loss == gradaudit::loss_kind::mse)
    return c.head == gradaudit::head_kind::sigmoid ? 2 * (s - y) * ds : 2 * (z - y);
  return c.head == gradaudit::head_kind::sigmoid ? s - y : -y / z + (1 - y) / (1 - z);
}

RC_GTEST_PROP(Oracle, BoundContainsTheTrueDerivative, ()) {
  const auto layer = *rc::gen::element(gradaudit::mse_sigmoid, gradaudit::mse_linear,
                                       gradaudit::bce_sigmoid, gradaudit::bce_linear);
  const auto w = *gen::vector_of(1, 3, gen::real_in(-3, 3));
  const auto x = *rc::gen::container<std::vector<double>>(w.size(), gen::real_in(-3, 3));
  const double y = *gen::label();
  big z = 0;
  for (std::size_t i = 0; i < w.size(); ++i) z += big(w[i]) * big(x[i]);  // exact at 332 bits
  if (layer.head == gradaudit::head_kind::linear && layer.loss == gradaudit::loss_kind::bce)
    RC_PRE(z > 0 && z < 1);
  const auto est = weight_gradient(layer, w, x, y);
  const big g = dl_dz(layer, z, big(y));
  for (std::size_t i = 0; i < w.size(); ++i) {
    const big truth = g * big(x[i]);
    const big err = abs(big(est[i].value) - truth);
    RC_ASSERT(err <= big(est[i].bound));
    // Not vacuous: at least 15 digits whenever the derivative is not tiny.
    if (abs(truth) > 1e-6) RC_ASSERT(est[i].digits() >= 15);
  }
}

TEST(Oracle, TellsASignErrorApart) {
  const scalar_function f{scalar_function::kind::sigmoid};
  const auto d = derivative(f, 0.0);
  EXPECT_TRUE(d.admits(ref_t(0.25), ref_t(0)));
  EXPECT_FALSE(d.admits(ref_t(-0.25), ref_t(0)));
  EXPECT_FALSE(d.admits(ref_t(0.25) + 1e-20, ref_t(0)));  // 20 digits are certified
  EXPECT_GE(d.digits(), 25);
}

TEST(Oracle, QuadraticIsDifferencedExactly) {
  // (z - y)² has no third derivative: the central difference is exact up to rounding.
  const auto d = derivative(scalar_function{scalar_function::kind::mse_linear, ref_t(1)}, 3.0);
  EXPECT_EQ(d.value, ref_t(4));
  EXPECT_GE(d.digits(), 45);
}

TEST(Oracle, RespectsTheDomainOfBceLinear) {
  const scalar_function f{scalar_function::kind::bce_linear, ref_t(1)};
  EXPECT_THROW((void)derivative(f, 1.5), gradaudit::domain_error);
  EXPECT_THROW((void)derivative(f, 0.0), gradaudit::domain_error);
  // Close to the edge the step shrinks to stay inside (0, 1), and the bound still holds.
  const auto d = derivative(f, 1e-10);  // -1/ŷ, ŷ the double nearest 1e-10
  EXPECT_LE(abs(d.value + 1 / ref_t(1e-10)), d.bound);
  EXPECT_GE(d.digits(), 10);
}

TEST(Oracle, WorksFarInBothTails) {
  // σ'(±500) ≈ e^-500: the bound scales with it (interval bounds, and values taken through
  // the small sigmoid), so digits are certified even where σ(500) is 1 to 217 digits.
  const ref_t truth = exp(ref_t(-500)) / ((1 + exp(ref_t(-500))) * (1 + exp(ref_t(-500))));
  for (double z : {500.0, -500.0}) {
    const auto d = derivative(scalar_function{scalar_function::kind::sigmoid}, z);
    EXPECT_LE(abs(d.value - truth), d.bound) << z;
    EXPECT_GE(d.digits(), 25) << z;
    for (double y : {0.0, 1.0}) {  // (σ - y)²: slope 2(σ - y)σ', tiny on one side
      const auto m = derivative(scalar_function{scalar_function::kind::mse_sigmoid, ref_t(y)}, z);
      // σ(z) - y formed without cancellation: (1 - y) - σ(-z) for z > 0.
      const ref_t s_small = exp(-abs(ref_t(z))) / (1 + exp(-abs(ref_t(z))));  // σ(-|z|)
      const ref_t s_minus_y = z > 0 ? (1 - ref_t(y)) - s_small : s_small - y;
      const ref_t t = 2 * s_minus_y * truth;
      EXPECT_LE(abs(m.value - t), m.bound) << z << " " << y;
      EXPECT_GE(m.digits(), 25) << z << " " << y;
    }
  }
}

}  // namespace
