// Every function at every scalar type, written once (Stan Math style): the same inputs give
// the same special values and the same errors at float, double, long double and ref_t.
#include "gradaudit/gradaudit.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <cmath>
#include <limits>
#include <tuple>

namespace {

using gradaudit::ref_t;

template <class F>
void at_every_type(F&& f) {
  f(float{});
  f(double{});
  f(static_cast<long double>(0));
  f(ref_t{});
}

template <class T>
bool is_nan(const T& x) {
  return gradaudit::detail::is_nan(x);
}

TEST(AllTypes, NanInNanOut) {
  at_every_type([](auto zero) {
    using T = decltype(zero);
    const T nan = std::numeric_limits<T>::quiet_NaN();
    for (T v : {gradaudit::sigmoid(nan), gradaudit::sigmoid_grad(nan), gradaudit::log_sigmoid(nan),
                gradaudit::identity(nan), gradaudit::identity_grad(nan), gradaudit::relu(nan),
                gradaudit::relu_grad(nan), gradaudit::tanh(nan), gradaudit::tanh_grad(nan),
                gradaudit::mse(nan, T(1)), gradaudit::mse_grad(T(1), nan),
                gradaudit::bce(nan, T(1)), gradaudit::bce(T(0.5), nan),
                gradaudit::bce_grad(nan, T(0)), gradaudit::bce_with_logits(nan, T(1)),
                gradaudit::bce_with_logits(T(0), nan), gradaudit::bce_with_logits_grad(nan, T(0))})
      EXPECT_TRUE(is_nan(v)) << typeid(T).name();
  });
}

TEST(AllTypes, InfinitiesGiveTheLimits) {
  at_every_type([](auto zero) {
    using T = decltype(zero);
    const T inf = std::numeric_limits<T>::infinity();
    EXPECT_EQ(gradaudit::sigmoid(inf), T(1));
    EXPECT_EQ(gradaudit::sigmoid(-inf), T(0));
    EXPECT_EQ(gradaudit::sigmoid_grad(inf), T(0));
    EXPECT_EQ(gradaudit::sigmoid_grad(-inf), T(0));
    EXPECT_EQ(gradaudit::log_sigmoid(inf), T(0));
    EXPECT_EQ(gradaudit::log_sigmoid(-inf), -inf);
    EXPECT_EQ(gradaudit::tanh(inf), T(1));
    EXPECT_EQ(gradaudit::tanh_grad(-inf), T(0));
    EXPECT_EQ(gradaudit::relu(-inf), T(0));
    EXPECT_EQ(gradaudit::bce_with_logits(inf, T(1)), T(0));
    EXPECT_EQ(gradaudit::bce_with_logits(inf, T(0)), inf);
    EXPECT_EQ(gradaudit::bce_with_logits(-inf, T(1)), inf);
    EXPECT_EQ(gradaudit::bce_with_logits(inf, T(0.5)), inf);
    EXPECT_EQ(gradaudit::bce_with_logits_grad(inf, T(1)), T(0));
    EXPECT_EQ(gradaudit::bce_with_logits_grad(-inf, T(1)), T(-1));
    EXPECT_EQ(gradaudit::mse(inf, T(0)), inf);
  });
}

TEST(AllTypes, BceAtTheEndsOfItsDomain) {
  at_every_type([](auto zero) {
    using T = decltype(zero);
    const T inf = std::numeric_limits<T>::infinity();
    EXPECT_EQ(gradaudit::bce(T(0), T(0)), T(0));  // 0·log 0 = 0
    EXPECT_EQ(gradaudit::bce(T(1), T(1)), T(0));
    EXPECT_EQ(gradaudit::bce(T(0), T(1)), inf);
    EXPECT_EQ(gradaudit::bce(T(1), T(0)), inf);
    EXPECT_EQ(gradaudit::bce_grad(T(0), T(0)), T(1));
    EXPECT_EQ(gradaudit::bce_grad(T(1), T(1)), T(-1));
    EXPECT_EQ(gradaudit::bce_grad(T(0), T(1)), -inf);
    EXPECT_EQ(gradaudit::bce_grad(T(1), T(0)), inf);
  });
}

/// The message of the domain_error `f` throws, or "" if it throws none.
template <class F>
std::string domain_message(F&& f) {
  try {
    f();
  } catch (const gradaudit::domain_error& e) {
    return e.what();
  }
  return "";
}

TEST(AllTypes, DomainErrorsAgreeAndNameTheArgument) {
  struct bad {
    const char* what;
    double yhat_or_z, y;
  };
  for (const bad b : {bad{"yhat", 1.5, 0}, bad{"yhat", -1e-300, 1}, bad{"y", 0.5, 2},
                      bad{"y", 0.5, -0.25}, bad{"yhat", 1 + 0x1p-52, 0}}) {
    std::vector<std::string> messages;
    at_every_type([&](auto zero) {
      using T = decltype(zero);
      if (std::is_same_v<T, float> && b.yhat_or_z == 1 + 0x1p-52) return;  // rounds to 1 in float
      if (std::is_same_v<T, float> && b.yhat_or_z == -1e-300) return;      // rounds to -0 in float
      const std::string m = domain_message([&] { (void)gradaudit::bce(T(b.yhat_or_z), T(b.y)); });
      EXPECT_NE(m.find(std::string("bce: ") + b.what + " = "), std::string::npos) << m;
      EXPECT_NE(m.find("is outside [0, 1]"), std::string::npos) << m;
      messages.push_back(m.substr(0, m.find(" = ")));
      EXPECT_FALSE(
          domain_message([&] { (void)gradaudit::bce_grad(T(b.yhat_or_z), T(b.y)); }).empty());
    });
    for (const auto& m : messages) EXPECT_EQ(m, messages.front());
  }
  at_every_type([](auto zero) {
    using T = decltype(zero);
    EXPECT_NE(domain_message([] { (void)gradaudit::bce_with_logits(T(0), T(2)); }).find("y = 2"),
              std::string::npos);
    EXPECT_FALSE(
        domain_message([] { (void)gradaudit::bce_with_logits_grad(T(0), T(-1)); }).empty());
    EXPECT_TRUE(domain_message([] { (void)gradaudit::bce_with_logits(T(1e30), T(1)); }).empty());
  });
}

TEST(AllTypes, ReluAndIdentity) {
  at_every_type([](auto zero) {
    using T = decltype(zero);
    EXPECT_EQ(gradaudit::relu(T(-2)), T(0));
    EXPECT_EQ(gradaudit::relu(T(3)), T(3));
    EXPECT_EQ(gradaudit::relu_grad(T(0)), T(0));
    EXPECT_EQ(gradaudit::relu_grad(T(1e-300)), T(1e-300) > 0 ? T(1) : T(0));
    EXPECT_EQ(gradaudit::identity(T(-7)), T(-7));
    EXPECT_EQ(gradaudit::identity_grad(T(-7)), T(1));
  });
}

TEST(OutputLayer, ShapesMustAgree) {
  const std::vector<double> w{1, 2}, x{1};
  try {
    (void)gradaudit::output_layer_grad<double>(gradaudit::mse_linear, w, x, 0.0);
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "dot: w has 2 entries but x has 1");
  }
}

