// The article's interpretations, each reduced to the measurable statement behind it: slow
// learning, vanishing and exploding gradients, the "coincidence", softmax and sigmoid, and
// the zero-initialisation remarks that are not about training.
#include "gradaudit/network.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/oracle.hpp"
#include "gradaudit/testing/ulp.hpp"
#include "support.hpp"

#include <rapidcheck.h>

namespace {

using namespace gradaudit;
using namespace gradaudit::testing;

const char* const kMseSigmoid = "MSE › 如果最后一层是sigmoid层";
const char* const kMseLinear = "MSE › 如果最后一层是全连接层";
const char* const kCeSigmoid = "Cross Entropy › 如果最后一层是sigmoid层";
const char* const kCeLinear = "Cross Entropy › 如果最后一层是全连接层";

/// Gradient-descent steps (lr 1) a one-weight logistic unit on the sample (x = 1, y) needs,
/// from the logit z0, before its prediction is on the label's side of 1/2; `cap` if never.
int steps_to_cross(loss_kind loss, double z0, double y, int cap) {
  double w = z0;
  const output_layer layer{loss, head_kind::sigmoid};
  for (int k = 0; k < cap; ++k) {
    if ((sigmoid(w) > 0.5) == (y > 0.5)) return k;
    w -= output_layer_grad_z(layer, w, y);  // x = 1: ∂L/∂w = ∂L/∂z
  }
  return cap;
}

/// ∂/∂z of the Poisson negative log-likelihood with the exp output, L(z) = e^z - y·z (its
/// canonical link), by a central difference at 50 digits: with h = 2^-40 the truncation is
/// <= e^{z+h}h²/6, the rounding of the two values (each within 4u·(e^{z+h} + |y|(|z|+h)))
/// divided by 2h, and the difference's own two roundings.
derivative_estimate poisson_derivative(double z, double y) {
  const ref_t h = ldexp(ref_t(1), -40), zr = z, yr = y;
  auto f = [&](const ref_t& t) { return exp(t) - yr * t; };
  const ref_t d = (f(zr + h) - f(zr - h)) / (2 * h);
  const ref_t u = ref_unit_roundoff();
  const ref_t m = exp(zr + h);
  const ref_t bound = m * h * h / 6 + 8 * u * (m + abs(yr) * (abs(zr) + h)) / (2 * h) + 2 * u * abs(d);
  return {d, bound, h};
}

/// A Poisson case: a logit z in [-5, 5] and a count y in 0..10 (recorded), the oracle's
/// ∂L/∂z and the form ŷ - y = e^z - y with its evaluation error (exp and one subtraction).
struct poisson_case {
  double z, y;
  derivative_estimate d;
  ref_t form, form_error;
};
poisson_case draw_poisson_case() {
  const double z = *gen::real_in(-5, 5);
  const double y = *rc::gen::inRange(0, 11);
  input("z", z);
  input("y", y);
  const ref_t form = exp(ref_t(z)) - y;
  return {z, y, poisson_derivative(z, y), form, formula_error(2, abs(form) + y)};
}

}  // namespace

GRADAUDIT_CLAIM({
    .id = "mse.sigmoid.not_suitable",
    .section = kMseSigmoid,
    .quote = "因此，MSE不适合作为logistic回归问题的损失函数。",
    .statement = "the measurable claim behind 'not suitable': a logistic unit whose prediction "
                 "is saturated at the wrong end (logit 6 to 12 on the wrong side of the label) "
                 "needs more than 10 times as many gradient steps (lr 1) with MSE as with "
                 "cross-entropy to get its prediction to the label's side of 1/2",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double t = *gen::real_in(6, 12);
          const double y = *gen::label();
          input("t", t);
          input("y", y);
          const double z0 = y == 1 ? -t : t;
          const int bce_steps = steps_to_cross(loss_kind::bce, z0, y, 1000000);
          const int mse_steps = steps_to_cross(loss_kind::mse, z0, y, 10 * bce_steps + 1);
          check_that("MSE needs > 10× the cross-entropy steps", mse_steps > 10 * bce_steps,
                     std::to_string(mse_steps) + " MSE steps vs " + std::to_string(bce_steps) + " BCE steps",
                     "> " + std::to_string(10 * bce_steps));
        },
});

