#include "support.hpp"
#include "support_training.hpp"

#include "gradaudit/testing/ulp.hpp"
#include "gradaudit/train.hpp"

#include <cmath>

namespace gradaudit::properties {

namespace gen = testing::gen;
using testing::classify;
using testing::input;

// ---- certified output-layer cases -------------------------------------------------------

rc::Gen<double> probability_target() { return rc::gen::oneOf(gen::label(), gen::probability()); }

rc::Gen<double> regression_target() {
  return rc::gen::oneOf(gen::label(), gen::probability(), gen::real_in(-745, 745));
}

namespace {

void record(const weight_case& c) {
  input("w", c.w);
  input("x", c.x);
  input("y", c.y);
}

/// Hard labels, soft targets in (0, 1), and (regression) targets outside [0, 1].
void classify_target(double y, bool regression) {
  classify("hard target y ∈ {0, 1}", y == 0 || y == 1);
  classify("soft target y ∈ (0, 1)", y > 0 && y < 1);
  if (regression) classify("target outside [0, 1]", y < 0 || y > 1);
}

}  // namespace

ball exact_z(const weight_case& c) {
  testing::precision_scope exact(4096);
  return testing::def::dot(std::vector<ball>(c.w.begin(), c.w.end()), c.x);
}

namespace {

weight_case draw_sample(const rc::Gen<double>* target) {
  weight_case c;
  c.w = *gen::vector_of(1, 3, gen::real_in(-40, 40));
  c.x = *rc::gen::container<std::vector<double>>(c.w.size(), gen::real_in(-20, 20));
  if (target) c.y = **target;
  input("w", c.w);
  input("x", c.x);
  if (target) input("y", c.y);
  const double z = exact_z(c).mid_double();
  RC_PRE(std::abs(z) <= 745.0);
  classify("saturated |z| > 36.7", std::abs(z) > 36.7);
  classify("|z| <= 1", std::abs(z) <= 1);
  classify("z = 0", z == 0);
  return c;
}

}  // namespace

weight_case draw_weights() { return draw_sample(nullptr); }

weight_case draw_weights(const rc::Gen<double>& target, bool regression) {
  const weight_case c = draw_sample(&target);
  classify_target(c.y, regression);
  return c;
}

weight_case draw_probability_weights(const rc::Gen<double>& target, bool anywhere) {
  weight_case c;
  const auto n = static_cast<std::size_t>(*rc::gen::inRange(1, 4));
  c.x = *rc::gen::container<std::vector<double>>(n, gen::real_in(-20, 20));
  const bool aim_outside = anywhere && *rc::gen::arbitrary<bool>();
  const double p = aim_outside ? *gen::real_in(-745, 745) : *gen::probability(true);
  c.w = *rc::gen::container<std::vector<double>>(n - 1, gen::real_in(-1, 1));
  double rest = 0;
  for (std::size_t i = 0; i + 1 < n; ++i) rest += c.w[i] * c.x[i];
  c.w.push_back((p - rest) / c.x.back());  // w·x = p up to the roundings of double
  c.y = *target;
  record(c);
  RC_PRE(std::isfinite(c.w.back()));
  const ball z = exact_z(c);
  const bool defined = z > ball(0) && z < ball(1);  // exact: never undecided
  if (!anywhere) RC_PRE(defined);
  // Where ŷ = y (a soft target) the true derivative is exactly 0, but -y/ŷ + (1-y)/(1-ŷ)
  // has no exact enclosure (1/ŷ is not a binary fraction): no precision certifies it.
  RC_PRE(!(defined && z == ball(c.y)));
  classify("ŷ = w·x ∈ (0, 1e-6)", defined && z < ball(1e-6));
  classify("ŷ = w·x ∈ (0, 1e-100)", defined && z < ball(1e-100));
  classify("ŷ = w·x ∈ (1 - 1e-6, 1)", defined && z > ball(1) - ball(1e-6));
  if (anywhere) classify("ŷ = w·x outside (0, 1)", !defined);
  classify_target(c.y, false);
  return c;
}

std::vector<ball> times_x(const ball& a, const weight_case& c) {
  std::vector<ball> g;
  g.reserve(c.x.size());
  for (double xi : c.x) g.push_back(a * xi);
  return g;
}

std::vector<ball> head_gradient(head_kind head, const weight_case& c, const std::vector<ball>& w) {
  return testing::gradient([&](const auto& v) { return predict(head, testing::def::dot(v, c.x)); },
                           std::span<const ball>(w));
}

void check_bce_sigmoid_step(bool article) {
  const weight_case c = draw_weights(probability_target());
  check_loss_gradient("∂loss/∂w", bce_sigmoid, c, [&](const std::vector<ball>& w) {
    const ball yhat = testing::def::sigmoid(testing::def::dot(w, c.x));
    // Article: ∂loss/∂ŷ = -(y - ŷ). Ours: (ŷ - y)/(ŷ(1 - ŷ)).
    const ball a = article ? -(c.y - yhat) : (yhat - c.y) / (yhat * (1 - yhat));
    std::vector<ball> g = head_gradient(head_kind::sigmoid, c, w);
    for (ball& gi : g) gi = a * gi;
    return g;
  });
}

// ---- shared by the training claims ------------------------------------------------------

double logistic_accuracy(const batch<double>& train_set, const batch<double>& score_set,
                         double w0) {
  auto net =
      network<double>::zeros({static_cast<int>(train_set.x.rows()), 1}, {activation::sigmoid});
  net.layers[0].weight.setConstant(w0);
  train_options o;
  o.loss = loss_function::bce;
  o.learning_rate = 0.01;
  o.epochs = 1000;
  o.record_history = false;
  (void)train(net, train_set, o);
  const matrix<double> p = predict(net, score_set.x);
  return ((p.array() > 0.5) == (score_set.y.array() > 0.5)).cast<double>().mean();
}

batch<double> draw_data(int max_samples, int max_features, bool coarse) {
  const int n = *rc::gen::inRange(1, max_samples + 1);
  const int d = *rc::gen::inRange(1, max_features + 1);
  batch<double> b;
  b.x.resize(d, n);
  b.y.resize(1, n);
  const auto feature = coarse ? rc::gen::element(0.0, 1.0, -1.0, 2.0, -2.0) : gen::real_in(-3, 3);
  const auto xs =
      *rc::gen::container<std::vector<double>>(static_cast<std::size_t>(n * d), feature);
  const auto ys =
      *rc::gen::container<std::vector<double>>(static_cast<std::size_t>(n), gen::label());
  for (int s = 0; s < n; ++s) {
    for (int i = 0; i < d; ++i) b.x(i, s) = xs[static_cast<std::size_t>(s * d + i)];
    b.y(0, s) = ys[static_cast<std::size_t>(s)];
  }
  input("x (features × samples)", xs);
  input("y", ys);
  return b;
}

void classify_logit_and_target(double z, double y) {
  testing::classify("saturated |z| > 36.7 (σ within 2^-53 of 0 or 1)", std::abs(z) > 36.7);
  testing::classify("|z| > 745", std::abs(z) > 745);
  testing::classify("hard target y ∈ {0, 1}", y == 0 || y == 1);
  testing::classify("soft target 0 < y < 1", y > 0 && y < 1);
}

std::vector<std::string> component_names(const std::string& name, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(name + "[" + std::to_string(i) + "]");
  return out;
}

namespace {
template <Real T>
void bce_step_at(network<T>& net, const batch<T>& data, const T& lr) {
  const auto g = evaluate(net, data, loss_function::bce, 1);
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    net.layers[l].weight -= lr * g.weight[l];
    net.layers[l].bias -= lr * g.bias[l];
  }
}
}  // namespace

void bce_step(network<double>& net, const batch<double>& data, double lr) {
  bce_step_at(net, data, lr);
}
void bce_step(network<ref_t>& net, const batch<ref_t>& data, const ref_t& lr) {
  bce_step_at(net, data, lr);
}

}  // namespace gradaudit::properties
