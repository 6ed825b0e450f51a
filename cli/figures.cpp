#include "figures.hpp"

#include "gradaudit/testing/process.hpp"

#include "gradaudit/dataset.hpp"
#include "gradaudit/output_layer.hpp"
#include "gradaudit/train.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace gradaudit::cli {
namespace {

std::ofstream open(const std::filesystem::path& p) {
  std::ofstream f(p);
  if (!f) throw std::runtime_error("cannot write " + p.string());
  f.precision(17);
  return f;
}

/// |∂L/∂w| for x = 1 against ŷ, for the three cases the article discusses, y = 1 and y = 0.
void gradient_data(const std::filesystem::path& p) {
  auto f = open(p);
  f << "# yhat  mse_sigmoid_y1  bce_sigmoid_y1  bce_linear_y1  mse_sigmoid_y0  bce_sigmoid_y0  "
       "bce_linear_y0\n";
  for (int k = -160; k <= 160; ++k) {
    const double z = k / 10.0;  // the logit; ŷ = σ(z) from 1e-7 to 1 - 1e-7
    const double yhat = sigmoid(z);
    f << yhat;
    for (double y : {1.0, 0.0}) {
      f << " " << std::abs(output_layer_grad_z(mse_sigmoid, z, y)) << " "
        << std::abs(output_layer_grad_z(bce_sigmoid, z, y)) << " " << std::abs(bce_grad(yhat, y));
    }
    f << "\n";
  }
}

/// Loss and distinct units per step of a 2-8-8-1 sigmoid network on the article's data
/// (2000 samples), for zero, constant and random initialisation.
void training_data(const std::filesystem::path& p) {
  const auto data = article_data(2000, 1);
  struct run {
    const char* name;
    initializer w, b;
  };
  std::vector<std::vector<step_record>> histories;
  for (const run r :
       {run{"zeros", parse_initializer("zeros"), parse_initializer("zeros")},
        run{"constant 0.5", parse_initializer("constant:0.5"), parse_initializer("constant:0.5")},
        run{"torch", parse_initializer("torch"), parse_initializer("torch")}}) {
    auto net = network<double>::zeros(
        {2, 8, 8, 1}, {activation::sigmoid, activation::sigmoid, activation::sigmoid});
    initialize(net, r.w, r.b, 1);
    train_options o;
    o.epochs = 300;
    o.learning_rate = 0.5;
    histories.push_back(train(net, data, o).history);
  }
  auto f = open(p);
  f << "# step  loss_zeros units_zeros  loss_constant units_constant  loss_torch units_torch "
       "(units: first hidden layer)\n";
  for (std::size_t k = 0; k < histories[0].size(); ++k) {
    f << k;
    for (const auto& h : histories) f << " " << h[k].loss << " " << h[k].distinct_units[0];
    f << "\n";
  }
}

}  // namespace

std::vector<std::string> figure_files() {
  return {"gradients.dat", "training.dat", "figures.gp",  "gradients.svg",
          "gradients.png", "training.svg", "training.png"};
}

std::vector<figure> write_figures(const std::string& dir, std::string& note) {
  namespace fs = std::filesystem;
  const fs::path d(dir);
  std::error_code ec;
  fs::create_directories(d, ec);
  if (ec) throw std::runtime_error("cannot create " + dir + ": " + ec.message());
  gradient_data(d / "gradients.dat");
  training_data(d / "training.dat");
  {
    auto g = open(d / "figures.gp");
    g << "# gnuplot script written by gradaudit audit --figures; run it in this directory.\n"
         "do for [fmt in 'svg png'] {\n"
         "  if (fmt eq 'svg') { set terminal svg size 900,560 font 'sans,12' } else { set terminal "
         "pngcairo size 900,560 }\n"
         "  set output 'gradients.'.fmt\n"
         "  set title \"|dL/dw| against the prediction (x = 1): the article's three cases\"\n"
         "  set logscale y; set format y '10^{%L}'; set xlabel 'prediction ŷ'; set ylabel "
         "'|dL/dw|'\n"
         "  set key left top; set grid\n"
         "  plot 'gradients.dat' u 1:2 w l lw 2 t 'MSE·sigmoid, y = 1', '' u 1:3 w l lw 2 t "
         "'BCE·sigmoid, y = 1',"
         " '' u 1:4 w l lw 2 t 'BCE·linear, y = 1', '' u 1:5 w l dt 2 lw 2 t 'MSE·sigmoid, y = 0',"
         " '' u 1:6 w l dt 2 lw 2 t 'BCE·sigmoid, y = 0', '' u 1:7 w l dt 2 lw 2 t 'BCE·linear, y "
         "= 0'\n"
         "  unset logscale y; set format y '%g'\n"
         "  set output 'training.'.fmt\n"
         "  set title \"2-8-8-1 sigmoid network, BCE, lr 0.5, 2000 samples of the article's "
         "data\"\n"
         "  set xlabel 'step'; set ylabel 'loss'; set y2label 'distinct units (first hidden "
         "layer)'\n"
         "  set y2range [0:9]; set y2tics; set key right center\n"
         "  plot 'training.dat' u 1:2 w l lw 2 t 'loss, zeros', '' u 1:4 w l lw 2 t 'loss, "
         "constant 0.5',"
         " '' u 1:6 w l lw 2 t 'loss, torch default', '' u 1:3 axes x1y2 w l dt 2 t 'units, zeros',"
         " '' u 1:5 axes x1y2 w l dt 3 t 'units, constant', '' u 1:7 axes x1y2 w l dt 4 t 'units, "
         "torch'\n"
         "  unset y2tics; unset y2label\n"
         "}\n";
  }
  // An argument vector, never a shell: DIR may hold any characters (issue 12, item 14).
  const testing::process_status st =
      testing::run_process({"gnuplot", "figures.gp"}, "", d.string());
  if (!st.started) {
    note = "gnuplot is not installed (Debian gnuplot-nox): data and script written to " + dir +
           ", no pictures";
    return {};
  }
  if (!st.ok()) {
    note = "gnuplot failed on " + (d / "figures.gp").string() + "; data and script are there";
    return {};
  }
  return {
      {"gradients.svg",
       "|∂L/∂w| against ŷ for MSE·sigmoid, BCE·sigmoid and BCE·linear (y = 1 solid, y = 0 dashed): "
       "MSE·sigmoid vanishes at both ends, BCE·linear explodes towards the end opposite to y"},
      {"training.svg",
       "loss and distinct units of the first hidden layer over training: zero and constant "
       "starts keep one unit, the random start keeps eight"}};
}

}  // namespace gradaudit::cli
