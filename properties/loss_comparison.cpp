// MSE against cross-entropy with a sigmoid output, on the same data and parameters: the
// article's reason why MSE learns slowly, checked through the network code at 50 digits.
#include "gradaudit/network.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <rapidcheck.h>

namespace {

using namespace gradaudit;
using namespace gradaudit::testing;

/// One sigmoid unit on one sample (x, y) with weights w and bias b; the last layer's weight
/// gradients under MSE and BCE from the network's backward pass, at 50 digits.
struct pair_of_gradients {
  std::vector<ref_t> mse, bce;
  ref_t yhat;
};

pair_of_gradients both(const std::vector<double>& w, double b, const std::vector<double>& x, double y) {
  const auto d = static_cast<Eigen::Index>(w.size());
  network<ref_t> net = network<ref_t>::zeros({static_cast<int>(d), 1}, {activation::sigmoid});
  batch<ref_t> data{matrix<ref_t>(d, 1), matrix<ref_t>(1, 1)};
  for (Eigen::Index i = 0; i < d; ++i) {
    net.layers[0].weight(0, i) = w[static_cast<std::size_t>(i)];
    data.x(i, 0) = x[static_cast<std::size_t>(i)];
  }
  net.layers[0].bias(0) = b;
  data.y(0, 0) = y;
  const auto gm = evaluate(net, data, loss_function::mse, 1), gb = evaluate(net, data, loss_function::bce, 1);
  pair_of_gradients out;
  for (Eigen::Index i = 0; i < d; ++i) {
    out.mse.push_back(gm.weight[0](0, i));
    out.bce.push_back(gb.weight[0](0, i));
  }
  out.yhat = predict(net, data.x)(0, 0);
  return out;
}

}  // namespace

GRADAUDIT_CLAIM({
    .id = "mse.sigmoid.saturation",
    .section = "MSE › 如果最后一层是sigmoid层",
    .quote = R"(如果 $\hat{y}$ 接近1或者接近0，那么导数值  $\frac{\partial loss}{\partial w}$  会接近0)",
    .statement = "for one sigmoid unit on a sample (x, y), y ∈ {0, 1}, the MSE gradient is the "
                 "cross-entropy gradient times 2ŷ(1 - ŷ) (so it vanishes as ŷ nears 0 or 1, "
                 "where the cross-entropy one stays (ŷ - y)x): checked through the network's "
                 "backward pass at 50 digits, and |∂L_MSE/∂w| <= 2e^{-|z|}·|x| for the logit z",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const auto w = *gen::vector_of(1, 3, gen::real_in(-10, 10));
          const auto x = *rc::gen::container<std::vector<double>>(w.size(), gen::real_in(-3, 3));
          const double b = *gen::real_in(-10, 10), y = *gen::label();
          input("w", w);
          input("b", b);
          input("x", x);
          input("y", y);
          const auto g = both(w, b, x, y);
          const ref_t factor = 2 * g.yhat * (1 - g.yhat);
          ref_t z = b;
          for (std::size_t i = 0; i < w.size(); ++i) z += ref_t(w[i]) * ref_t(x[i]);
          for (std::size_t i = 0; i < w.size(); ++i) {
            // Both gradients come from <= 12 correctly rounded operations on values bounded
            // by |x_i|(1 + |y|); the factor from 3: 16u·|x_i|·2 covers the difference.
            const ref_t bound = formula_error(32, ref_t(std::abs(x[i])) * 2);
            check_close("∂L_MSE/∂w[" + std::to_string(i) + "] vs 2ŷ(1-ŷ)·∂L_BCE/∂w", g.mse[i], factor * g.bce[i], bound);
            // 2ŷ(1 - ŷ) = 2σ'(z) <= 2e^{-|z|}, and |∂L_BCE/∂w_i| <= |x_i|.
            check_that("|∂L_MSE/∂w| <= 2e^{-|z|}|x|", abs(g.mse[i]) <= 2 * exp(-abs(z)) * std::abs(x[i]) + bound,
                       to_digits(abs(g.mse[i]), 6), "<= " + to_digits(2 * exp(-abs(z)) * std::abs(x[i]), 6));
          }
        },
});
