// Claims of the article's Cross Entropy subsections: the gradient with a sigmoid output layer
// and with a linear (fully connected) output layer.
#include "support.hpp"

#include "gradaudit/testing/ulp.hpp"

namespace {

using namespace gradaudit;
using namespace gradaudit::testing;
using namespace gradaudit::properties;

const char* const kSigmoid = "Cross Entropy › 如果最后一层是sigmoid层";
const char* const kLinear = "Cross Entropy › 如果最后一层是全连接层";

/// The article's -(y - ŷ)ŷ(1 - ŷ)x (article) or our (ŷ - y)x, sigmoid head.
void check_sigmoid_grad(bool article) {
  const layer_case c = draw_case(head_kind::sigmoid, gen::label());
  const ref_t d = c.yhat - c.y;
  const ref_t a = article ? d * c.yhat * (1 - c.yhat) : d;
  // slope of (t - y)t(1 - t) on [0, 1] is at most 1 + |y|; four roundings.
  const ref_t ea = (1 + abs(ref_t(c.y))) * c.yhat_error + formula_error(4, 1 + abs(ref_t(c.y)));
  check_weight_gradient("∂loss/∂w", bce_sigmoid, c, [&](std::size_t i) {
    const ref_t xi = c.x[i];
    return claimed_value{a * xi, abs(xi) * ea + formula_error(1, a * xi)};
  });
}

/// Draws a linear-head case; with `defined_only`, only w·x ∈ (0, 1) where the loss exists.
layer_case draw_linear(bool defined_only) {
  return draw_case(head_kind::linear, gen::label(), 1.0, defined_only);
}

/// The loss must exist (and be differentiable) at ŷ = w·x for the formula to mean anything.
bool require_defined(const layer_case& c) {
  const bool ok = c.z > 0 && c.z < 1;
  check_that("loss defined at ŷ = w·x", ok, "ŷ = " + to_digits(c.z, 17), "ŷ ∈ (0, 1)");
  return ok;
}

/// The bracket (-y/ŷ + (1-y)/(1-ŷ)) or the simplified (ŷ - y)/(ŷ(1-ŷ)), times ∂ŷ/∂w_i which
/// is x_i (claimed) or the oracle's (first step).
void check_linear(bool defined_only, bool simplified, bool oracle_dyhat) {
  const layer_case c = draw_linear(defined_only);
  if (!require_defined(c)) return;
  const ref_t& t = c.yhat;
  const ref_t y = c.y;
  const ref_t a = simplified ? (t - y) / (t * (1 - t)) : -y / t + (1 - y) / (1 - t);
  // |∂a/∂ŷ| = y/ŷ² + (1-y)/(1-ŷ)² <= 1/m², m = min(ŷ, 1-ŷ), doubled for the neighbourhood;
  // at most 6 roundings on terms bounded by 1/m.
  const ref_t m = std::min(t, 1 - t);
  const ref_t ea = 2 * c.yhat_error / (m * m) + formula_error(6, 2 / m);
  const auto dyhat = dyhat_dw(head_kind::linear, c);
  check_weight_gradient("∂loss/∂w", bce_linear, c, [&](std::size_t i) {
    if (oracle_dyhat)
      return claimed_value{a * dyhat[i].value, product_error(a, ea, dyhat[i].value, dyhat[i].bound)};
    const ref_t xi = c.x[i];
    return claimed_value{a * xi, abs(xi) * ea + formula_error(1, a * xi)};
  });
}

const char* const kLinearCondition =
    "holds exactly where the loss is defined, ŷ = w·x ∈ (0, 1). A linear output is not "
    "confined there: for w·x <= 0 or >= 1 the loss takes the log of a non-positive number "
    "(or is infinite at 0 and 1) and the formula divides by ŷ = 0 or 1 - ŷ = 0; PyTorch's "
    "BCELoss rejects such inputs. The article says so only later, in words (ŷ 可能无法表示一个"
    "概率分布).";

}  // namespace

GRADAUDIT_CLAIM({
    .id = "ce.sigmoid.step",
    .section = kSigmoid,
    .quote = R"(\frac{\partial loss}{\partial w} = -(y - \hat{y}) \frac{\partial \hat{y}}{\partial w})",
    .statement = "for ŷ = σ(w·x) and the cross-entropy loss, ∂loss/∂w = -(y - ŷ)·∂ŷ/∂w "
                 "(∂ŷ/∂w from the oracle)",
    .expected = verdict::refuted,
    .correction = "∂loss/∂w = (ŷ - y)/(ŷ(1 - ŷ))·∂ŷ/∂w = (ŷ - y)x; see ce.grad_yhat.",
    .as_stated = [] { check_bce_sigmoid_step(true); },
    .corrected = [] { check_bce_sigmoid_step(false); },
});

GRADAUDIT_CLAIM({
    .id = "ce.sigmoid.grad",
    .section = kSigmoid,
    .quote = R"(= -(y - \hat{y})\hat{y}(1 - \hat{y})(x))",
    .statement = "for ŷ = σ(w·x) and the cross-entropy loss, ∂loss/∂w = -(y - ŷ)ŷ(1 - ŷ)x",
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
    .statement = "the section's general result (before the output layer is chosen), checked "
                 "for the only head it can refer to, ŷ = σ(w·x)",
    .expected = verdict::refuted,
    .correction = "(ŷ - y)x for the sigmoid head; for a general head, (ŷ - y)/(ŷ(1 - ŷ))·∂ŷ/∂w.",
    .as_stated = [] { check_sigmoid_grad(true); },
    .corrected = [] { check_sigmoid_grad(false); },
});

GRADAUDIT_CLAIM({
    .id = "ce.sigmoid.grad_restated",
    .section = kSigmoid,
    .quote = R"(因为梯度值是  $(\hat{y}-y)x$ ，它未必是0)",
    .statement = "for ŷ = σ(w·x) and the cross-entropy loss, ∂loss/∂w = (ŷ - y)x (y ∈ {0, 1})",
    .expected = verdict::holds,
    .as_stated = [] { check_sigmoid_grad(false); },
});

GRADAUDIT_CLAIM({
    .id = "ce.linear.step",
    .section = kLinear,
    .quote = R"(\frac{\partial loss}{\partial w} = \left( \frac{-y}{\hat{y}} + \frac{1-y}{1-\hat{y}} \right) \cdot \frac{\partial \hat{y}}{\partial w})",
    .statement = "for ŷ = w·x and the cross-entropy loss, ∂loss/∂w = (-y/ŷ + (1-y)/(1-ŷ))·∂ŷ/∂w "
                 "(∂ŷ/∂w from the oracle), for any w, x",
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
                 "for any w, x",
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
                 "for any w, x",
    .expected = verdict::needs_correction,
    .correction = kLinearCondition,
    .as_stated = [] { check_linear(false, true, false); },
    .under_conditions = [] { check_linear(true, true, false); },
});