GRADAUDIT_CLAIM({
    .id = "mse.sigmoid.wrong_prediction_small_gradient",
    .section = kMseSigmoid,
    .quote = R"(（比如 $y_{true}=1$ ，但是 $\hat{y}=0$ ，这个时候梯度很小）)",
    .statement = "with y = 1 and a prediction near 0 (logit z = -t, t from 5 to 700), the MSE "
                 "gradient is at most 2e^{-t}|x| (oracle at 50 digits), although the prediction "
                 "is as wrong as it can be — while the cross-entropy gradient is near -x",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double t = *gen::real_in(5, 700);
          input("t", t);
          const std::vector<double> w{-t}, x{1.0};
          const auto mse_g = weight_gradient(mse_sigmoid, w, x, 1.0)[0];
          const auto bce_g = weight_gradient(bce_sigmoid, w, x, 1.0)[0];
          const ref_t limit = 2 * exp(-ref_t(t));
          check_that("|∂L_MSE/∂w| <= 2e^{-t}", abs(mse_g.value) <= limit + mse_g.bound, to_digits(mse_g.value, 6),
                     "<= " + to_digits(limit, 6));
          check_that("∂L_BCE/∂w near -1", abs(bce_g.value + 1) <= 2 * exp(-ref_t(t)) + bce_g.bound,
                     to_digits(bce_g.value, 6), "-1 + O(e^-t)");
        },
});

GRADAUDIT_CLAIM({
    .id = "mse.linear.slow_near_target",
    .section = kMseLinear,
    .quote = R"(唯一可能可解读的点是当y和 $\hat{y}$ 很接近的时候，梯度接近0，参数将会更新得更慢一些。)",
    .statement = "for ŷ = w·x the MSE gradient is 2(ŷ - y)x (oracle), so its size is "
                 "proportional to |ŷ - y|: it vanishes as ŷ nears y, and only there",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const auto c = properties::draw_case(head_kind::linear, gen::real_in(-3, 3), 3.0);
          const auto g = weight_gradient(mse_linear, c.w, c.x, c.y);
          for (std::size_t i = 0; i < c.w.size(); ++i) {
            const ref_t claimed = 2 * (c.z - c.y) * c.x[i];
            check_derivative("∂L/∂w[" + std::to_string(i) + "] = 2(ŷ - y)x", claimed,
                             formula_error(8, 2 * (abs(c.z) + std::abs(c.y)) * std::abs(c.x[i])) +
                                 2 * abs(ref_t(c.x[i])) * c.yhat_error,
                             g[i]);
          }
        },
});

GRADAUDIT_CLAIM({
    .id = "ce.sigmoid.coincidence",
    .section = kCeSigmoid,
    .quote = "但是可能仅仅是巧合而已。",
    .statement = "that cross-entropy with a sigmoid and MSE with a linear output share the "
                 "gradient form (ŷ - y)·x is a coincidence: a third loss/output pair, the "
                 "Poisson likelihood with an exponential output, does not share it",
    .expected = verdict::refuted,
    .correction = "not a coincidence: each is the negative log-likelihood of an exponential "
                  "family with its canonical link (Gaussian/identity, Bernoulli/sigmoid, "
                  "Poisson/exp, categorical/softmax), and for all of them ∂L/∂z = c·(ŷ - y) — "
                  "c = 2 for the squared error, 1 for the others (checked at 50 digits for the "
                  "first three here, and for all four, softmax with K = 2…10 classes, in the "
                  "ext.canonical.* claims; the non-canonical pairs carry an extra factor, "
                  "ext.noncanonical.*).",
    .as_stated =
        [] {
          const auto [z, y, d, form, form_error] = draw_poisson_case();
          check_that("Poisson·exp's ∂L/∂z differs from ŷ - y", !d.admits(form, form_error),
                     "∂L/∂z = " + to_digits(d.value, 12) + " = ŷ - y", "≠ ŷ - y");
        },
    .corrected =
        [] {
          const auto [z, y, d, form, form_error] = draw_poisson_case();
          check_derivative("Poisson·exp ∂L/∂z = ŷ - y", form, form_error, d);
          const double label = y > 5 ? 1.0 : 0.0;
          const auto b = derivative(scalar_function::of(bce_sigmoid, ref_t(label)), z);
          const ref_t s = sigmoid(ref_t(z));
          check_derivative("Bernoulli·sigmoid ∂L/∂z = ŷ - y", s - label, formula_error(4, ref_t(1)), b);
          const auto m = derivative(scalar_function::of(mse_linear, ref_t(y)), z);
          check_derivative("Gaussian·identity ∂L/∂z = 2(ŷ - y)", 2 * (ref_t(z) - y), formula_error(2, 2 * (std::abs(z) + y)), m);
        },
});

