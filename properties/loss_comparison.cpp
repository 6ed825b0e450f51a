// MSE against cross-entropy with a sigmoid output, on the same data and parameters: the
// article's reason why MSE learns slowly. Both gradients are their losses' definitions
// differentiated by jets; the relation between them is certified in balls.
#include "support.hpp"

#include "gradaudit/testing/certify.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/definitions.hpp"
#include "gradaudit/testing/generators.hpp"

#include <rapidcheck.h>

#include <cmath>
#include <string>
#include <vector>

namespace {
namespace loss_comparison_claims {

using namespace gradaudit;
using namespace gradaudit::testing;

/// One sigmoid unit on one sample (x, y) with weights w and bias b: w in [-40, 40], x in
/// [-20, 20] (1 to 3 entries), b in [-40, 40], so that the logit z = w·x + b covers
/// [-745, 745] and beyond; y hard or soft.
struct unit_case {
  std::vector<double> w, x;
  double b = 0, y = 0;
  std::vector<std::string> names;  ///< "w[0]", … for the messages
};

unit_case draw_unit() {
  unit_case c;
  c.w = *gen::vector_of(1, 3, gen::real_in(-40, 40));
  c.x = *rc::gen::container<std::vector<double>>(c.w.size(), gen::real_in(-20, 20));
  c.b = *gen::real_in(-40, 40);
  c.y = *rc::gen::oneOf(gen::label(), gen::probability());
  input("w", c.w);
  input("b", c.b);
  input("x", c.x);
  input("y", c.y);
  double z = c.b;
  for (std::size_t i = 0; i < c.w.size(); ++i) z += c.w[i] * c.x[i];
  properties::classify_logit_and_target(z, c.y);
  c.names = properties::component_names("w", c.w.size());
  return c;
}

/// The logit w·x + b for any scalar S of the weights.
template <class S>
S logit(const std::vector<S>& w, const unit_case& c) {
  return def::dot(w, c.x) + S(c.b);
}

/// ∂L/∂w of the MSE loss (y - σ(z))², by jets.
std::vector<ball> mse_gradient(const unit_case& c, const std::vector<ball>& w) {
  return gradient([&c](const auto& v) { return def::mse(def::sigmoid(logit(v, c)), c.y); }, w);
}

/// ∂L/∂w of the cross-entropy loss -(y log σ(z) + (1-y) log(1-σ(z))), by jets.
std::vector<ball> bce_gradient(const unit_case& c, const std::vector<ball>& w) {
  return gradient([&c](const auto& v) { return def::bce(def::sigmoid(logit(v, c)), c.y); }, w);
}

GRADAUDIT_CLAIM({
    .id = "mse.sigmoid.saturation",
    .section = "MSE › 如果最后一层是sigmoid层",
    .quote =
        R"(如果 $\hat{y}$ 接近1或者接近0，那么导数值  $\frac{\partial loss}{\partial w}$  会接近0)",
    .statement = "for one sigmoid unit ŷ = σ(w·x + b) on a sample (x, y), hard or soft y, the "
                 "MSE gradient is the cross-entropy gradient times 2ŷ(1 - ŷ) (so it vanishes "
                 "as ŷ nears 0 or 1, where the cross-entropy one stays (ŷ - y)x): both "
                 "gradients are their definitions differentiated by jets, the factor is "
                 "evaluated in balls; and |∂L_MSE/∂w_i| <= 2e^{-|z|}·|x_i| for the logit z, "
                 "certified; z covers [-745, 745] and beyond",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const unit_case c = draw_unit();
          check_gradient(
              "∂L_MSE/∂w vs 2ŷ(1-ŷ)·∂L_BCE/∂w",
              [&c](const auto& v) { return def::mse(def::sigmoid(logit(v, c)), c.y); },
              [&c](const std::vector<ball>& w) {
                const ball yhat = def::sigmoid(logit(w, c));
                std::vector<ball> g = bce_gradient(c, w);
                for (ball& gi : g) gi *= 2 * yhat * (1 - yhat);
                return g;
              },
              c.w, c.names);
          // 2ŷ(1 - ŷ) = 2σ'(z) <= 2e^{-|z|}, and |∂L_BCE/∂w_i| = |ŷ - y|·|x_i| <= |x_i|.
          for (std::size_t i = 0; i < c.w.size(); ++i) {
            certify_at_most(
                "|∂L_MSE/∂" + c.names[i] + "| <= 2e^{-|z|}|x_i|",
                [&] {
                  const std::vector<ball> w(c.w.begin(), c.w.end());
                  return abs(mse_gradient(c, w)[i]);
                },
                [&] {
                  const std::vector<ball> w(c.w.begin(), c.w.end());
                  return 2 * exp(-abs(logit(w, c))) * std::abs(c.x[i]);
                });
          }
        },
});

}  // namespace loss_comparison_claims
}  // namespace