// The same function at float and double agrees to float's precision: the float path rounds
// the double-precision working value once, so it is within 0.5 ULP (float) + 2^-29 ULP of
// exact, i.e. within 1 float ULP of the double result's exact value.
RC_GTEST_PROP(AllTypes, FloatWithinOneUlp, ()) {
  const double xd = *gradaudit::testing::gen::real_in(-100, 100);
  const float x = static_cast<float>(xd);
  RC_ASSERT(gradaudit::testing::ulp_distance(gradaudit::sigmoid(x), gradaudit::sigmoid(ref_t(x))) <=
            1.0);
  RC_ASSERT(gradaudit::testing::ulp_distance(gradaudit::sigmoid_grad(x),
                                             gradaudit::sigmoid_grad(ref_t(x))) <= 1.0);
  RC_ASSERT(gradaudit::testing::ulp_distance(gradaudit::tanh_grad(x),
                                             gradaudit::tanh_grad(ref_t(x))) <= 1.0);
}

// tanh' = 1 - tanh² in exact arithmetic; at 50 digits for |x| <= 20 the literal form keeps
// at least 50 - 18 = 32 digits (1 - tanh² ≈ 4e^{-2|x|} >= 4e-18 cancels 18 of them), so a
// relative 2^-100 is a bound with margin, and a wrong tanh_grad (e.g. 1 - tanh) fails it.
RC_GTEST_PROP(AllTypes, TanhGradIsOneMinusTanhSquared, ()) {
  const double x = *gradaudit::testing::gen::real_in(-20, 20);
  const ref_t t = tanh(ref_t(x));
  const ref_t literal = 1 - t * t;
  RC_ASSERT(abs(gradaudit::tanh_grad(ref_t(x)) - literal) <= literal * ldexp(ref_t(1), -100));
  RC_ASSERT(gradaudit::testing::ulp_distance(gradaudit::tanh_grad(x),
                                             gradaudit::tanh_grad(ref_t(x))) <= 1.0);
}