GRADAUDIT_CLAIM({
    .id = "ce.sigmoid.slow_near_target",
    .section = kCeSigmoid,
    .quote = R"(当y和 $\hat{y}$ 很接近的时候，梯度接近0，参数将会更新得更慢一些。这是符合直觉的。)",
    .statement = "for ŷ = σ(w·x) and cross-entropy the gradient is (ŷ - y)x (oracle): its size "
                 "is proportional to |ŷ - y|, vanishing only as ŷ nears y",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const auto c = properties::draw_case(head_kind::sigmoid, gen::label(), 5.0);
          const auto g = weight_gradient(bce_sigmoid, c.w, c.x, c.y);
          for (std::size_t i = 0; i < c.w.size(); ++i)
            check_derivative("∂L/∂w[" + std::to_string(i) + "] = (ŷ - y)x", (c.yhat - c.y) * c.x[i],
                             formula_error(8, ref_t(std::abs(c.x[i]))) + abs(ref_t(c.x[i])) * c.yhat_error, g[i]);
        },
});

GRADAUDIT_CLAIM({
    .id = "ce.linear.blow_up",
    .section = kCeLinear,
    .quote = R"(但是看分母，当 $\hat{y}$ 接近0或者接近1的时候，梯度值会变大。这不利于学习。)",
    .statement = "for ŷ = w·x within ε <= 0.01 of 0 or of 1, the cross-entropy gradient "
                 "(ŷ - y)/(ŷ(1 - ŷ))·x has |∂L/∂w_i| >= |x_i|/(2ε) (y ∈ {0, 1})",
    .expected = verdict::needs_correction,
    .correction = "only when ŷ approaches the end opposite to the label: then |∂L/∂ŷ| >= 1/ε. "
                  "Near the label's own end the gradient stays bounded (y = 0, ŷ → 0: "
                  "∂L/∂ŷ = 1/(1 - ŷ) → 1), as a loss near its minimum should.",
    .as_stated =
        [] {
          const double eps = *gen::magnitude_in(1e-12, 0.01, false);
          const bool near_one = *rc::gen::arbitrary<bool>();
          const double y = *gen::label();
          const double yhat = near_one ? 1 - eps : eps;
          input("yhat", yhat);
          input("y", y);
          const ref_t g = abs(bce_grad(ref_t(yhat), ref_t(y)));
          const ref_t e = std::min(ref_t(yhat), 1 - ref_t(yhat));
          check_that("|∂L/∂ŷ| >= 1/(2ε)", g >= 1 / (2 * e), to_digits(g, 6), ">= " + to_digits(1 / (2 * e), 6));
        },
    .under_conditions =
        [] {
          const double eps = *gen::magnitude_in(1e-12, 0.01, false);
          const double y = *gen::label();
          const double yhat = y == 0 ? 1 - eps : eps;  // the end opposite to the label
          input("yhat", yhat);
          input("y", y);
          const ref_t g = abs(bce_grad(ref_t(yhat), ref_t(y)));
          const ref_t e = std::min(ref_t(yhat), 1 - ref_t(yhat));
          check_that("|∂L/∂ŷ| >= 1/(2ε)", g >= 1 / (2 * e), to_digits(g, 6), ">= " + to_digits(1 / (2 * e), 6));
        },
});

GRADAUDIT_CLAIM({
    .id = "ce.linear.softmax_is_sigmoid",
    .section = kCeLinear,
    .quote = "（二分类中，softmax和sigmoid等价）",
    .statement = "for two classes, softmax([z1, z2])_1 = σ(z1 - z2) for all z1, z2 (at 50 "
                 "digits): a two-logit softmax output is a one-logit sigmoid output",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z1 = *gen::real_in(-50, 50), z2 = *gen::real_in(-50, 50);
          input("z1", z1);
          input("z2", z2);
          const ref_t a = exp(ref_t(z1)), b = exp(ref_t(z2));
          const ref_t softmax = a / (a + b);
          // Both sides: <= 4 correctly rounded operations on positive values (z1 - z2 of two
          // doubles is exact at 168 bits here), and σ' <= 1/4 passes on the rest: 8u.
          check_close("softmax([z1, z2])_1 vs σ(z1 - z2)", softmax, sigmoid(ref_t(z1) - ref_t(z2)),
                      formula_error(8, softmax));
        },
});

