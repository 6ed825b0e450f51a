// Networks, training and data: the hand-written backward pass against central differences at
// 50 digits, determinism across thread counts, errors that name what is wrong.
#include "gradaudit/dataset.hpp"
#include "gradaudit/network.hpp"
#include "gradaudit/train.hpp"

#include "gradaudit/testing/generators.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <sstream>

namespace {

using namespace gradaudit;
namespace gen = gradaudit::testing::gen;

network<double> random_network(const std::vector<int>& widths, activation hidden, activation last,
                               std::uint64_t seed) {
  std::vector<activation> acts(widths.size() - 1, hidden);
  acts.back() = last;
  auto net = network<double>::zeros(widths, acts);
  initialize(net, initializer{initializer::kind::uniform, 1.0},
             initializer{initializer::kind::uniform, 0.5}, seed);
  return net;
}

// The backward pass at 50 digits against a central difference of the 50-digit loss, for every
// parameter. With |weights| <= 1, |biases| <= 0.5, |x| <= 2 and widths <= 4, every
// pre-activation is below 11 in magnitude and the loss's third derivatives along one parameter
// are below 1e4 (a product of at most 4 layers' weights, inputs and activation derivatives
// <= 1, times the loss's third derivative <= 2 for these bounded arguments, with generous
// combinatorial factors); with h = 2^-50 the truncation is <= 1e4·h²/6 < 2e-27 and the
// rounding of the 168-bit values <= 2^-160/h < 3e-34. The bound 1e-25 covers both, and a
// backward pass wrong in any term (an error of at least 1e-3 relative here) cannot pass it.
RC_GTEST_PROP(Network, BackwardPassMatchesCentralDifferencesAt50Digits, ()) {
  const int depth = *rc::gen::inRange(1, 4);
  std::vector<int> widths{*rc::gen::inRange(1, 4)};
  for (int l = 0; l < depth; ++l) widths.push_back(*rc::gen::inRange(1, 5));
  widths.back() = 1;
  const auto hidden =
      *rc::gen::element(activation::sigmoid, activation::tanh, activation::identity);
  const auto loss =
      *rc::gen::element(loss_function::mse, loss_function::bce, loss_function::bce_with_logits);
  const activation last = loss == loss_function::bce ? activation::sigmoid
                          : loss == loss_function::bce_with_logits
                              ? activation::identity
                              : *rc::gen::element(activation::sigmoid, activation::identity);
  const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1000);
  const network<ref_t> net = random_network(widths, hidden, last, seed).cast<ref_t>();
  const int n = *rc::gen::inRange(1, 6);
  batch<ref_t> data{matrix<ref_t>(widths[0], n), matrix<ref_t>(1, n)};
  for (int s = 0; s < n; ++s) {
    for (int i = 0; i < widths[0]; ++i) data.x(i, s) = *gen::real_in(-2, 2);
    data.y(0, s) = *gen::label();
  }
  const auto g = evaluate(net, data, loss, 1);
  const ref_t h = ldexp(ref_t(1), -50);
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    for (Eigen::Index k = 0; k < net.layers[l].weight.size() + net.layers[l].bias.size(); ++k) {
      auto plus = net, minus = net;
      const bool is_w = k < net.layers[l].weight.size();
      ref_t& p = is_w ? plus.layers[l].weight.data()[k]
                      : plus.layers[l].bias(k - net.layers[l].weight.size());
      ref_t& m = is_w ? minus.layers[l].weight.data()[k]
                      : minus.layers[l].bias(k - net.layers[l].weight.size());
      p += h;
      m -= h;
      const ref_t fd =
          (evaluate(plus, data, loss, 1).loss - evaluate(minus, data, loss, 1).loss) / (2 * h);
      const ref_t an = is_w ? g.weight[l].data()[k] : g.bias[l](k - net.layers[l].weight.size());
      RC_ASSERT(abs(fd - an) <= ref_t(1e-25));
    }
  }
}

