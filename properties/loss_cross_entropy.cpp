// Claims of the article's Cross Entropy section (the loss, the chain rule, ∂loss/∂ŷ), and the
// accuracy of gradaudit's cross-entropy functions in double. The true ∂loss/∂w is the
// definition -(y log ŷ + (1-y) log(1-ŷ)) at ŷ = σ(w·x) differentiated by jets; references
// of the accuracy claims are certified balls of the definitions.
#include "gradaudit/activation.hpp"
#include "gradaudit/loss.hpp"
#include "support.hpp"

#include "gradaudit/testing/certify.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/definitions.hpp"
#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <rapidcheck.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace {
namespace loss_cross_entropy_claims {

using namespace gradaudit;
using namespace gradaudit::testing;

const char* const kSection = "Cross Entropy";
const char* const kLib = "gradaudit (accuracy of the double path)";

/// Targets: hard labels and soft ones (probabilities down to the subnormals).
rc::Gen<double> hard_or_soft_target() { return rc::gen::oneOf(gen::label(), gen::probability()); }

/// One sigmoid output ŷ = σ(w·x) with target y; w in [-40, 40] and x in [-20, 20] (1 to 3
/// entries), so that w·x covers the logit range [-745, 745] and beyond.
struct sigmoid_point {
  std::vector<double> w, x;
  double y = 0;
  std::vector<std::string> names;  ///< "w[0]", … for the messages
};

sigmoid_point draw_point() {
  sigmoid_point p;
  p.w = *gen::vector_of(1, 3, gen::real_in(-40, 40));
  p.x = *rc::gen::container<std::vector<double>>(p.w.size(), gen::real_in(-20, 20));
  p.y = *hard_or_soft_target();
  input("w", p.w);
  input("x", p.x);
  input("y", p.y);
  double z = 0;
  for (std::size_t i = 0; i < p.w.size(); ++i) z += p.w[i] * p.x[i];
  properties::classify_logit_and_target(z, p.y);
  p.names = properties::component_names("w", p.w.size());
  return p;
}

/// ŷ = σ(w·x) for any scalar S.
template <class S>
S prediction(const std::vector<S>& w, const std::vector<double>& x) {
  return def::sigmoid(def::dot(w, x));
}

/// The true loss as a function of the weights.
auto loss_of_weights(const sigmoid_point& p) {
  return [&p](const auto& w) { return def::bce(prediction(w, p.x), p.y); };
}

/// a·∂ŷ/∂w_i for each i, ∂ŷ/∂w certified by jets.
std::vector<ball> times_dyhat_dw(const ball& a, const sigmoid_point& p,
                                 const std::vector<ball>& w) {
  std::vector<ball> g = gradient([&p](const auto& v) { return prediction(v, p.x); }, w);
  for (ball& gi : g) gi *= a;
  return g;
}

/// ∂loss/∂w against a·∂ŷ/∂w with a = ∂loss/∂ŷ as the article has it, ŷ - y (`article`), or
/// as it is, (ŷ - y)/(ŷ(1 - ŷ)).
void check_bce_step(bool article) {
  const sigmoid_point p = draw_point();
  check_gradient(
      "∂loss/∂w", loss_of_weights(p),
      [&](const std::vector<ball>& w) {
        const ball yhat = prediction(w, p.x);
        const ball a = article ? yhat - p.y : (yhat - p.y) / (yhat * (1 - yhat));
        return times_dyhat_dw(a, p, w);
      },
      p.w, p.names);
}

/// The loss of a sigmoid output from its logit, y·softplus(-z) + (1-y)·softplus(z) — that is
/// -(y log σ(z) + (1-y) log(1-σ(z))), since -log σ(z) = log(1+e^{-z}) and -log(1-σ(z)) =
/// log(1+e^z) by the definition of σ — with zero-coefficient terms left out.
template <class S>
S logit_loss(const S& z, double y) {
  S r(0);
  if (y != 0) r += y * def::softplus(S(-z));
  if (y != 1) r += (S(1) - S(y)) * def::softplus(z);
  return r;
}

/// Every finite logit, with [-745, 745] drawn as often as the rest; classified.
double draw_logit() {
  const double z = *rc::gen::oneOf(gen::any_finite(), gen::real_in(-745, 745));
  input("z", z);
  classify("saturated |z| > 36.7", std::abs(z) > 36.7);
  classify("|z| > 745", std::abs(z) > 745);
  classify("z = 0 or -0", z == 0);
  return z;
}

/// A target for logit z: a hard label, a soft target in [0, 1] (dense near both ends), or (when
/// inRange(0, 4) draws 0, which RapidCheck's small sizes favour) the root neighbourhood, σ(z)
/// rounded and moved by up to 4 ULPs, where σ(z) - y cancels. Recorded and classified. σ(z)
/// is gradaudit::sigmoid (within 0.5 + 2^-11 ULP for every z): 1/(1 + exp(-z)) in double is 0
/// for z < -709.78, where exp(-z) overflows, so that neighbourhood was not the root's.
double draw_target_for(double z) {
  double y = *rc::gen::oneOf(gen::label(), properties::probability_target());
  const bool near_root = *rc::gen::inRange(0, 4) == 0 && std::abs(z) <= 745;
  if (near_root) {
    y = gradaudit::sigmoid(z);
    for (int k = *rc::gen::inRange(-4, 5); k != 0; k += (k < 0 ? 1 : -1))
      y = std::nextafter(y, k < 0 ? 0.0 : 1.0);
  }
  input("y", y);
  classify("hard target y ∈ {0, 1}", y == 0 || y == 1);
  classify("soft target 0 < y < 1", y > 0 && y < 1);
  classify("near the root: y within 4 ULPs of σ(z)", near_root);
  return y;
}

GRADAUDIT_CLAIM({
    .id = "ce.definition",
    .section = kSection,
    .quote = R"(loss = -(y \log(\hat{y}) + (1-y) \log(1-\hat{y})))",
    .statement = "gradaudit::bce in double is within 1 ULP of -(y log ŷ + (1-y) log(1-ŷ)) (a "
                 "certified ball, 0·log 0 = 0) for ŷ ∈ [0, 1] (ends and subnormals included) "
                 "and hard and soft y ∈ [0, 1]; where the definition is +inf (log 0 with a "
                 "non-zero coefficient) bce must be +inf",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double yhat = *gen::probability();
          const double y = *hard_or_soft_target();
          input("yhat", yhat);
          input("y", y);
          classify("ŷ subnormal", yhat > 0 && yhat < std::numeric_limits<double>::min());
          classify("ŷ within 2^-20 of 1", yhat < 1 && yhat > 1 - 0x1p-20);
          classify("soft target 0 < y < 1", y > 0 && y < 1);
          const bool infinite = (yhat == 0 && y != 0) || (yhat == 1 && y != 1);
          classify("infinite loss (ŷ = 0 < y or y < ŷ = 1)", infinite);
          if (infinite) {
            check_that("bce(yhat, y) = +inf",
                       bce(yhat, y) == std::numeric_limits<double>::infinity(),
                       shortest(bce(yhat, y)), "inf");
            return;
          }
          certify_ulps(
              "bce(yhat, y)", bce(yhat, y), [&] { return def::bce(ball(yhat), y); }, 1.0);
        },
    .cases = 10000,
});

