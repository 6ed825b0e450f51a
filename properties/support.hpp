#pragma once
// What the output-layer claims share: drawing a sample (w, x, y) for a single output
// ŷ = head(w·x), the true loss of it as a function of the weights (definitions.hpp, so that
// jets differentiate the mathematics), and the certified check of a claimed gradient.
#include "gradaudit/output_layer.hpp"
#include "gradaudit/testing/certify.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/definitions.hpp"
#include "gradaudit/testing/generators.hpp"

#include <rapidcheck.h>

#include <string>
#include <vector>

namespace gradaudit::properties {

using testing::ball;

// ---- certified output-layer cases -------------------------------------------------------

/// One sample for a single output ŷ = head(z), z = w·x: the weights w are the variables the
/// gradient is taken in; the input x and the target y are data.
struct weight_case {
  std::vector<double> w, x;
  double y = 0;
};

/// Targets of a probability output: hard labels {0, 1} and soft targets in [0, 1] (dense near
/// both ends, down to the subnormals).
rc::Gen<double> probability_target();

/// Targets of a regression output: labels, probabilities and reals in [-745, 745].
rc::Gen<double> regression_target();

/// Draws 1 to 3 weights in [-40, 40] and inputs in [-20, 20], so that z = w·x covers the
/// whole range of σ in double (cases with |z| > 745, past which e^{-|z|} underflows, are
/// discarded), records them and classifies the case (saturated |z| > 36.7, |z| <= 1, z = 0).
/// Without a target, y is 0 and unused.
weight_case draw_weights();
/// The same with y from `target` (classified hard/soft, and outside [0, 1] for `regression`).
weight_case draw_weights(const rc::Gen<double>& target, bool regression = false);

/// Draws a case for ŷ = w·x with the cross-entropy loss: w·x is aimed at a probability drawn
/// from gen::probability (the last weight solves w·x = p; the other products are small), or,
/// with `anywhere`, half of the time at a real in [-745, 745]. Records and classifies (ŷ
/// below 1e-6 or 1e-100, within 1e-6 of 1, outside (0, 1), soft/hard target). The point
/// ŷ = y of a soft target is discarded (the true gradient is exactly 0 there, which no
/// enclosure of -y/ŷ + (1-y)/(1-ŷ) certifies).
weight_case draw_probability_weights(const rc::Gen<double>& target, bool anywhere);

/// z = w·x exactly (a ball at 4096 bits holds every sum of three products of doubles).
ball exact_z(const weight_case& c);

/// ŷ = head(z), the definition (any scalar S).
template <class S>
S predict(head_kind head, const S& z) {
  return head == head_kind::sigmoid ? testing::def::sigmoid(z) : z;
}

/// loss(head(w·x), y) as a function of the weights, from the definitions (any scalar S).
template <class S>
S true_loss(output_layer layer, const std::vector<S>& w, const weight_case& c) {
  const S yhat = predict(layer.head, S(testing::def::dot(w, c.x)));
  return layer.loss == loss_kind::mse ? testing::def::mse(yhat, c.y) : testing::def::bce(yhat, c.y);
}

/// a·x: the vector a claimed gradient of the form (∂L/∂z)·x is.
std::vector<ball> times_x(const ball& a, const weight_case& c);

/// Checks ∇_w loss(head(w·x), y) (jets of the definition) == claimed(w) component-wise, where
/// claimed(const std::vector<ball>& w) returns the claimed gradient in ball arithmetic.
template <class Claimed>
void check_loss_gradient(std::string_view what, output_layer layer, const weight_case& c,
                         Claimed claimed) {
  testing::check_gradient(
      what, [&](const auto& w) { return true_loss(layer, w, c); }, claimed, c.w);
}

/// Checks ∇_w head(w·x) (jets of the definition) == claimed(w) component-wise.
template <class Claimed>
void check_head_gradient(std::string_view what, head_kind head, const weight_case& c,
                         Claimed claimed) {
  testing::check_gradient(
      what, [&](const auto& w) { return predict(head, testing::def::dot(w, c.x)); }, claimed, c.w);
}

/// ∇_w head(w·x) by jets: the certified ∂ŷ/∂w a chain-rule step multiplies by.
std::vector<ball> head_gradient(head_kind head, const weight_case& c, const std::vector<ball>& w);

/// For ŷ = σ(w·x) with the cross-entropy loss (targets soft and hard), checks ∂loss/∂w_i
/// against a·∂ŷ/∂w_i (∂ŷ/∂w_i by jets) with a = ∂loss/∂ŷ as the article has it, ŷ - y
/// (`article`), or as it is, (ŷ - y)/(ŷ(1 - ŷ)).
void check_bce_sigmoid_step(bool article);

/// Counts the case in the classes every logit claim names: saturated |z| > 36.7 (σ(z) within
/// 2^-53 of 0 or 1), |z| > 745 (σ(z) below the doubles), hard and soft targets.
void classify_logit_and_target(double z, double y);

/// "name[0]", "name[1]", … : the labels of a vector's components in messages.
std::vector<std::string> component_names(const std::string& name, std::size_t n);

}  // namespace gradaudit::properties
