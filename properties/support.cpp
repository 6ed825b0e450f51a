#include "support.hpp"

#include "gradaudit/testing/ulp.hpp"
#include "gradaudit/train.hpp"

namespace gradaudit::properties {

layer_case draw_case(head_kind head, const rc::Gen<double>& target, double range,
                     bool probability_output) {
  layer_case c;
  c.w = *testing::gen::vector_of(1, 3, testing::gen::real_in(-range, range));
  c.x = *rc::gen::container<std::vector<double>>(c.w.size(), testing::gen::real_in(-range, range));
  c.y = *target;
  c.z = 0;
  for (std::size_t i = 0; i < c.w.size(); ++i) c.z += ref_t(c.w[i]) * ref_t(c.x[i]);
  if (probability_output) RC_PRE(c.z > 0 && c.z < 1);
  ref_t mag = 0;
  for (std::size_t i = 0; i < c.w.size(); ++i) mag += abs(ref_t(c.w[i]) * ref_t(c.x[i]));
  // z: n products and n sums, each correctly rounded: (n + 1)u·Σ|w_j x_j|. σ adds 4u·σ <= 4u
  // and passes on the error of z multiplied by at most σ' <= 1/4 (we keep the factor 1).
  const ref_t z_error = testing::formula_error(static_cast<int>(c.w.size()) + 1, mag);
  c.yhat = head == head_kind::sigmoid ? sigmoid(c.z) : c.z;
  c.yhat_error = head == head_kind::sigmoid ? z_error + testing::formula_error(4, ref_t(1)) : z_error;
  testing::input("w", c.w);
  testing::input("x", c.x);
  testing::input("y", c.y);
  return c;
}

std::vector<derivative_estimate> dyhat_dw(head_kind head, const layer_case& c) {
  const scalar_function f{head == head_kind::sigmoid ? scalar_function::kind::sigmoid
                                                     : scalar_function::kind::linear};
  return testing::weight_gradient(f, c.w, c.x);
}

std::vector<derivative_estimate> dloss_dw(output_layer layer, const layer_case& c) {
  return testing::weight_gradient(layer, c.w, c.x, c.y);
}

ref_t product_error(const ref_t& a, const ref_t& ea, const ref_t& b, const ref_t& eb) {
  return abs(a) * eb + abs(b) * ea + ea * eb + testing::formula_error(1, a * b);
}

void check_bce_sigmoid_step(bool article) {
  const layer_case c = draw_case(head_kind::sigmoid, testing::gen::label());
  const auto dyhat = dyhat_dw(head_kind::sigmoid, c);
  // Article: ∂loss/∂ŷ = -(y - ŷ). Ours: (ŷ - y)/(ŷ(1 - ŷ)).
  const ref_t d = c.yhat - c.y;
  const ref_t q = c.yhat * (1 - c.yhat);
  const ref_t a = article ? d : d / q;
  // ŷ ∈ (0, 1) is off by yhat_error; |∂a/∂ŷ| <= 1 (article) or <= 1/q² (ours) near it.
  const ref_t ea = article ? c.yhat_error + testing::formula_error(1, 2)
                           : c.yhat_error / (q * q) * 2 + testing::formula_error(4, abs(a) + 1 / q);
  check_weight_gradient("∂loss/∂w", bce_sigmoid, c, [&](std::size_t i) {
    return claimed_value{a * dyhat[i].value, product_error(a, ea, dyhat[i].value, dyhat[i].bound)};
  });
}

double logistic_accuracy(const batch<double>& train_set, const batch<double>& score_set, double w0) {
  auto net = network<double>::zeros({static_cast<int>(train_set.x.rows()), 1}, {activation::sigmoid});
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
  const auto feature = coarse ? rc::gen::element(0.0, 1.0, -1.0, 2.0, -2.0) : testing::gen::real_in(-3, 3);
  const auto xs = *rc::gen::container<std::vector<double>>(static_cast<std::size_t>(n * d), feature);
  const auto ys = *rc::gen::container<std::vector<double>>(static_cast<std::size_t>(n), testing::gen::label());
  for (int s = 0; s < n; ++s) {
    for (int i = 0; i < d; ++i) b.x(i, s) = xs[static_cast<std::size_t>(s * d + i)];
    b.y(0, s) = ys[static_cast<std::size_t>(s)];
  }
  testing::input("x (features × samples)", xs);
  testing::input("y", ys);
  return b;
}

}  // namespace gradaudit::properties