TEST(Network, SameResultForEveryThreadCount) {
  const auto data = article_data(5000, 3);  // 5 chunks
  const auto net = random_network({2, 8, 8, 1}, activation::sigmoid, activation::sigmoid, 7);
  const auto one = evaluate(net, data, loss_function::bce, 1);
  for (int t : {2, 3, 8}) {
    const auto many = evaluate(net, data, loss_function::bce, t);
    EXPECT_EQ(one.loss, many.loss) << t;
    for (std::size_t l = 0; l < one.weight.size(); ++l) {
      EXPECT_TRUE((one.weight[l].array() == many.weight[l].array()).all()) << t;
      EXPECT_TRUE((one.bias[l].array() == many.bias[l].array()).all()) << t;
    }
  }
}

TEST(Network, TrainingIsBitwiseReproducible) {
  // 3000 samples × 17 units is above parallel_work, so the second run really uses 2 threads.
  const auto data = article_data(3000, 5);
  auto a = random_network({2, 8, 8, 1}, activation::sigmoid, activation::sigmoid, 9), b = a;
  train_options o;
  o.epochs = 20;
  o.learning_rate = 0.5;
  EXPECT_EQ(train(a, data, o).threads, 1);
  o.threads = 2;
  EXPECT_EQ(train(b, data, o).threads, 2);
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    EXPECT_TRUE((a.layers[l].weight.array() == b.layers[l].weight.array()).all()) << l;
    EXPECT_TRUE((a.layers[l].bias.array() == b.layers[l].bias.array()).all()) << l;
  }
}

TEST(Network, SmallStepsStayOnOneThread) {
  // 3000 samples × 5 units = 15 000 sample·units < parallel_work: threads would cost more.
  const auto data = article_data(3000, 5);
  auto net = random_network({2, 4, 1}, activation::sigmoid, activation::sigmoid, 9);
  train_options o;
  o.epochs = 2;
  o.threads = 2;
  EXPECT_EQ(train(net, data, o).threads, 1);
}

