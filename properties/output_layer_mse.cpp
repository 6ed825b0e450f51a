// Claims of the article's MSE subsections: the gradient with a sigmoid and with a linear
// (fully connected) output layer.
#include "support.hpp"

namespace {

using namespace gradaudit;
using namespace gradaudit::testing;
using namespace gradaudit::properties;

const char* const kSigmoid = "MSE › 如果最后一层是sigmoid层";
const char* const kLinear = "MSE › 如果最后一层是全连接层";
const char* const kArticleGrad = R"(= 2(y - \hat{y})\hat{y}(1 - \hat{y})(x))";

/// The factor ŷ(1 - ŷ) at the 50-digit ŷ, with its error: the slope of t(1 - t) is
/// |1 - 2t| <= 1 + 2|t|; two roundings.
claimed_value yhat_factor(const layer_case& c) {
  const ref_t v = c.yhat * (1 - c.yhat);
  return {v, (1 + 2 * abs(c.yhat)) * c.yhat_error + formula_error(2, abs(c.yhat) * (1 + abs(c.yhat)))};
}

/// sign·2(ŷ - y)·ŷ(1 - ŷ)·x_i (sign = -1: the article's 2(y - ŷ)ŷ(1 - ŷ)x).
void check_article_form(head_kind head, int sign) {
  const layer_case c = draw_case(head, gen::real_in(-2, 2));
  const claimed_value f = yhat_factor(c);
  const ref_t a = sign * 2 * (c.yhat - c.y);
  const ref_t ea = 2 * c.yhat_error + formula_error(2, 2 * (abs(c.yhat) + abs(ref_t(c.y))));
  check_weight_gradient("∂loss/∂w", {loss_kind::mse, head}, c, [&](std::size_t i) {
    const ref_t af = a * f.value;
    const ref_t eaf = product_error(a, ea, f.value, f.error);
    const ref_t xi = c.x[i];
    return claimed_value{af * xi, abs(xi) * eaf + formula_error(1, af * xi)};
  });
}

/// ∂ŷ/∂w_i = ŷ(1 - ŷ)x_i against the oracle's ∂ŷ/∂w_i.
void check_dyhat_substitution(head_kind head) {
  const layer_case c = draw_case(head, gen::real_in(-2, 2));
  const auto truth = dyhat_dw(head, c);
  const claimed_value f = yhat_factor(c);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const ref_t xi = c.x[i];
    check_derivative("∂ŷ/∂w[" + std::to_string(i) + "]", f.value * xi,
                     abs(xi) * f.error + formula_error(1, f.value * xi), truth[i]);
  }
}

/// gradaudit's closed form, evaluated at 50 digits, against the oracle.
void check_library_form(output_layer layer) {
  const layer_case c = draw_case(layer.head, gen::real_in(-2, 2));
  std::vector<ref_t> w(c.w.begin(), c.w.end()), x(c.x.begin(), c.x.end());
  const auto g = output_layer_grad<ref_t>(layer, w, x, ref_t(c.y));
  // ∂L/∂z from at most 8 correctly rounded operations on quantities bounded by
  // 2(1 + |y| + |z|)·max(1, |z|), times x_i; z itself carries (n+1)u·Σ|w_j x_j| which the
  // slope |∂²L/∂z²| <= 2(1 + |z|... ) turns into at most 2(1 + |y| + |z|)·yhat_error.
  const ref_t scale = 2 * (1 + abs(ref_t(c.y)) + abs(c.z)) * (1 + abs(c.z));
  check_weight_gradient("∂loss/∂w", layer, c, [&](std::size_t i) {
    const ref_t xi = abs(ref_t(c.x[i]));
    return claimed_value{g[i], xi * (formula_error(8, scale) + scale * c.yhat_error)};
  });
}

}  // namespace

GRADAUDIT_CLAIM({
    .id = "mse.sigmoid.dyhat_dw",
    .section = kSigmoid,
    .quote = kArticleGrad,
    .statement = "the substitution made in this step: for ŷ = σ(w·x), ∂ŷ/∂w = ŷ(1 - ŷ)x",
    .expected = verdict::holds,
    .as_stated = [] { check_dyhat_substitution(head_kind::sigmoid); },
});

GRADAUDIT_CLAIM({
    .id = "mse.sigmoid.grad",
    .section = kSigmoid,
    .quote = kArticleGrad,
    .statement = "for ŷ = σ(w·x) and loss = (y - ŷ)², ∂loss/∂w = 2(y - ŷ)ŷ(1 - ŷ)x",
    .expected = verdict::refuted,
    .correction = "∂loss/∂w = 2(ŷ - y)ŷ(1 - ŷ)x (the sign of mse.grad_yhat carried over); "
                  "gradaudit::output_layer_grad(mse_sigmoid, …) computes it, with ŷ(1 - ŷ) "
                  "formed as σ'(w·x) = e^{-|z|}/(1+e^{-|z|})².",
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
          const layer_case c = draw_case(head_kind::linear, gen::real_in(-2, 2));
          const auto truth = dyhat_dw(head_kind::linear, c);
          for (std::size_t i = 0; i < truth.size(); ++i)
            check_derivative("∂ŷ/∂w[" + std::to_string(i) + "]", ref_t(c.x[i]), ref_t(0), truth[i]);
        },
});

GRADAUDIT_CLAIM({
    .id = "mse.linear.grad",
    .section = kLinear,
    .quote = kArticleGrad,
    .statement = "for ŷ = w·x and loss = (y - ŷ)², ∂loss/∂w = 2(y - ŷ)ŷ(1 - ŷ)x",
    .expected = verdict::refuted,
    .correction = "∂loss/∂w = 2(ŷ - y)x: two errors, the sign (mse.grad_yhat) and the "
                  "spurious factor ŷ(1 - ŷ) (mse.linear.dyhat_dw). The article's form even "
                  "vanishes at ŷ = 0 and ŷ = 1 whatever y is.",
    .as_stated = [] { check_article_form(head_kind::linear, -1); },
    .corrected = [] { check_library_form(mse_linear); },
});
