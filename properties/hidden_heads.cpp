// Extensions (activation.hpp, network.hpp): the heads the article sets aside — tanh and ReLU —
// and what zero initialisation does with them, which shows what the article's recursion
// argument rests on: σ(0) = 1/2 ≠ 0.
#include "gradaudit/activation.hpp"
#include "gradaudit/network.hpp"
#include "gradaudit/testing/certify.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/ulp.hpp"
#include "support.hpp"
#include "support_training.hpp"

#include <rapidcheck.h>

#include <cmath>

namespace {
namespace hidden_heads_claims {

using namespace gradaudit;
using namespace gradaudit::testing;
using properties::bce_step;
using properties::draw_data;

const char* const kSection = "gradaudit extensions › tanh and ReLU";

/// tanh by its definition (e^x - e^-x)/(e^x + e^-x), for any scalar S: the true side, which
/// jets differentiate (jet's own tanh rule is the claim itself, so it must not be the truth).
template <class S>
S tanh_definition(const S& x) {
  const S ep = exp(x), em = exp(S(-x));
  return (ep - em) / (ep + em);
}

GRADAUDIT_CLAIM({
    .id = "ext.tanh.derivative",
    .section = kSection,
    .quote = "tanh' = 1 - tanh²",
    .statement = "tanh'(x) = 1 - tanh(x)² for x over [-745, 745] (certified against the jet "
                 "derivative of tanh's definition (e^x - e^-x)/(e^x + e^-x); the claimed side "
                 "uses Arb's tanh)",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const double x = *gen::real_in(-745, 745);
          input("x", x);
          classify("saturated in double |x| > 19.1", std::abs(x) > 19.1);
          classify("x = 0 or -0", x == 0);
          check_derivative(
              "tanh'(x)", [](const auto& t) { return tanh_definition(t); },
              [](const ball& t) {
                const ball th = tanh(t);
                return 1 - th * th;
              },
              x);
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.relu.dead_unit",
    .section = kSection,
    .quote = "a ReLU unit that is off on every sample never recovers",
    .statement = "in the first hidden layer of a ReLU network (sigmoid output, BCE), a unit whose "
                 "pre-activation is negative on every sample gets exactly zero gradient for its "
                 "weights and bias, and after any number of gradient-descent steps its "
                 "parameters are bitwise unchanged and it is still off everywhere",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const auto data = draw_data(20, 3);
          const int width = *rc::gen::inRange(1, 9);
          const int steps = *rc::gen::inRange(1, 21);
          const double lr = *gen::real_in(0.01, 2);
          input("width", width);
          input("steps", steps);
          input("lr", lr);
          network<double> net = network<double>::zeros({static_cast<int>(data.x.rows()), width, 1},
                                                       {activation::relu, activation::sigmoid});
          const auto params = *rc::gen::container<std::vector<double>>(
              static_cast<std::size_t>(net.layers[0].weight.size() + width +
                                       net.layers[1].weight.size() + 1),
              gen::real_in(-2, 2));
          std::size_t p = 0;
          for (auto& l : net.layers) {
            for (Eigen::Index i = 0; i < l.weight.size(); ++i) l.weight.data()[i] = params[p++];
            for (Eigen::Index i = 0; i < l.bias.size(); ++i) l.bias(i) = params[p++];
          }
          // Switch unit 0 off on every sample: its bias below -(max_s w0·x_s) - 1.
          const Eigen::RowVectorXd pre = net.layers[0].weight.row(0) * data.x;
          net.layers[0].bias(0) = -pre.maxCoeff() - 1;
          const auto w0 = net.layers[0].weight.row(0).eval();
          const double b0 = net.layers[0].bias(0);
          const auto g = evaluate(net, data, loss_function::bce, 1);
          check_that("its gradient is exactly 0",
                     (g.weight[0].row(0).array() == 0).all() && g.bias[0](0) == 0,
                     "weight gradient " + shortest(g.weight[0].row(0).cwiseAbs().maxCoeff()) +
                         ", bias gradient " + shortest(g.bias[0](0)),
                     "0");
          for (int k = 0; k < steps; ++k) bce_step(net, data, lr);
          check_that("its parameters are unchanged after the steps",
                     (net.layers[0].weight.row(0).array() == w0.array()).all() &&
                         net.layers[0].bias(0) == b0,
                     "bias " + shortest(net.layers[0].bias(0)) + " (was " + shortest(b0) + ")",
                     "unchanged");
          const Eigen::RowVectorXd after = net.layers[0].weight.row(0) * data.x;
          check_that("it is still off on every sample",
                     (after.array() + net.layers[0].bias(0) < 0).all(),
                     "largest pre-activation " +
                         shortest((after.array() + net.layers[0].bias(0)).maxCoeff()),
                     "< 0");
        },
});

GRADAUDIT_CLAIM({
    .id = "ext.zero_init.tanh_relu_frozen",
    .section = kSection,
    .quote = "with all-zero initialisation a tanh or ReLU hidden layer never moves",
    .statement = "a network with 1–3 tanh or ReLU hidden layers and a sigmoid output, every "
                 "weight and bias 0, trained by full-batch gradient descent on BCE: after every "
                 "step all weights and all hidden biases are still exactly 0 (computed at 50 "
                 "digits); only the output bias learns. The article's zero-init recursion moves "
                 "the output weights first because σ(0) = 1/2 ≠ 0; here tanh(0) = relu(0) = 0 "
                 "leaves every weight gradient 0",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const auto data = draw_data(8, 3);
          const activation hidden =
              *rc::gen::inRange(0, 2) == 1 ? activation::relu : activation::tanh;
          const int depth = *rc::gen::inRange(1, 4);
          std::vector<int> widths{static_cast<int>(data.x.rows())};
          for (int h = 0; h < depth; ++h) widths.push_back(*rc::gen::inRange(1, 7));
          widths.push_back(1);
          const int steps = *rc::gen::inRange(1, 11);
          const double lr = *gen::real_in(0.01, 2);
          input("hidden (0 tanh, 1 relu)", hidden == activation::relu ? 1.0 : 0.0);
          input("widths", std::vector<double>(widths.begin(), widths.end()));
          input("steps", steps);
          input("lr", lr);
          std::vector<activation> acts(widths.size() - 1, hidden);
          acts.back() = activation::sigmoid;
          auto net = network<ref_t>::zeros(widths, acts);
          const batch<ref_t> d{data.x.cast<ref_t>(), data.y.cast<ref_t>()};
          for (int k = 0; k < steps; ++k) bce_step(net, d, ref_t(lr));
          bool frozen = true;
          for (std::size_t l = 0; l < net.layers.size(); ++l) {
            frozen = frozen && (net.layers[l].weight.array() == 0).all();
            if (l + 1 < net.layers.size())
              frozen = frozen && (net.layers[l].bias.array() == 0).all();
          }
          check_that("every weight and hidden bias is still 0", frozen,
                     "output bias " + to_digits(net.layers.back().bias(0), 8),
                     "all 0 but the output bias");
        },
});

}  // namespace hidden_heads_claims
}  // namespace
