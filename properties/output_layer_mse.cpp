// Claims of the article's MSE subsections: the gradient with a sigmoid and with a linear
// (fully connected) output layer. The true side is ∇_w (y - head(w·x))² by jets of the
// definition (support.hpp); the claimed side is the formula in ball arithmetic.
#include "support.hpp"

namespace {
namespace output_layer_mse_claims {

using namespace gradaudit;
using namespace gradaudit::testing;
using namespace gradaudit::properties;

const char* const kSigmoid = "MSE › 如果最后一层是sigmoid层";
const char* const kLinear = "MSE › 如果最后一层是全连接层";
const char* const kArticleGrad = R"(= 2(y - \hat{y})\hat{y}(1 - \hat{y})(x))";

/// ŷ = head(w·x) from the weights, in balls.
ball yhat_of(head_kind head, const std::vector<ball>& w, const weight_case& c) {
  return predict(head, def::dot(w, c.x));
}

/// sign·2(ŷ - y)·ŷ(1 - ŷ)·x (sign = -1: the article's 2(y - ŷ)ŷ(1 - ŷ)x), for the sigmoid
/// head with probability targets and for the linear head with regression targets.
void check_article_form(head_kind head, int sign) {
  const bool regression = head == head_kind::linear;
  const weight_case c =
      draw_weights(regression ? regression_target() : probability_target(), regression);
  check_loss_gradient("∂loss/∂w", {loss_kind::mse, head}, c, [&](const std::vector<ball>& w) {
    const ball yhat = yhat_of(head, w, c);
    return times_x(sign * 2 * (yhat - c.y) * yhat * (1 - yhat), c);
  });
}

/// ∂ŷ/∂w = ŷ(1 - ŷ)x against ∇_w head(w·x) by jets.
void check_dyhat_substitution(head_kind head) {
  const weight_case c = draw_weights();
  check_head_gradient("∂ŷ/∂w", head, c, [&](const std::vector<ball>& w) {
    const ball yhat = yhat_of(head, w, c);
    return times_x(yhat * (1 - yhat), c);
  });
}

/// The form gradaudit's output_layer_grad evaluates: 2(ŷ - y)·σ'(z) with σ'(z) written
/// e^{-|z|}/(1 + e^{-|z|})² (no overflow, no cancellation) for the sigmoid head; 2(ŷ - y) for
/// the linear head; times x.
void check_library_form(output_layer layer) {
  const bool regression = layer.head == head_kind::linear;
  const weight_case c =
      draw_weights(regression ? regression_target() : probability_target(), regression);
  check_loss_gradient("∂loss/∂w", layer, c, [&](const std::vector<ball>& w) {
    const ball z = def::dot(w, c.x);
    const ball dz = layer.head == head_kind::sigmoid
                        ? 2 * (def::sigmoid(z) - c.y) * exp(-abs(z)) / def::sq(1 + exp(-abs(z)))
                        : 2 * (z - c.y);
    return times_x(dz, c);
  });
}

GRADAUDIT_CLAIM({
    .id = "mse.sigmoid.dyhat_dw",
    .section = kSigmoid,
    .quote = kArticleGrad,
    .statement = "the substitution made in this step: for ŷ = σ(w·x), ∂ŷ/∂w = ŷ(1 - ŷ)x "
                 "(w·x over [-745, 745])",
    .expected = verdict::holds,
    .as_stated = [] { check_dyhat_substitution(head_kind::sigmoid); },
});

GRADAUDIT_CLAIM({
    .id = "mse.sigmoid.grad",
    .section = kSigmoid,
    .quote = kArticleGrad,
    .statement = "for ŷ = σ(w·x) and loss = (y - ŷ)², ∂loss/∂w = 2(y - ŷ)ŷ(1 - ŷ)x (w·x over "
                 "[-745, 745], targets y hard and soft)",
    .expected = verdict::refuted,
    .correction = "∂loss/∂w = 2(ŷ - y)ŷ(1 - ŷ)x (the sign of mse.grad_yhat carried over); "
                  "gradaudit::output_layer_grad(mse_sigmoid, …) computes it, with ŷ(1 - ŷ) "
                  "formed as σ'(w·x) = e^{-|z|}/(1+e^{-|z|})² (that form is checked here too).",
    .as_stated = [] { check_article_form(head_kind::sigmoid, -1); },
    .corrected =
        [] {
          check_article_form(head_kind::sigmoid, +1);
          check_library_form(mse_sigmoid);
        },
});

GRADAUDIT_CLAIM({
    .id = "mse.linear.dyhat_dw",
    .section = kLinear,
    .quote = kArticleGrad,
    .statement = "the substitution made in this step: for ŷ = w·x, ∂ŷ/∂w = ŷ(1 - ŷ)x",
    .expected = verdict::refuted,
    .correction = "for ŷ = w·x, ∂ŷ/∂w = x. The factor ŷ(1 - ŷ) is the sigmoid's derivative, "
                  "copied from the previous subsection; a linear layer has none.",
    .as_stated = [] { check_dyhat_substitution(head_kind::linear); },
    .corrected =
        [] {
          const weight_case c = draw_weights();
          check_head_gradient("∂ŷ/∂w", head_kind::linear, c,
                              [&](const std::vector<ball>&) { return times_x(ball(1), c); });
        },
});

GRADAUDIT_CLAIM({
    .id = "mse.linear.grad",
    .section = kLinear,
    .quote = kArticleGrad,
    .statement = "for ŷ = w·x and loss = (y - ŷ)², ∂loss/∂w = 2(y - ŷ)ŷ(1 - ŷ)x (w·x over "
                 "[-745, 745], targets hard, soft and real in [-745, 745])",
    .expected = verdict::refuted,
    .correction = "∂loss/∂w = 2(ŷ - y)x: two errors, the sign (mse.grad_yhat) and the "
                  "spurious factor ŷ(1 - ŷ) (mse.linear.dyhat_dw). The article's form even "
                  "vanishes at ŷ = 0 and ŷ = 1 whatever y is.",
    .as_stated = [] { check_article_form(head_kind::linear, -1); },
    .corrected = [] { check_library_form(mse_linear); },
});

}  // namespace output_layer_mse_claims
}  // namespace