// σ(-x) = 1 - σ(x) and σ' even: symmetry of the double path, exact at every input.
RC_GTEST_PROP(AllTypes, SigmoidGradIsEven, ()) {
  const double x = *gradaudit::testing::gen::any_finite();
  RC_ASSERT(gradaudit::sigmoid_grad(x) == gradaudit::sigmoid_grad(-x));
  RC_ASSERT(gradaudit::tanh_grad(x) == gradaudit::tanh_grad(-x));
}

}  // namespace

namespace {
// At y = 1/2, σ(z) - y = tanh(z/2)/2 is perfectly conditioned in z everywhere, and the kernel
// forms it without cancellation: 1 ULP for every finite z (the 50-digit side is tanh(z/2)/2,
// an independent formula; its error is 2^-166 relative, far inside the bound).
RC_GTEST_PROP(BceWithLogitsGrad, HalfTargetWithinOneUlp, ()) {
  const double z = *gradaudit::testing::gen::any_finite();
  const ref_t exact = tanh(ref_t(z) / 2) / 2;
  RC_ASSERT(gradaudit::testing::ulp_distance(gradaudit::bce_with_logits_grad(z, 0.5), exact) <=
            1.0);
}
}  // namespace

namespace {

TEST(AllTypes, SoftmaxCrossEntropyEdges) {
  using gradaudit::softmax_cross_entropy;
  using gradaudit::softmax_cross_entropy_grad;
  std::vector<std::string> empty_messages, index_messages;
  at_every_type([&](auto zero) {
    using T = decltype(zero);
    const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
    auto L = [](std::vector<T> z, std::size_t y) { return softmax_cross_entropy<T>(z, y); };
    // Domain errors name the argument, the same at every type.
    empty_messages.push_back(domain_message([&] { (void)L({}, 0); }));
    index_messages.push_back(domain_message([&] { (void)L({T(1), T(2)}, 2); }));
    EXPECT_FALSE(domain_message([&] {
                   (void)softmax_cross_entropy_grad<T>(std::vector<T>{T(1)}, 1);
                 }).empty());
    // Values: K = 1 is 0; equal logits give log K; the limits at infinities.
    EXPECT_EQ(L({T(3)}, 0), T(0));
    EXPECT_EQ(L({T(0), T(0)}, 1), T(log(T(2))));
    EXPECT_TRUE(is_nan(L({T(0), nan}, 0)));
    EXPECT_EQ(L({inf, T(0)}, 0), T(0));
    EXPECT_EQ(L({inf, T(0)}, 1), inf);
    EXPECT_EQ(L({-inf, T(0)}, 0), inf);
    EXPECT_TRUE(is_nan(L({-inf, -inf}, 0)));
    EXPECT_TRUE(is_nan(L({inf, inf}, 0)));
    // The gradient sums to 0 and is p - onehot.
    const auto g = softmax_cross_entropy_grad<T>(std::vector<T>{T(0), T(0), T(0), T(0)}, 2);
    EXPECT_EQ(g[0], T(0.25));
    EXPECT_EQ(g[2], T(-0.75));
    const auto gi = softmax_cross_entropy_grad<T>(std::vector<T>{inf, T(0)}, 1);
    EXPECT_EQ(gi[0], T(1));
    EXPECT_EQ(gi[1], T(-1));
  });
  for (const auto& m : empty_messages)
    EXPECT_EQ(m, "softmax_cross_entropy: z is empty (K = 0 classes)");
  for (const auto& m : index_messages)
    EXPECT_EQ(m, "softmax_cross_entropy: y = 2 is not a class index in [0, 2)");
}

}  // namespace
