// Claims of the article's MSE section: the loss, the chain rule, and ∂loss/∂ŷ.
#include "support.hpp"

#include "gradaudit/loss.hpp"
#include "gradaudit/testing/ulp.hpp"

namespace {

using namespace gradaudit;
using namespace gradaudit::testing;
using namespace gradaudit::properties;

const char* const kSection = "MSE";

head_kind draw_head() { return *rc::gen::element(head_kind::sigmoid, head_kind::linear); }

/// ∂loss/∂ŷ·∂ŷ/∂w_i for MSE with ∂loss/∂ŷ = sign·2(ŷ - y) (sign = -1: the article's 2(y - ŷ)).
void check_mse_step(int sign) {
  const head_kind head = draw_head();
  const layer_case c = draw_case(head, gen::real_in(-2, 2));
  const auto dyhat = dyhat_dw(head, c);
  const output_layer layer{loss_kind::mse, head};
  check_weight_gradient("∂loss/∂w", layer, c, [&](std::size_t i) {
    const ref_t a = sign * 2 * (c.yhat - c.y);
    // a: one subtraction and a doubling of ŷ (known to yhat_error) and y (exact).
    const ref_t ea = 2 * c.yhat_error + formula_error(2, 2 * (abs(c.yhat) + abs(ref_t(c.y))));
    return claimed_value{a * dyhat[i].value, product_error(a, ea, dyhat[i].value, dyhat[i].bound)};
  });
}

}  // namespace

GRADAUDIT_CLAIM({
    .id = "mse.definition",
    .section = kSection,
    .quote = R"(loss = (y - \hat{y})^2)",
    .statement = "gradaudit::mse in double is within 1 ULP of (y - ŷ)² at 50 digits for all "
                 "finite ŷ, y (overflow to +inf only where the exact value rounds to it)",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double yhat = *gen::any_finite();
          const double y = *gen::any_finite();
          input("yhat", yhat);
          input("y", y);
          const ref_t d = ref_t(y) - ref_t(yhat);  // exact: 2 doubles differ in < 2100 bits?
          // No: y - ŷ of two doubles needs up to 2098 bits; at 168 bits it is rounded once
          // (relative 2^-168), and squaring once more: far inside half an ULP of double.
          check_ulps("mse(yhat, y)", mse(yhat, y), d * d, 1.0);
        },
    .cases = 10000,
});

GRADAUDIT_CLAIM({
    .id = "mse.chain_rule",
    .section = kSection,
    .quote = R"(\frac{\partial loss}{\partial w} = \frac{\partial loss}{\partial \hat{y}} \cdot \frac{\partial \hat{y}}{\partial w})",
    .statement = "for ŷ = σ(w·x) and ŷ = w·x, the oracle's ∂loss/∂w_i equals the oracle's "
                 "∂loss/∂ŷ (at ŷ) times the oracle's ∂ŷ/∂w_i — three independent central "
                 "differences, no closed form",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const head_kind head = *rc::gen::element(head_kind::sigmoid, head_kind::linear);
          const layer_case c = draw_case(head, gen::real_in(-2, 2));
          const auto dyhat = dyhat_dw(head, c);
          const auto dloss_dyhat =
              derivative(scalar_function::of(mse_linear, ref_t(c.y)), c.yhat);
          // ∂loss/∂ŷ is taken at the 50-digit ŷ, off by yhat_error; its slope changes by at
          // most |∂²loss/∂ŷ²| = 2 per unit, so it is off by 2·yhat_error more.
          const ref_t ea = dloss_dyhat.bound + 2 * c.yhat_error;
          check_weight_gradient("∂loss/∂w", {loss_kind::mse, head}, c, [&](std::size_t i) {
            return claimed_value{dloss_dyhat.value * dyhat[i].value,
                                 product_error(dloss_dyhat.value, ea, dyhat[i].value, dyhat[i].bound)};
          });
        },
});

GRADAUDIT_CLAIM({
    .id = "mse.grad_yhat",
    .section = kSection,
    .quote = R"(= 2(y - \hat{y}) \frac{\partial \hat{y}}{\partial w})",
    .statement = "∂loss/∂w = 2(y - ŷ)·∂ŷ/∂w, i.e. ∂(y - ŷ)²/∂ŷ = 2(y - ŷ), for the sigmoid "
                 "and the linear head (∂ŷ/∂w from the oracle)",
    .expected = verdict::refuted,
    .correction = "∂(y - ŷ)²/∂ŷ = -2(y - ŷ) = 2(ŷ - y), so ∂loss/∂w = 2(ŷ - y)·∂ŷ/∂w. The "
                  "sign error propagates to both of the section's results: a step against the "
                  "article's gradient would increase the loss.",
    .as_stated = [] { check_mse_step(-1); },
    .corrected = [] { check_mse_step(+1); },
});
