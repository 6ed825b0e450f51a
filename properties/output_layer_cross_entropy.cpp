// Claims of the article's Cross Entropy subsections: the gradient with a sigmoid output layer
// and with a linear (fully connected) output layer. The true side is ∇_w of the cross-entropy
// of head(w·x) by jets of the definition (support.hpp); the claimed side is the formula in
// ball arithmetic.
#include "support.hpp"

namespace {
namespace output_layer_cross_entropy_claims {

using namespace gradaudit;
using namespace gradaudit::testing;
using namespace gradaudit::properties;

const char* const kSigmoid = "Cross Entropy › 如果最后一层是sigmoid层";
const char* const kLinear = "Cross Entropy › 如果最后一层是全连接层";

/// The article's -(y - ŷ)ŷ(1 - ŷ)x (article) or our (ŷ - y)x, sigmoid head, targets hard and
/// soft, w·x over [-745, 745].
void check_sigmoid_grad(bool article) {
  const weight_case c = draw_weights(probability_target());
  check_loss_gradient("∂loss/∂w", bce_sigmoid, c, [&](const std::vector<ball>& w) {
    const ball yhat = def::sigmoid(def::dot(w, c.x));
    return times_x(article ? -(c.y - yhat) * yhat * (1 - yhat) : yhat - c.y, c);
  });
}

/// The loss must exist (and be differentiable) at ŷ = w·x for the formula to mean anything.
bool require_defined(const weight_case& c) {
  const ball z = exact_z(c);
  const bool ok = z > ball(0) && z < ball(1);  // z is exact: never undecided
  check_that("loss defined at ŷ = w·x", ok, "ŷ = " + z.str(17), "ŷ ∈ (0, 1)");
  return ok;
}

/// The bracket (-y/ŷ + (1-y)/(1-ŷ)) or the simplified (ŷ - y)/(ŷ(1-ŷ)), times ∂ŷ/∂w_i which
/// is x_i (claimed) or ∇_w(w·x) by jets (the step before ∂ŷ/∂w is substituted). With
/// `defined_only`, ŷ = w·x is drawn in (0, 1) only; otherwise about half the cases leave it.
void check_linear(bool defined_only, bool simplified, bool jet_dyhat) {
  const weight_case c = draw_probability_weights(probability_target(), !defined_only);
  if (!require_defined(c)) return;
  check_loss_gradient("∂loss/∂w", bce_linear, c, [&](const std::vector<ball>& w) {
    const ball t = def::dot(w, c.x);
    const ball a = simplified ? (t - c.y) / (t * (1 - t)) : -c.y / t + (1 - ball(c.y)) / (1 - t);
    if (!jet_dyhat) return times_x(a, c);
    std::vector<ball> g = head_gradient(head_kind::linear, c, w);
    for (ball& gi : g) gi = a * gi;
    return g;
  });
}

const char* const kLinearCondition =
    "holds exactly where the loss is defined, ŷ = w·x ∈ (0, 1). A linear output is not "
    "confined there: for w·x <= 0 or >= 1 the loss takes the log of a non-positive number "
    "(or is infinite at 0 and 1) and the formula divides by ŷ = 0 or 1 - ŷ = 0; PyTorch's "
    "BCELoss rejects such inputs. The article says so only later, in words (ŷ 可能无法表示一个"
    "概率分布).";

GRADAUDIT_CLAIM({
    .id = "ce.sigmoid.step",
    .section = kSigmoid,
    .quote =
        R"(\frac{\partial loss}{\partial w} = -(y - \hat{y}) \frac{\partial \hat{y}}{\partial w})",
    .statement = "for ŷ = σ(w·x) and the cross-entropy loss, ∂loss/∂w = -(y - ŷ)·∂ŷ/∂w "
                 "(∂ŷ/∂w = ∇_w σ(w·x) by jets; w·x over [-745, 745], targets hard and soft)",
    .expected = verdict::refuted,
    .correction = "∂loss/∂w = (ŷ - y)/(ŷ(1 - ŷ))·∂ŷ/∂w = (ŷ - y)x; see ce.grad_yhat.",
    .as_stated = [] { check_bce_sigmoid_step(true); },
    .corrected = [] { check_bce_sigmoid_step(false); },
});

GRADAUDIT_CLAIM({
    .id = "ce.sigmoid.grad",
    .section = kSigmoid,
    .quote = R"(= -(y - \hat{y})\hat{y}(1 - \hat{y})(x))",
    .statement = "for ŷ = σ(w·x) and the cross-entropy loss, ∂loss/∂w = -(y - ŷ)ŷ(1 - ŷ)x "
                 "(w·x over [-745, 745], targets hard and soft)",
    .expected = verdict::refuted,
    .correction = "∂loss/∂w = (ŷ - y)x: the factor ŷ(1 - ŷ) of ∂ŷ/∂w cancels against the "
                  "1/(ŷ(1 - ŷ)) of ∂loss/∂ŷ. The article itself uses (ŷ - y)x two paragraphs "
                  "later (ce.sigmoid.grad_restated). Its form would make BCE·sigmoid learn as "
                  "slowly as MSE·sigmoid when ŷ saturates, the opposite of the truth.",
    .as_stated = [] { check_sigmoid_grad(true); },
    .corrected = [] { check_sigmoid_grad(false); },
});

GRADAUDIT_CLAIM({
    .id = "ce.general.grad",
    .section = "Cross Entropy",
    .quote = R"(= -(y - \hat{y})\hat{y}(1 - \hat{y})(x))",
    .statement =
        "the section's general result (before the output layer is chosen), checked "
        "for the only head it can refer to, ŷ = σ(w·x) (w·x over [-745, 745], targets hard "
        "and soft)",
    .expected = verdict::refuted,
    .correction = "(ŷ - y)x for the sigmoid head; for a general head, (ŷ - y)/(ŷ(1 - ŷ))·∂ŷ/∂w.",
    .as_stated = [] { check_sigmoid_grad(true); },
    .corrected = [] { check_sigmoid_grad(false); },
});

GRADAUDIT_CLAIM({
    .id = "ce.sigmoid.grad_restated",
    .section = kSigmoid,
    .quote = R"(因为梯度值是  $(\hat{y}-y)x$ ，它未必是0)",
    .statement = "for ŷ = σ(w·x) and the cross-entropy loss, ∂loss/∂w = (ŷ - y)x, w·x over [-745, "
                 "745]; the article has labels y ∈ {0, 1} in mind, "
                 "and the identity holds for soft targets y ∈ [0, 1] too (both are drawn)",
    .expected = verdict::holds,
    .as_stated = [] { check_sigmoid_grad(false); },
});

GRADAUDIT_CLAIM({
    .id = "ce.linear.step",
    .section = kLinear,
    .quote =
        R"(\frac{\partial loss}{\partial w} = \left( \frac{-y}{\hat{y}} + \frac{1-y}{1-\hat{y}} \right) \cdot \frac{\partial \hat{y}}{\partial w})",
    .statement =
        "for ŷ = w·x and the cross-entropy loss, ∂loss/∂w = (-y/ŷ + (1-y)/(1-ŷ))·∂ŷ/∂w "
        "(∂ŷ/∂w = ∇_w(w·x) by jets), for any w, x (half the cases aim w·x at a real in "
        "[-745, 745], half at a probability down to the subnormals; targets hard and soft; not "
        "drawn: ŷ = y for a soft y, where the true gradient is exactly 0 but 1/ŷ has no "
        "exact enclosure, so no precision can certify it)",
    .expected = verdict::needs_correction,
    .correction = kLinearCondition,
    .as_stated = [] { check_linear(false, false, true); },
    .under_conditions = [] { check_linear(true, false, true); },
});

GRADAUDIT_CLAIM({
    .id = "ce.linear.grad",
    .section = kLinear,
    .quote = R"(= \left( \frac{-y}{\hat{y}} + \frac{1-y}{1-\hat{y}} \right) x)",
    .statement = "for ŷ = w·x and the cross-entropy loss, ∂loss/∂w = (-y/ŷ + (1-y)/(1-ŷ))x, "
                 "for any w, x (drawn as in ce.linear.step)",
    .expected = verdict::needs_correction,
    .correction = kLinearCondition,
    .as_stated = [] { check_linear(false, false, false); },
    .under_conditions = [] { check_linear(true, false, false); },
});

GRADAUDIT_CLAIM({
    .id = "ce.linear.simplified",
    .section = kLinear,
    .quote = R"(= \frac{\hat{y}-y}{\hat{y}(1-\hat{y})} x)",
    .statement = "for ŷ = w·x and the cross-entropy loss, ∂loss/∂w = (ŷ - y)/(ŷ(1 - ŷ))·x, "
                 "for any w, x (drawn as in ce.linear.step)",
    .expected = verdict::needs_correction,
    .correction = kLinearCondition,
    .as_stated = [] { check_linear(false, true, false); },
    .under_conditions = [] { check_linear(true, true, false); },
});

}  // namespace output_layer_cross_entropy_claims
}  // namespace
