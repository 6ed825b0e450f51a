#pragma once
// What the output-layer claims share: drawing a case (w, x, y) and evaluating the article's
// quantities on it at 50 digits.
#include "gradaudit/output_layer.hpp"
#include "gradaudit/network.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/oracle.hpp"

#include <rapidcheck.h>

#include <vector>

namespace gradaudit::properties {

using testing::derivative_estimate;
using testing::scalar_function;

/// One full-batch gradient-descent step on BCE (single-threaded): θ ← θ - lr·∂L/∂θ.
template <Real T>
void bce_step(network<T>& net, const batch<T>& data, const T& lr) {
  const auto g = evaluate(net, data, loss_function::bce, 1);
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    net.layers[l].weight -= lr * g.weight[l];
    net.layers[l].bias -= lr * g.bias[l];
  }
}

/// A small random data set: n <= max_samples samples of d <= max_features features in
/// [-3, 3] (or, with `coarse`, from {-2, -1, 0, 1, 2}, so that repeated samples and the exact
/// cancellations they allow are common), labels in {0, 1}; recorded as the case's inputs.
batch<double> draw_data(int max_samples, int max_features, bool coarse = false);

/// A single-output layer ŷ = head(w·x) with target y.
struct layer_case {
  std::vector<double> w, x;
  double y = 0;
  ref_t z;     ///< w·x at 50 digits (n + 1 roundings of u = 2^-168 relative to Σ|w_j x_j|)
  ref_t yhat;  ///< head(z) at 50 digits
  ref_t yhat_error;  ///< bound on |yhat - head(exact w·x)|
};

/// Draws w and x (1 to 3 entries, each in [-range, range]) and y from `target`, and records
/// them as the case's inputs. For the linear head with BCE, only cases with w·x in (0, 1) are
/// kept when `probability_output` is set (the loss is undefined elsewhere).
layer_case draw_case(head_kind head, const rc::Gen<double>& target, double range = 4.0,
                     bool probability_output = false);

/// The oracle's ∂ŷ/∂w_i for the case's head.
std::vector<derivative_estimate> dyhat_dw(head_kind head, const layer_case& c);

/// The oracle's ∂L/∂w_i for the case.
std::vector<derivative_estimate> dloss_dw(output_layer layer, const layer_case& c);

/// Asserts that claimed_i(c, ∂ŷ/∂w_i from the oracle) equals ∂L/∂w_i from the oracle for
/// every i, where `claimed` returns the claimed component and its evaluation error.
struct claimed_value {
  ref_t value;
  ref_t error;
};
template <class Claimed>
void check_weight_gradient(const char* what, output_layer layer, const layer_case& c,
                           Claimed claimed) {
  const auto truth = dloss_dw(layer, c);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const claimed_value v = claimed(i);
    testing::check_derivative(std::string(what) + "[" + std::to_string(i) + "]", v.value,
                              v.error, truth[i]);
  }
}

/// Error of a product a·b of two estimates known to within ea and eb, formed in ref_t:
/// |a||eb| + |b||ea| + ea·eb plus one rounding.
ref_t product_error(const ref_t& a, const ref_t& ea, const ref_t& b, const ref_t& eb);

/// For ŷ = σ(w·x) with the cross-entropy loss, checks ∂loss/∂w_i against
/// a·(∂ŷ/∂w_i from the oracle) with a = ∂loss/∂ŷ as the article has it, ŷ - y (`article`),
/// or as it is, (ŷ - y)/(ŷ(1 - ŷ)).
void check_bce_sigmoid_step(bool article);

/// Trains logistic regression (one sigmoid unit, BCE, full-batch gradient descent, lr 0.01,
/// 1000 epochs: the article's loop) from weights `w0` and bias 0 on `train_set`, and returns
/// the fraction of `score_set` it classifies correctly (output > 1/2 against label 1).
double logistic_accuracy(const batch<double>& train_set, const batch<double>& score_set, double w0);

}  // namespace gradaudit::properties
