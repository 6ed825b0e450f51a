#include "commands.hpp"
#include "json_writer.hpp"

#include "gradaudit/audit/atomic_file.hpp"
#include "gradaudit/audit/command_line.hpp"
#include "gradaudit/audit/numbers.hpp"
#include "gradaudit/audit/text.hpp"

#include "gradaudit/dataset.hpp"
#include "gradaudit/train.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

namespace gradaudit::cli {
namespace {

const char* kHelp =
    "Full-batch gradient descent in double. Without --data, the article's data set: N (default 10000) samples "
    "of two standard normals, label x2 > 0.5, drawn from --seed. INIT: zeros | constant:C | uniform:A | "
    "normal:S | torch (nn.Linear's default). --activation applies to every layer (bce needs sigmoid, "
    "bce_with_logits identity). Defaults: sigmoid, bce, --init-weight torch --init-bias torch, 100 epochs, lr "
    "0.01, seed 1, up to one thread per core (one for small networks, where threads do not pay; the result is "
    "bitwise the same for any count). --json writes final_loss, train_seconds, history, layers and "
    "initial_layers, atomically. Numbers are decimal, whole, with no blanks or '+' (--layers: integers "
    "separated by single commas).";

/// The command line as given, every value a string (validated by settings_from).
struct train_args {
  std::string data, samples = "10000", layers, activation = "sigmoid", loss = "bce", init_weight = "torch",
                    init_bias = "torch", epochs = "100", lr = "0.01", seed = "1", threads, json;
};

void add_options(CLI::App& app, train_args& a) {
  audit::add_value(app, "--data", a.data, "a CSV file x1,...,xn,y (default: the article's data set)");
  audit::add_value(app, "--samples", a.samples, "samples of the article's data set, in [1, 100000000]");
  audit::add_value(app, "--layers", a.layers, "widths, input to output, e.g. 2,8,8,1")->required();
  audit::add_value(app, "--activation", a.activation, "sigmoid | identity | relu | tanh");
  audit::add_value(app, "--loss", a.loss, "bce | mse | bce_with_logits");
  audit::add_value(app, "--init-weight", a.init_weight, "INIT for the weights");
  audit::add_value(app, "--init-bias", a.init_bias, "INIT for the biases");
  audit::add_value(app, "--epochs", a.epochs, "gradient steps, in [0, 100000000]");
  audit::add_value(app, "--lr", a.lr, "learning rate, a positive finite number");
  audit::add_value(app, "--seed", a.seed, "seed of the data set and the initialisation");
  audit::add_value(app, "--threads", a.threads, "threads, in [1, 256]");
  audit::add_value(app, "--json", a.json, "write the result to FILE")->type_name("FILE");
}

std::vector<int> parse_layers(const std::string& s) {
  std::vector<int> out;
  for (const long long w : audit::integer_list_option("--layers", s, 1, 100000)) out.push_back(static_cast<int>(w));
  if (out.size() < 2)
    throw audit::usage_error("--layers: need at least an input and an output width, got " + audit::quoted(s));
  // A clear limit instead of an allocation failure or hours of work: 1e8 parameters are
  // 800 MB of weights, and the training keeps gradients and per-thread buffers besides.
  double parameters = 0;
  for (std::size_t l = 0; l + 1 < out.size(); ++l) parameters += (static_cast<double>(out[l]) + 1) * out[l + 1];
  if (parameters > 1e8)
    throw audit::usage_error("--layers: " + audit::quoted(s) + " has " + json_number(parameters) +
                                " weights and biases; the limit is 1e8");
  return out;
}

void write_layers(std::ostream& os, const network<double>& net) {
  os << "[";
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const auto& layer = net.layers[l];
    os << (l ? ", " : "") << "{\"activation\": " << json_string(name(layer.act)) << ", \"weight\": [";
    for (Eigen::Index j = 0; j < layer.weight.rows(); ++j) {
      os << (j ? ", " : "") << "[";
      for (Eigen::Index i = 0; i < layer.weight.cols(); ++i) os << (i ? ", " : "") << json_number(layer.weight(j, i));
      os << "]";
    }
    os << "], \"bias\": [";
    for (Eigen::Index j = 0; j < layer.bias.size(); ++j) os << (j ? ", " : "") << json_number(layer.bias(j));
    os << "]}";
  }
  os << "]";
}

/// Fraction of samples whose output is on the label's side: output > 1/2 for a sigmoid
/// output, > 0 for an identity output trained on logits; MSE: the same with 1/2.
double accuracy(const network<double>& net, const batch<double>& data, loss_function loss) {
  const matrix<double> out = predict(net, data.x);
  const double cut = loss == loss_function::bce_with_logits ? 0.0 : 0.5;
  std::size_t right = 0;
  for (Eigen::Index s = 0; s < out.cols(); ++s) right += ((out(0, s) > cut) == (data.y(0, s) > 0.5));
  return static_cast<double>(right) / static_cast<double>(out.cols());
}


/// What the run does, validated before any data is read.
struct train_settings {
  std::vector<int> widths;
  activation act;
  loss_function loss;
  initializer iw, ib;
  long long epochs, threads, samples;
  std::uint64_t seed;  ///< any 64-bit seed, as the audit's
  double lr;
};

train_settings settings_from(const train_args& a, bool samples_given) {
  train_settings s;
  s.widths = parse_layers(a.layers);
  s.act = parse_activation(a.activation);
  s.loss = parse_loss(a.loss);
  s.iw = parse_initializer(a.init_weight);
  s.ib = parse_initializer(a.init_bias);
  s.epochs = audit::integer_option("--epochs", a.epochs, 0, 100000000);
  s.seed = audit::unsigned_option("--seed", a.seed);
  const std::string cores = std::to_string(std::max(1u, std::min(256u, std::thread::hardware_concurrency())));
  s.threads = audit::integer_option("--threads", a.threads.empty() ? cores : a.threads, 1, 256);
  s.samples = audit::integer_option("--samples", a.samples, 1, 100000000);
  if (!a.data.empty() && samples_given)
    throw audit::usage_error("--samples draws the article's data set; it does not go with --data");
  s.lr = audit::real_option("--lr", a.lr, std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max());
  return s;
}

}  // namespace

