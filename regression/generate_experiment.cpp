// Writes the data of the article's experiment and the exact (50-digit) result of what its
// code really trains, for experiment_test.cpp. Run by hand, not by the build:
//   gradaudit_generate_experiment [data-dir]
//
// What the article's code trains: its forward pass overwrites y = sigmoid(linear(x)) with
// y = linear2(x), so the model is sigmoid(linear2(x)), a logistic regression; `linear` gets
// no gradient. linear2.weight is constant 0.01 (nn.init.constant_); its bias keeps
// nn.Linear's random default, which we replace by 0 so that the run is reproducible. Data:
// 10 000 samples of two standard normals, label x2 > 0.5 (article_data, seed 1); BCELoss,
// SGD(lr = 0.01) on the full batch, 1000 epochs.
#include "gradaudit/dataset.hpp"
#include "gradaudit/testing/ulp.hpp"
#include "gradaudit/train.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#ifndef GRADAUDIT_DATA_DIR
#define GRADAUDIT_DATA_DIR "."
#endif

int main(int argc, char** argv) {
  using namespace gradaudit;
  const std::string dir = argc > 1 ? argv[1] : GRADAUDIT_DATA_DIR;
  const auto train_set = article_data(10000, 1);
  const auto test_set = article_data(20, 2);
  {
    std::ofstream f(dir + "/article_train.csv");
    write_csv(f, train_set);
    std::ofstream g(dir + "/article_test.csv");
    write_csv(g, test_set);
    if (!f || !g) {
      std::cerr << "cannot write the CSV files in " << dir << "\n";
      return 1;
    }
  }
  auto net = network<ref_t>::zeros({2, 1}, {activation::sigmoid});
  net.layers[0].weight.setConstant(ref_t(0.01));
  const batch<ref_t> data{train_set.x.cast<ref_t>(), train_set.y.cast<ref_t>()};
  train_options o;
  o.loss = loss_function::bce;
  o.learning_rate = 0.01;
  o.epochs = 1000;
  o.threads = 2;
  o.record_history = false;
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = train(net, data, o, [](int step) {
    if (step % 100 == 0) std::cerr << "step " << step << "/1000\n";
  });
  std::ofstream out(dir + "/experiment_exact.csv");
  out << "# The article's experiment (see generate_experiment.cpp), trained at 50 digits.\n"
      << "quantity,value\n"
      << "final_loss," << testing::to_digits(r.final_loss, 50) << "\n"
      << "w1," << testing::to_digits(net.layers[0].weight(0, 0), 50) << "\n"
      << "w2," << testing::to_digits(net.layers[0].weight(0, 1), 50) << "\n"
      << "b," << testing::to_digits(net.layers[0].bias(0), 50) << "\n";
  std::cerr << "done in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
            << " s\n";
  return out ? 0 : 1;
}