GRADAUDIT_CLAIM({
    .id = "ce.linear.probability",
    .section = kCeLinear,
    .quote = R"(加了softmax，可以保证 $\hat{y}$ 是一个概率分布。但是如果没有加softmax， $\hat{y}$ 可能无法表示一个概率分布。)",
    .statement = "σ(z) lies in [0, 1] for every double z (in double it can be exactly 0 or 1, "
                 "where the cross-entropy is infinite), while a linear output w·x with w ≠ 0 "
                 "leaves [0, 1]: x = 2w/|w|² gives w·x = 2",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = *gen::any_finite();
          input("z", z);
          const double s = sigmoid(z);
          check_that("σ(z) ∈ [0, 1]", s >= 0 && s <= 1, shortest(s), "[0, 1]");
          const auto w = *gen::vector_of(1, 3, gen::real_in(-3, 3));
          RC_PRE(std::any_of(w.begin(), w.end(), [](double v) { return v != 0; }));
          input("w", w);
          ref_t n2 = 0;
          for (double v : w) n2 += ref_t(v) * ref_t(v);
          ref_t dot = 0;
          for (double v : w) dot += ref_t(v) * (2 * ref_t(v) / n2);
          check_that("w·x outside [0, 1] for x = 2w/|w|²", dot > 1, to_digits(dot, 6), "> 1");
        },
});

GRADAUDIT_CLAIM({
    .id = "init.equal_inputs",
    .section = kCeSigmoid,
    .quote = "那么w的各个分量更新的梯度也相等",
    .statement = "if every sample's input components are equal (x_1 = … = x_n), each unit's "
                 "weight-gradient components are equal (bitwise in gradaudit's double kernels), "
                 "so weights that start equal stay equal",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const int d = *rc::gen::inRange(2, 6), n = *rc::gen::inRange(1, 20), width = *rc::gen::inRange(1, 5);
          const auto v = *rc::gen::container<std::vector<double>>(static_cast<std::size_t>(n), gen::real_in(-3, 3));
          const auto ys = *rc::gen::container<std::vector<double>>(static_cast<std::size_t>(n), gen::label());
          const double c = *gen::real_in(-1, 1);
          input("inputs", d);
          input("sample values", v);
          input("y", ys);
          input("c", c);
          batch<double> data{matrix<double>(d, n), matrix<double>(1, n)};
          for (int s = 0; s < n; ++s) {
            data.x.col(s).setConstant(v[static_cast<std::size_t>(s)]);
            data.y(0, s) = ys[static_cast<std::size_t>(s)];
          }
          auto net = network<double>::zeros({d, width, 1}, {activation::sigmoid, activation::sigmoid});
          for (auto& l : net.layers) l.weight.setConstant(c);
          const auto g = evaluate(net, data, loss_function::bce, 1);
          const auto& g0 = g.weight[0];
          for (Eigen::Index j = 0; j < g0.rows(); ++j)
            check_that("gradient components of unit " + std::to_string(j) + " equal", (g0.row(j).array() == g0(j, 0)).all(),
                       "differ", "all equal");
        },
});

GRADAUDIT_CLAIM({
    .id = "init.zero.half",
    .section = kCeSigmoid,
    .quote = R"(经过sigmoid后， $\hat{y}=0.5$ 。)",
    .statement = "with all weights and the bias 0, a sigmoid unit outputs exactly 1/2 for every "
                 "input (σ(0) = 1/2 exactly, in double and at 50 digits)",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const auto x = *gen::vector_of(1, 4, gen::any_finite());
          input("x", x);
          const std::vector<double> w(x.size(), 0.0);
          const double z = dot<double>(w, x);
          check_that("σ(w·x) = 1/2 in double", sigmoid(z) == 0.5, shortest(sigmoid(z)), "0.5");
          check_that("σ(0) = 1/2 at 50 digits", sigmoid(ref_t(0)) == ref_t(0.5), to_digits(sigmoid(ref_t(0)), 20), "0.5");
        },
});