int train(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  CLI::App app{audit::wrapped(kHelp), "gradaudit train"};
  train_args opt_args;
  add_options(app, opt_args);
  if (const auto code = audit::parse_command_line(app, args, out, err)) return *code;
  train_settings s;
  try {
    s = settings_from(opt_args, app.count("--samples") > 0);
  } catch (const std::invalid_argument& e) {  // usage_error, and the library's parse_* errors
    audit::print_error(err, "gradaudit train", e.what());
    return usage;
  }
  const auto& widths = s.widths;
  const auto act = s.act;
  const auto loss = s.loss;
  const auto iw = s.iw, ib = s.ib;
  const long long epochs = s.epochs, threads = s.threads, samples = s.samples;
  const std::uint64_t seed = s.seed;
  const double lr = s.lr;
  std::map<std::string, std::string> opt;
  if (app.count("--data")) opt["--data"] = opt_args.data;
  if (app.count("--json")) opt["--json"] = opt_args.json;

  std::optional<audit::atomic_file> json;
  batch<double> data;
  try {
    if (opt.count("--json")) {
      json.emplace(opt["--json"]);
      json->begin();  // an unwritable path fails here, before any work
    }
    if (opt.count("--data")) {
      std::ifstream f(opt["--data"], std::ios::binary);
      if (!f) throw data_error("cannot read " + opt["--data"]);
      data = read_csv(f, opt["--data"]);
      // A target the loss cannot take is the file's error: name its line (sample s is on
      // line s + 2, after the header).
      for (Eigen::Index s = 0; s < data.y.cols(); ++s)
        if (!target_allowed(data.y(0, s), loss))
          throw data_error(opt["--data"] + ", line " + std::to_string(s + 2) + ": y = " + json_number(data.y(0, s)) +
                           " is outside [0, 1], which loss " + std::string(name(loss)) + " needs");
    } else {
      data = article_data(static_cast<std::size_t>(samples), static_cast<std::uint64_t>(seed));
    }
  } catch (const std::exception& e) {
    audit::print_error(err, "gradaudit train", e.what());
    return failure;
  }

  std::vector<activation> acts(widths.size() - 1, act);
  network<double> net;
  try {
    net = network<double>::zeros(widths, acts);
    check_shapes(net, data, loss);
  } catch (const std::invalid_argument& e) {
    audit::print_error(err, "gradaudit train", e.what());
    return usage;
  }
  initialize(net, iw, ib, static_cast<std::uint64_t>(seed));
  const network<double> initial = net;

  const bool tty = isatty(STDERR_FILENO);
  const int every = std::max<int>(1, static_cast<int>(epochs / 100));
  train_options o;
  o.loss = loss;
  o.learning_rate = lr;
  o.epochs = static_cast<int>(epochs);
  o.threads = static_cast<int>(threads);
  train_result<double> r;
  try {
    r = gradaudit::train<double>(net, data, o, [&](int step) {
      if (!tty || (step % every != 0 && step != epochs)) return;
      const int width = 30, filled = static_cast<int>(width * step / std::max<long long>(epochs, 1));
      err << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] step " << step << "/" << epochs
          << std::flush;
    });
    if (tty && epochs > 0) err << "\n";
  } catch (const std::exception& e) {
    if (tty) err << "\n";
    audit::print_error(err, "gradaudit train", e.what());
    return failure;
  }

  out << "final loss " << json_number(r.final_loss) << ", accuracy " << accuracy(net, data, loss) << " on "
      << data.samples() << " samples, " << epochs << " epochs in " << r.seconds << " s";
  if (net.layers.size() > 1) {
    out << "; distinct units per hidden layer:";
    for (std::size_t l = 0; l + 1 < net.layers.size(); ++l) out << " " << distinct_units(net, l);
  }
  out << "\n";

  if (json) {
    try {
      auto& os = json->stream();
      os << "{\n  \"final_loss\": " << json_number(r.final_loss) << ",\n  \"train_seconds\": " << json_number(r.seconds) << ",\n  \"threads\": " << r.threads
         << ",\n  \"samples\": " << data.samples() << ",\n  \"epochs\": " << epochs << ",\n  \"learning_rate\": "
         << json_number(lr) << ",\n  \"loss\": " << json_string(name(loss)) << ",\n  \"init_weight\": "
         << json_string(to_string(iw)) << ",\n  \"init_bias\": " << json_string(to_string(ib)) << ",\n  \"seed\": " << seed
         << ",\n  \"history\": [";
      for (std::size_t k = 0; k < r.history.size(); ++k) {
        const auto& h = r.history[k];
        os << (k ? "," : "") << "\n    {\"step\": " << h.step << ", \"loss\": " << json_number(h.loss)
           << ", \"weight_grad_norm\": [";
        for (std::size_t l = 0; l < h.weight_grad_norm.size(); ++l) os << (l ? ", " : "") << json_number(h.weight_grad_norm[l]);
        os << "], \"distinct_units\": [";
        for (std::size_t l = 0; l < h.distinct_units.size(); ++l) os << (l ? ", " : "") << h.distinct_units[l];
        os << "]}";
      }
      os << "\n  ],\n  \"initial_layers\": ";
      write_layers(os, initial);
      os << ",\n  \"layers\": ";
      write_layers(os, net);
      os << "\n}\n";
      json->commit();
    } catch (const std::exception& e) {
      audit::print_error(err, "gradaudit train", e.what());
      return failure;
    }
  }
  return ok;
}

}  // namespace gradaudit::cli
