// Claims of the article's MSE section: the loss, the chain rule, and ∂loss/∂ŷ. The true
// ∂loss/∂w is the definition (y - head(w·x))² differentiated by jets; claimed formulas are
// evaluated in balls.
#include "gradaudit/loss.hpp"
#include "gradaudit/output_layer.hpp"
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
namespace loss_mse_claims {

using namespace gradaudit;
using namespace gradaudit::testing;

const char* const kSection = "MSE";

/// One output ŷ = head(w·x) with target y; w in [-40, 40] and x in [-20, 20] (1 to 3 entries),
/// so that w·x covers the logit range [-745, 745] and beyond.
struct layer_point {
  head_kind head;
  std::vector<double> w, x;
  double y = 0;
  std::vector<std::string> names;  ///< "w[0]", … for the messages
};

/// Draws a layer point with a sigmoid or linear head and a target that is hard (0, 1), soft
/// (a probability, down to subnormals) or a regression value in [-2, 2]; records and
/// classifies it.
layer_point draw_point() {
  layer_point p{*rc::gen::element(head_kind::sigmoid, head_kind::linear), {}, {}, 0, {}};
  p.w = *gen::vector_of(1, 3, gen::real_in(-40, 40));
  p.x = *rc::gen::container<std::vector<double>>(p.w.size(), gen::real_in(-20, 20));
  p.y = *rc::gen::oneOf(gen::label(), gen::probability(), gen::real_in(-2, 2));
  input("w", p.w);
  input("x", p.x);
  input("y", p.y);
  double z = 0;
  for (std::size_t i = 0; i < p.w.size(); ++i) z += p.w[i] * p.x[i];
  classify("sigmoid head", p.head == head_kind::sigmoid);
  classify("sigmoid head saturated |w·x| > 36.7",
           p.head == head_kind::sigmoid && std::abs(z) > 36.7);
  properties::classify_logit_and_target(z, p.y);
  p.names = properties::component_names("w", p.w.size());
  return p;
}

/// ŷ = head(w·x) for any scalar S (ball, jet<ball>).
template <class S>
S prediction(head_kind head, const std::vector<S>& w, const std::vector<double>& x) {
  const S z = def::dot(w, x);
  return head == head_kind::sigmoid ? def::sigmoid(z) : z;
}

/// The true loss as a function of the weights: (y - head(w·x))².
auto loss_of_weights(const layer_point& p) {
  return [&p](const auto& w) { return def::mse(prediction(p.head, w, p.x), p.y); };
}

/// ∂ŷ/∂w at w, certified by jets.
std::vector<ball> dyhat_dw(const layer_point& p, const std::vector<ball>& w) {
  return gradient([&p](const auto& v) { return prediction(p.head, v, p.x); }, w);
}

/// a·∂ŷ/∂w_i for each i.
std::vector<ball> times_dyhat_dw(const ball& a, const layer_point& p, const std::vector<ball>& w) {
  std::vector<ball> g = dyhat_dw(p, w);
  for (ball& gi : g) gi *= a;
  return g;
}

/// ∂loss/∂w against sign·2(ŷ - y)·∂ŷ/∂w (sign = -1: the article's 2(y - ŷ)).
void check_mse_step(int sign) {
  const layer_point p = draw_point();
  check_gradient(
      "∂loss/∂w", loss_of_weights(p),
      [&](const std::vector<ball>& w) {
        const ball yhat = prediction(p.head, w, p.x);
        return times_dyhat_dw(sign * 2 * (yhat - p.y), p, w);
      },
      p.w, p.names);
}

GRADAUDIT_CLAIM({
    .id = "mse.definition",
    .section = kSection,
    .quote = R"(loss = (y - \hat{y})^2)",
    .statement = "gradaudit::mse in double is within 1 ULP of (y - ŷ)² (a certified ball) for "
                 "all finite ŷ, y (overflow to +inf only where the exact value rounds to it)",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double yhat = *gen::any_finite();
          const double y = *gen::any_finite();
          input("yhat", yhat);
          input("y", y);
          const double m = std::max(std::abs(yhat), std::abs(y));
          classify("max(|ŷ|, |y|) > 2^511 (the square may overflow)", m > 0x1p511);
          classify("max(|ŷ|, |y|) < 2^-511 (the square is subnormal or 0)", m < 0x1p-511);
          certify_ulps(
              "mse(yhat, y)", mse(yhat, y), [&] { return def::mse(ball(yhat), y); }, 1.0);
        },
    .cases = 10000,
});

GRADAUDIT_CLAIM({
    .id = "mse.chain_rule",
    .section = kSection,
    .quote =
        R"(\frac{\partial loss}{\partial w} = \frac{\partial loss}{\partial \hat{y}} \cdot \frac{\partial \hat{y}}{\partial w})",
    .statement = "for ŷ = σ(w·x) and ŷ = w·x, ∂loss/∂w_i of (y - ŷ(w))² equals ∂loss/∂ŷ (at "
                 "ŷ) times ∂ŷ/∂w_i — three independent jet derivatives, no closed form — for "
                 "w·x over the logit range [-745, 745] and beyond, hard, soft and real targets",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const layer_point p = draw_point();
          check_gradient(
              "∂loss/∂w", loss_of_weights(p),
              [&](const std::vector<ball>& w) {
                const ball yhat = prediction(p.head, w, p.x);
                const ball dloss_dyhat =
                    derivative([&p](const auto& t) { return def::mse(t, p.y); }, yhat);
                return times_dyhat_dw(dloss_dyhat, p, w);
              },
              p.w, p.names);
        },
});

GRADAUDIT_CLAIM({
    .id = "mse.grad_yhat",
    .section = kSection,
    .quote = R"(= 2(y - \hat{y}) \frac{\partial \hat{y}}{\partial w})",
    .statement = "∂loss/∂w = 2(y - ŷ)·∂ŷ/∂w, i.e. ∂(y - ŷ)²/∂ŷ = 2(y - ŷ), for the sigmoid "
                 "and the linear head (∂ŷ/∂w by jets, 2(y - ŷ) in balls), w·x over [-745, 745] "
                 "and beyond, hard, soft and real targets",
    .expected = verdict::refuted,
    .correction = "∂(y - ŷ)²/∂ŷ = -2(y - ŷ) = 2(ŷ - y), so ∂loss/∂w = 2(ŷ - y)·∂ŷ/∂w. The "
                  "sign error propagates to both of the section's results: a step against the "
                  "article's gradient would increase the loss.",
    .as_stated = [] { check_mse_step(-1); },
    .corrected = [] { check_mse_step(+1); },
});

}  // namespace loss_mse_claims
}  // namespace