GRADAUDIT_CLAIM({
    .id = "ce.chain_rule",
    .section = kSection,
    .quote =
        R"(\frac{\partial loss}{\partial w} = \frac{\partial loss}{\partial \hat{y}} \cdot \frac{\partial \hat{y}}{\partial w})",
    .statement = "for ŷ = σ(w·x), ∂loss/∂w_i of the cross-entropy equals ∂loss/∂ŷ (at ŷ) "
                 "times ∂ŷ/∂w_i — three independent jet derivatives — for w·x over the logit "
                 "range [-745, 745] and beyond, hard and soft targets",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const sigmoid_point p = draw_point();
          check_gradient(
              "∂loss/∂w", loss_of_weights(p),
              [&](const std::vector<ball>& w) {
                const ball yhat = prediction(w, p.x);
                const ball dloss_dyhat =
                    derivative([&p](const auto& t) { return def::bce(t, p.y); }, yhat);
                return times_dyhat_dw(dloss_dyhat, p, w);
              },
              p.w, p.names);
        },
});

GRADAUDIT_CLAIM({
    .id = "ce.grad_yhat",
    .section = kSection,
    .quote = R"(= -(y - \hat{y}) \frac{\partial \hat{y}}{\partial w})",
    .statement = "∂loss/∂w = -(y - ŷ)·∂ŷ/∂w, i.e. ∂loss/∂ŷ = ŷ - y for the cross-entropy "
                 "loss (checked with the sigmoid head, ∂ŷ/∂w by jets, ŷ - y in balls), w·x over "
                 "[-745, 745] and beyond, hard and soft targets",
    .expected = verdict::refuted,
    .correction = "∂loss/∂ŷ = -y/ŷ + (1-y)/(1-ŷ) = (ŷ - y)/(ŷ(1 - ŷ)); ŷ - y is ∂loss/∂z, the "
                  "derivative wrt the sigmoid's input z = w·x, after ŷ(1-ŷ) cancels.",
    .as_stated = [] { check_bce_step(true); },
    .corrected = [] { check_bce_step(false); },
});

// ---- gradaudit's own accuracy: the loss and gradient of a sigmoid output from its logit ----

GRADAUDIT_CLAIM({
    .id = "accuracy.bce_with_logits",
    .section = kLib,
    .quote = R"(loss = -(y \log(\hat{y}) + (1-y) \log(1-\hat{y})))",
    .statement = "gradaudit::bce_with_logits(z, y) in double is within 1 ULP of "
                 "y·log(1 + e^{-z}) + (1 - y)·log(1 + e^{z}) (certified balls) for every "
                 "finite z, half the cases in [-745, 745], and every target y ∈ [0, 1]: hard "
                 "labels and soft targets down to the subnormals (PyTorch 1.13 float64 has "
                 "100 % error for |z| >~ 37)",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = draw_logit();
          const double y = draw_target_for(z);
          certify_ulps(
              "bce_with_logits(z, y)", bce_with_logits(z, y),
              [&] { return logit_loss(ball(z), y); }, 1.0);
        },
    .cases = 10000,
});

GRADAUDIT_CLAIM({
    .id = "accuracy.bce_with_logits_grad",
    .section = kLib,
    .quote = R"(因为梯度值是  $(\hat{y}-y)x$ )",
    .statement = "gradaudit::bce_with_logits_grad(z, y) = σ(z) - y in double is within 1 ULP of "
                 "∂/∂z of the loss on the logit (its definition differentiated by jets, a "
                 "certified ball) for every finite z, half the cases in [-745, 745], and every "
                 "target y ∈ [0, 1] — hard labels, soft targets, and (counted as a class) cases at "
                 "the root, y within 4 ULPs of σ(z), where σ(z) - y cancels — including "
                 "σ(z) - 1 for z > 36.7, where σ(z) rounds to 1",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double z = draw_logit();
          const double y = draw_target_for(z);
          certify_ulps(
              "bce_with_logits_grad(z, y)", bce_with_logits_grad(z, y),
              [&] { return derivative([y](const auto& t) { return logit_loss(t, y); }, ball(z)); },
              1.0);
        },
    .cases = 10000,
});

}  // namespace loss_cross_entropy_claims
}  // namespace
