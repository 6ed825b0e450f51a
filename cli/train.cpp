#include "commands.hpp"
#include "args.hpp"
#include "json_writer.hpp"

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

void usage_text(std::ostream& os) {
  os << "usage: gradaudit train [--data FILE.csv | --samples N] --layers 2,8,8,1\n"
        "                       [--activation sigmoid|identity|relu|tanh] [--loss bce|mse|bce_with_logits]\n"
        "                       [--init-weight INIT] [--init-bias INIT] [--epochs N] [--lr R]\n"
        "                       [--seed S] [--threads N] [--json OUT]\n"
        "  Full-batch gradient descent in double. Without --data, the article's data set:\n"
        "  N (default 10000) samples of two standard normals, label x2 > 0.5, drawn from --seed.\n"
        "  INIT: zeros | constant:C | uniform:A | normal:S | torch (nn.Linear's default).\n"
        "  --activation applies to every layer (bce needs sigmoid, bce_with_logits identity).\n"
        "  Defaults: sigmoid, bce, --init-weight torch --init-bias torch, 100 epochs, lr 0.01,\n"
        "  seed 1, up to one thread per core (one for small networks, where threads do not\n"
        "  pay; the result is bitwise the same for any count).\n"
        "  --json writes final_loss, train_seconds, history, layers and initial_layers,\n"
        "  atomically.\n";
}


std::vector<int> parse_layers(const std::string& s) {
  std::vector<int> out;
  std::stringstream is(s);
  std::string part;
  while (std::getline(is, part, ',')) {
    const auto v = parse_int(part);
    if (!v || *v < 1 || *v > 100000)
      throw std::invalid_argument("--layers: '" + part + "' is not a width in [1, 100000]");
    out.push_back(static_cast<int>(*v));
  }
  if (out.size() < 2) throw std::invalid_argument("--layers: need at least an input and an output width, got '" + s + "'");
  // A clear limit instead of an allocation failure or hours of work: 1e8 parameters are
  // 800 MB of weights, and the training keeps gradients and per-thread buffers besides.
  double parameters = 0;
  for (std::size_t l = 0; l + 1 < out.size(); ++l) parameters += (static_cast<double>(out[l]) + 1) * out[l + 1];
  if (parameters > 1e8)
    throw std::invalid_argument("--layers: '" + s + "' has " + json_number(parameters) +
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

}  // namespace

int train(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> opt;
  const std::vector<std::string> known{"--data", "--samples", "--layers", "--activation", "--loss", "--init-weight",
                                       "--init-bias", "--epochs", "--lr", "--seed", "--threads", "--json"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      usage_text(out);
      return ok;
    }
    if (std::find(known.begin(), known.end(), a) == known.end()) {
      err << "gradaudit train: unknown argument '" << a << "'\n";
      usage_text(err);
      return usage;
    }
    if (i + 1 >= args.size()) {
      err << "gradaudit train: " << a << " needs a value\n";
      return usage;
    }
    if (opt.count(a)) {
      err << "gradaudit train: " << a << " given twice\n";
      return usage;
    }
    opt[a] = args[++i];
  }
  auto get = [&](const char* k, const char* def) { return opt.count(k) ? opt[k] : std::string(def); };
  std::vector<int> widths;
  activation act;
  loss_function loss;
  initializer iw, ib;
  long long epochs, seed, threads, samples;
  double lr;
  try {
    if (!opt.count("--layers")) throw std::invalid_argument("--layers is required (e.g. --layers 2,8,8,1)");
    widths = parse_layers(opt["--layers"]);
    act = parse_activation(get("--activation", "sigmoid"));
    loss = parse_loss(get("--loss", "bce"));
    iw = parse_initializer(get("--init-weight", "torch"));
    ib = parse_initializer(get("--init-bias", "torch"));
    auto integer = [&](const char* k, const char* def, long long lo, long long hi) {
      const auto v = parse_int(get(k, def));
      if (!v || *v < lo || *v > hi)
        throw std::invalid_argument(std::string(k) + ": '" + get(k, def) + "' is not an integer in [" +
                                    std::to_string(lo) + ", " + std::to_string(hi) + "]");
      return *v;
    };
    epochs = integer("--epochs", "100", 0, 100000000);
    seed = integer("--seed", "1", 0, std::numeric_limits<long long>::max());
    const std::string cores = std::to_string(std::max(1u, std::min(256u, std::thread::hardware_concurrency())));
    threads = integer("--threads", cores.c_str(), 1, 256);
    samples = integer("--samples", "10000", 1, 100000000);
    if (opt.count("--data") && opt.count("--samples"))
      throw std::invalid_argument("--samples draws the article's data set; it does not go with --data");
    const std::string lr_text = get("--lr", "0.01");
    char* end = nullptr;
    lr = std::strtod(lr_text.c_str(), &end);
    if (lr_text.empty() || end != lr_text.c_str() + lr_text.size() || !std::isfinite(lr) || lr <= 0)
      throw std::invalid_argument("--lr: '" + lr_text + "' is not a positive finite number");
  } catch (const std::invalid_argument& e) {
    err << "gradaudit train: " << e.what() << "\n";
    return usage;
  }

  std::optional<atomic_file> json;
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
    err << "gradaudit train: " << e.what() << "\n";
    return failure;
  }

  std::vector<activation> acts(widths.size() - 1, act);
  network<double> net;
  try {
    net = network<double>::zeros(widths, acts);
    check_shapes(net, data, loss);
  } catch (const std::invalid_argument& e) {
    err << "gradaudit train: " << e.what() << "\n";
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
    err << "gradaudit train: " << e.what() << "\n";
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
      err << "gradaudit train: " << e.what() << "\n";
      return failure;
    }
  }
  return ok;
}

}  // namespace gradaudit::cli