TEST(Network, ShapeErrorsNameTheSizes) {
  const auto data = article_data(10, 1);
  auto expect_message = [](auto f, const std::string& part) {
    try {
      f();
      FAIL() << "no error; wanted " << part;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  expect_message(
      [&] {
        (void)evaluate(network<double>::zeros({3, 1}, {activation::sigmoid}), data,
                       loss_function::bce);
      },
      "the data has 2 features but the network takes 3 inputs");
  expect_message(
      [&] {
        (void)evaluate(network<double>::zeros({2, 1}, {activation::identity}), data,
                       loss_function::bce);
      },
      "loss bce needs a sigmoid output layer");
  expect_message(
      [&] {
        (void)network<double>::zeros({2, 0, 1}, {activation::sigmoid, activation::sigmoid});
      },
      "width 0 of layer 1 is not positive");
  expect_message([&] { (void)network<double>::zeros({2}, {}); },
                 "need at least an input and an output width");
  batch<double> empty{matrix<double>(2, 0), matrix<double>(1, 0)};
  expect_message(
      [&] {
        (void)evaluate(network<double>::zeros({2, 1}, {activation::sigmoid}), empty,
                       loss_function::bce);
      },
      "the data set is empty");
}

TEST(Train, BadOptionsAndDivergence) {
  const auto data = article_data(100, 1);
  auto net = random_network({2, 1}, activation::identity, activation::identity, 1);
  train_options o;
  o.loss = loss_function::mse;
  for (double lr : {0.0, -1.0, std::nan("")}) {
    o.learning_rate = lr;
    EXPECT_THROW((void)train(net, data, o), std::invalid_argument) << lr;
  }
  o.learning_rate = 1e6;  // MSE on a linear model: the iteration diverges
  o.epochs = 2000;
  try {
    (void)train(net, data, o);
    FAIL() << "no error";
  } catch (const training_error& e) {
    EXPECT_NE(std::string(e.what()).find("step "), std::string::npos) << e.what();
  }
}

TEST(Initializer, ParsesAndRejects) {
  EXPECT_EQ(parse_initializer("constant:0.01").value, 0.01);
  EXPECT_EQ(parse_initializer("zeros").k, initializer::kind::zeros);
  EXPECT_EQ(to_string(parse_initializer("normal:0.5")), "normal:0.5");
  for (const char* bad :
       {"", "zero", "constant", "constant:", "constant:x", "uniform:-1", "torch:1", "normal:nan"})
    EXPECT_THROW((void)parse_initializer(bad), std::invalid_argument) << bad;
}

TEST(Initializer, TorchRuleBoundsAndReproducibility) {
  auto a = network<double>::zeros({4, 16, 1}, {activation::sigmoid, activation::sigmoid}), b = a;
  initialize(a, parse_initializer("torch"), parse_initializer("torch"), 42);
  initialize(b, parse_initializer("torch"), parse_initializer("torch"), 42);
  EXPECT_TRUE((a.layers[0].weight.array() == b.layers[0].weight.array()).all());
  EXPECT_LE(a.layers[0].weight.cwiseAbs().maxCoeff(), 0.5);   // 1/√4
  EXPECT_LE(a.layers[1].weight.cwiseAbs().maxCoeff(), 0.25);  // 1/√16
  EXPECT_GT(a.layers[1].weight.cwiseAbs().maxCoeff(), 0.1);
}

TEST(Dataset, ArticleDataLabelsAreX2AboveHalf) {
  const auto d = article_data(20000, 11);
  EXPECT_TRUE(((d.x.row(1).array() > 0.5).cast<double>() == d.y.row(0).array()).all());
  // P(N(0,1) > 0.5) = 0.3085; 20000 draws: 4 standard deviations are 0.013.
  EXPECT_NEAR(d.y.mean(), 0.3085, 0.013);
  EXPECT_NEAR(d.x.row(0).mean(), 0.0, 4 / std::sqrt(20000.0));
}

TEST(Dataset, CsvRoundTripsAndNamesBadLines) {
  const auto d = article_data(50, 2);
  std::stringstream ss;
  write_csv(ss, d);
  const auto back = read_csv(ss, "mem");
  EXPECT_TRUE((back.x.array() == d.x.array()).all());
  EXPECT_TRUE((back.y.array() == d.y.array()).all());
  auto error_of = [](const std::string& text) {
    std::istringstream is(text);
    try {
      (void)read_csv(is, "f.csv");
    } catch (const data_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of(""), "f.csv: empty file (expected a header x1,…,y)");
  EXPECT_EQ(error_of("x1,x2,y\n"), "f.csv, line 1: no data rows after the header");
  EXPECT_EQ(error_of("x1,x2,y\n1,2,0\n1,2\n"), "f.csv, line 3: 2 cells, the header has 3");
  EXPECT_EQ(error_of("x1,x2,y\n1,abc,0\n"), "f.csv, line 2: column x2: 'abc' is not a number");
  EXPECT_EQ(error_of("x1,x2,y\n1,2,0\n\n"), "f.csv, line 3: blank line");
  EXPECT_EQ(error_of("x1,x2,y\n1,inf,0\n"), "f.csv, line 2: column x2: inf is not finite");
  EXPECT_EQ(error_of("a,b\n"),
            "f.csv, line 1: the header must name the features and end with y, got 'a,b'");
  EXPECT_EQ(error_of("\xEF\xBB\xBFx1,y\r\n0.5,1\r\n"), "no error");
}

}  // namespace

TEST(Network, DistinctUnitsComparesBitwise) {
  // Layer 0 has 5 units: 0 and 3 equal, 1 and 4 differ only in the sign of a zero weight,
  // 2 differs from 0 only in its outgoing weight.
  auto net = network<double>::zeros({2, 5, 1}, {activation::sigmoid, activation::sigmoid});
  net.layers[0].weight << 1, 2, 0.0, 3, 1, 2, 1, 2, -0.0, 3;
  net.layers[0].bias << 0.5, 0.5, 0.5, 0.5, 0.5;
  net.layers[1].weight << 7, 7, 8, 7, 7;
  EXPECT_EQ(distinct_units(net, 0), 4);
  net.layers[1].weight(0, 2) = 7;
  EXPECT_EQ(distinct_units(net, 0), 3);
  EXPECT_THROW((void)distinct_units(net, 1), std::invalid_argument);
}

// The forward pass keeps act'(z) beside act(z) for the backward pass (activation_rows): for
// double, σ and σ' from one exp per value on the vector lanes (sigmoid_and_grad), and tanh and
// tanh' from one exp of -2|z| (tanh_and_grad), each bitwise the scalar 1-ULP call, for every
// row length and alignment, on every lane copy the CPU runs (AVX-512, AVX2, 2 lanes).
RC_GTEST_PROP(Network, ActivationRowsAreTheScalarKernelsBitwise, ()) {
  using gradaudit::activation;
  namespace dbl = gradaudit::detail::dbl;
  const auto act = *rc::gen::element(activation::sigmoid, activation::tanh);
  const auto n = *rc::gen::inRange<std::size_t>(1, 40);
  const auto offset = *rc::gen::inRange<std::size_t>(0, 3);
  const int lanes = *rc::gen::elementOf(gradaudit::detail::lane_copies);
  std::vector<double> z(n + offset), a(n + offset), g(n + offset);
  for (std::size_t s = 0; s < n; ++s)
    z[offset + s] = *rc::gen::oneOf(gradaudit::testing::gen::real_in(-40, 40),
                                    gradaudit::testing::gen::any_finite());
  gradaudit::detail::max_lanes() = lanes;
  gradaudit::detail::activation_rows<double>(act, &z[offset], &a[offset], &g[offset], n);
  gradaudit::detail::max_lanes() = 8;
  const bool sig = act == activation::sigmoid;
  for (std::size_t s = offset; s < n + offset; ++s) {
    const double fa = sig ? dbl::sigmoid(z[s]) : dbl::tanh(z[s]);
    const double fg = sig ? dbl::sigmoid_grad(z[s]) : dbl::tanh_grad(z[s]);
    RC_ASSERT(std::bit_cast<std::uint64_t>(a[s]) == std::bit_cast<std::uint64_t>(fa));
    RC_ASSERT(std::bit_cast<std::uint64_t>(g[s]) == std::bit_cast<std::uint64_t>(fg));
  }
}

// The trainer's result does not depend on which copy of the vector kernels runs: 2-8-8-1 BCE
// training (sigmoid layers, the loss on the logit) and 2-8-8-1 tanh MSE training on the AVX-512
// copy, the AVX2 + FMA copy and the portable 2-lane copy give the same bits (a CPU without
// AVX-512 or AVX2 runs the widest copy it has in their place).
static void check_lane_copies(bool tanh_net) {
  SCOPED_TRACE(tanh_net ? "tanh, mse" : "sigmoid, bce");
  const auto data = article_data(1500, 11);
  const activation act = tanh_net ? activation::tanh : activation::sigmoid;
  auto a = random_network({2, 8, 8, 1}, act, act, 13), b = a;
  train_options o;
  o.epochs = 10;
  o.learning_rate = tanh_net ? 0.1 : 0.5;
  if (tanh_net) o.loss = loss_function::mse;
  const auto ra = train(a, data, o);
  for (const int lanes : {4, 2}) {
    auto c = b;
    gradaudit::detail::max_lanes() = lanes;
    const auto rl = train(c, data, o);
    gradaudit::detail::max_lanes() = 8;
    SCOPED_TRACE(std::to_string(lanes) + " lanes against 8");
    EXPECT_EQ(std::bit_cast<std::uint64_t>(ra.final_loss),
              std::bit_cast<std::uint64_t>(rl.final_loss));
    for (std::size_t l = 0; l < a.layers.size(); ++l) {
      EXPECT_TRUE((a.layers[l].weight.array() == c.layers[l].weight.array()).all()) << l;
      EXPECT_TRUE((a.layers[l].bias.array() == c.layers[l].bias.array()).all()) << l;
    }
  }
}

TEST(Network, TrainingDoesNotDependOnTheLaneCopy) {
  for (const bool tanh_net : {false, true}) check_lane_copies(tanh_net);
}
