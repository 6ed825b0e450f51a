// Claims of the article's Cross Entropy section (the loss, the chain rule, ∂loss/∂ŷ), and the
// accuracy of gradaudit's cross-entropy functions in double.
#include "support.hpp"

#include "gradaudit/loss.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <limits>

namespace {

using namespace gradaudit;
using namespace gradaudit::testing;
using namespace gradaudit::properties;

const char* const kSection = "Cross Entropy";
const char* const kLib = "gradaudit (accuracy of the double path)";

/// -(y log ŷ + (1-y) log(1-ŷ)) at 50 digits, zero-coefficient terms dropped (0·log 0 = 0).
ref_t bce_exact(double yhat, double y) {
  ref_t r = 0;
  if (y != 0) r -= ref_t(y) * log(ref_t(yhat));
  // log1p(-ŷ), not log(1 - ŷ): 1 - ŷ needs up to 1075 bits (ŷ = 1e-36 already takes 173)
  // and would be rounded at 168 — an earlier version of this reference did exactly that.
  if (y != 1) r -= (1 - ref_t(y)) * log1p(-ref_t(yhat));
  return r;
}

}  // namespace

GRADAUDIT_CLAIM({
    .id = "ce.definition",
    .section = kSection,
    .quote = R"(loss = -(y \log(\hat{y}) + (1-y) \log(1-\hat{y})))",
    .statement = "gradaudit::bce in double is within 1 ULP of -(y log ŷ + (1-y) log(1-ŷ)) at "
                 "50 digits for ŷ ∈ [0, 1] (ends and subnormals included) and y ∈ [0, 1]",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double yhat = *gen::probability();
          const double y = *rc::gen::oneOf(gen::label(), gen::probability());
          input("yhat", yhat);
          input("y", y);
          // log is correctly rounded at 168 bits, a product and a sum of non-negative terms
          // add 2^-167 relative: 2^-114 of a double ULP.
          check_ulps("bce(yhat, y)", bce(yhat, y), bce_exact(yhat, y), 1.0);
        },
    .cases = 10000,
});

GRADAUDIT_CLAIM({
    .id = "ce.chain_rule",
    .section = kSection,
    .quote = R"(\frac{\partial loss}{\partial w} = \frac{\partial loss}{\partial \hat{y}} \cdot \frac{\partial \hat{y}}{\partial w})",
    .statement = "for ŷ = σ(w·x), the oracle's ∂loss/∂w_i equals the oracle's ∂loss/∂ŷ (at ŷ) "
                 "times the oracle's ∂ŷ/∂w_i",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const layer_case c = draw_case(head_kind::sigmoid, gen::label());
          const auto dyhat = dyhat_dw(head_kind::sigmoid, c);
          const auto dl = derivative(scalar_function::of(bce_linear, ref_t(c.y)), c.yhat);
          // ∂loss/∂ŷ taken at the 50-digit ŷ: off by |∂²loss/∂ŷ²|·yhat_error, and
          // ∂²loss/∂ŷ² = y/ŷ² + (1-y)/(1-ŷ)² <= 1/min(ŷ, 1-ŷ)², doubled for the neighbourhood.
          const ref_t m = std::min(c.yhat, 1 - c.yhat);
          const ref_t ea = dl.bound + 2 * c.yhat_error / (m * m);
          check_weight_gradient("∂loss/∂w", bce_sigmoid, c, [&](std::size_t i) {
            return claimed_value{dl.value * dyhat[i].value,
                                 product_error(dl.value, ea, dyhat[i].value, dyhat[i].bound)};
          });
        },
});

GRADAUDIT_CLAIM({
    .id = "ce.grad_yhat",
    .section = kSection,
    .quote = R"(= -(y - \hat{y}) \frac{\partial \hat{y}}{\partial w})",
    .statement = "∂loss/∂w = -(y - ŷ)·∂ŷ/∂w, i.e. ∂loss/∂ŷ = ŷ - y for the cross-entropy "
                 "loss (checked with the sigmoid head, ∂ŷ/∂w from the oracle)",
    .expected = verdict::refuted,
    .correction = "∂loss/∂ŷ = -y/ŷ + (1-y)/(1-ŷ) = (ŷ - y)/(ŷ(1 - ŷ)); ŷ - y is ∂loss/∂z, the "
                  "derivative wrt the sigmoid's input z = w·x, after ŷ(1-ŷ) cancels.",
    .as_stated = [] { check_bce_sigmoid_step(true); },
    .corrected = [] { check_bce_sigmoid_step(false); },
});

// ---- gradaudit's own accuracy: the loss and gradient of a sigmoid output from its logit ----

GRADAUDIT_CLAIM({
    .id = "accuracy.bce_with_logits",
    .section = kLib,
    .quote = R"(loss = -(y \log(\hat{y}) + (1-y) \log(1-\hat{y})))",
    .statement = "gradaudit::bce_with_logits(z, y) in double is within 1 ULP of "
                 "log(1 + e^{-z}) (y = 1) or log(1 + e^{z}) (y = 0) at 50 digits for every "
                 "finite z (PyTorch 1.13 float64 has 100 % error for |z| >~ 37)",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = *gen::any_finite();
          const double y = *gen::label();
          input("z", z);
          input("y", y);
          const ref_t t = y == 1 ? -ref_t(z) : ref_t(z);  // the loss is softplus(t)
          // softplus(t) = log1p(e^t) for t <= 0 and t + log1p(e^{-t}) for t > 0 (the same
          // number; e^t would overflow at 50 digits for t > 2^30·ln 2).
          const ref_t exact = t <= 0 ? log1p(exp(t)) : t + log1p(exp(-t));
          check_ulps("bce_with_logits(z, y)", bce_with_logits(z, y), exact, 1.0);
        },
    .cases = 10000,
});

GRADAUDIT_CLAIM({
    .id = "accuracy.bce_with_logits_grad",
    .section = kLib,
    .quote = R"(因为梯度值是  $(\hat{y}-y)x$ )",
    .statement = "gradaudit::bce_with_logits_grad(z, y) = σ(z) - y in double is within 1 ULP of "
                 "its 50-digit value for every finite z and y ∈ {0, 1}, including σ(z) - 1 for "
                 "z > 36.7, where σ(z) rounds to 1 in double",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = *gen::any_finite();
          const double y = *gen::label();
          input("z", z);
          input("y", y);
          // σ(z) - 1 = -1/(1 + e^{z}); σ(z) = 1/(1 + e^{-z}): one exp, one add, one divide.
          const ref_t exact = y == 1 ? -1 / (1 + exp(ref_t(z))) : 1 / (1 + exp(-ref_t(z)));
          check_ulps("bce_with_logits_grad(z, y)", bce_with_logits_grad(z, y), exact, 1.0);
        },
    .cases = 10000,
});
