#include "commands.hpp"

#include "gradaudit/audit/command_line.hpp"
#include "gradaudit/audit/outputs.hpp"
#include "gradaudit/audit/numbers.hpp"
#include "gradaudit/audit/text.hpp"

#include "gradaudit/dataset.hpp"
#include "gradaudit/train.hpp"

#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

namespace gradaudit::cli {
namespace {

const char* kTrainHelp =
    "Full-batch gradient descent in double. Without --data, the article's data set: N (default "
    "10000) samples "
    "of two standard normals, label x2 > 0.5, drawn from --seed. INIT: zeros | constant:C | "
    "uniform:A | "
    "normal:S | torch (nn.Linear's default). --activation applies to every layer (bce needs "
    "sigmoid, "
    "bce_with_logits identity). Defaults: sigmoid, bce, --init-weight torch --init-bias torch, 100 "
    "epochs, lr "
    "0.01, seed 1, up to one thread per core (one for small networks, where threads do not pay, "
    "and never "
    "more than the chunks of 1024 samples; the result is bitwise the same for any count). --json "
    "writes "
    "final_loss, train_seconds, history (kept in memory only with --json, ~160 bytes per epoch), "
    "layers and "
    "initial_layers, atomically. Every step checks the loss, the gradients and the parameters for "
    "finiteness. "
    "Numbers are decimal, whole, with no blanks or '+' (--layers: integers "
    "separated by single commas).";

/// The command line as given, every value a string (validated by settings_from).
struct train_args {
  std::string data, samples = "10000", layers, activation = "sigmoid", loss = "bce",
                    init_weight = "torch", init_bias = "torch", epochs = "100", lr = "0.01",
                    seed = "1", threads, json;
};

void add_options(CLI::App& app, train_args& a) {
  audit::add_value(app, "--data", a.data,
                   "a CSV file x1,...,xn,y (default: the article's data set)");
  audit::add_value(app, "--samples", a.samples,
                   "samples of the article's data set, in [1, 100000000]");
  audit::add_value(app, "--layers", a.layers, "widths, input to output, e.g. 2,8,8,1")->required();
  audit::add_value(app, "--activation", a.activation, "sigmoid | identity | relu | tanh");
  audit::add_value(app, "--loss", a.loss, "bce | mse | bce_with_logits");
  audit::add_value(app, "--init-weight", a.init_weight, "INIT for the weights");
  audit::add_value(app, "--init-bias", a.init_bias, "INIT for the biases");
  audit::add_value(app, "--epochs", a.epochs, "gradient steps, in [0, 100000000]");
  audit::add_value(app, "--lr", a.lr, "learning rate, a positive finite number");
  audit::add_value(app, "--seed", a.seed, "seed of the data set and the initialisation");
  audit::add_value(app, "--threads", a.threads,
                   "threads, in [1, 256]; at most one per 1024 samples");
  audit::add_value(app, "--json", a.json, "write the result to FILE")->type_name("FILE");
}

/// %.17g: what the summary line prints (the JSON's doubles are nlohmann's shortest digits that
/// read back as the same double).
std::string digits17(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::vector<int> parse_layers(const std::string& s) {
  std::vector<int> out;
  for (const long long w : audit::integer_list_option("--layers", s, 1, 100000))
    out.push_back(static_cast<int>(w));
  if (out.size() < 2)
    throw audit::usage_error("--layers: need at least an input and an output width, got " +
                             audit::quoted(s));
  // A clear limit instead of an allocation failure or hours of work: 1e8 parameters are
  // 800 MB of weights, and the training keeps gradients and per-thread buffers besides.
  double parameters = 0;
  for (std::size_t l = 0; l + 1 < out.size(); ++l)
    parameters += (static_cast<double>(out[l]) + 1) * out[l + 1];
  if (parameters > 1e8)
    throw audit::usage_error("--layers: " + audit::quoted(s) + " has " + digits17(parameters) +
                             " weights and biases; the limit is 1e8");
  return out;
}

using ordered_json = nlohmann::ordered_json;

ordered_json layers_json(const network<double>& net) {
  ordered_json layers = ordered_json::array();
  for (const auto& layer : net.layers) {
    ordered_json weight = ordered_json::array(), bias = ordered_json::array();
    for (Eigen::Index j = 0; j < layer.weight.rows(); ++j) {
      ordered_json row = ordered_json::array();
      for (Eigen::Index i = 0; i < layer.weight.cols(); ++i) row.push_back(layer.weight(j, i));
      weight.push_back(std::move(row));
    }
    for (Eigen::Index j = 0; j < layer.bias.size(); ++j) bias.push_back(layer.bias(j));
    layers.push_back({{"activation", name(layer.act)},
                      {"weight", std::move(weight)},
                      {"bias", std::move(bias)}});
  }
  return layers;
}

/// One step of the history, as one JSON object.
ordered_json step_json(const step_record& h) {
  return {{"step", h.step},
          {"loss", h.loss},
          {"weight_grad_norm", h.weight_grad_norm},
          {"distinct_units", h.distinct_units}};
}

/// Fraction of samples whose output is on the label's side: output > 1/2 for a sigmoid
/// output, > 0 for an identity output trained on logits; MSE: the same with 1/2.
double accuracy(const network<double>& net, const batch<double>& data, loss_function loss) {
  const matrix<double> out = predict(net, data.x);
  const double cut = loss == loss_function::bce_with_logits ? 0.0 : 0.5;
  std::size_t right = 0;
  for (Eigen::Index s = 0; s < out.cols(); ++s)
    right += ((out(0, s) > cut) == (data.y(0, s) > 0.5));
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
  const std::string cores =
      std::to_string(std::max(1u, std::min(256u, std::thread::hardware_concurrency())));
  s.threads = audit::integer_option("--threads", a.threads.empty() ? cores : a.threads, 1, 256);
  s.samples = audit::integer_option("--samples", a.samples, 1, 100000000);
  if (!a.data.empty() && samples_given)
    throw audit::usage_error("--samples draws the article's data set; it does not go with --data");
  s.lr = audit::real_option("--lr", a.lr, std::numeric_limits<double>::denorm_min(),
                            std::numeric_limits<double>::max());
  return s;
}

/// The training data: the CSV of --data (read line by line, checked against the loss) or
/// the article's data set. Throws data_error.
batch<double> load_data(const train_args& a, bool from_file, const train_settings& s) {
  if (!from_file) return article_data(static_cast<std::size_t>(s.samples), s.seed);
  struct stat st {};
  if (::stat(a.data.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw data_error("cannot read " + a.data + ": it is a directory");
  std::ifstream f(a.data, std::ios::binary);
  if (!f) throw data_error("cannot read " + a.data + ": " + std::strerror(errno));
  batch<double> data = read_csv(f, a.data);
  // A target the loss cannot take is the file's error: name its line (sample s is on line
  // s + 2, after the header).
  for (Eigen::Index k = 0; k < data.y.cols(); ++k)
    if (!target_allowed(data.y(0, k), s.loss))
      throw data_error(a.data + ", line " + std::to_string(k + 2) +
                       ": y = " + digits17(data.y(0, k)) + " is outside [0, 1], which loss " +
                       std::string(name(s.loss)) + " needs");
  return data;
}

/// Writes the --json document: one member per line, the history one step per line, streamed
/// from the records (a whole nlohmann document of a long history took ~5x its memory).
void write_result_json(std::ostream& os, const train_result<double>& r, const train_settings& s,
                       const batch<double>& data, const network<double>& initial,
                       const network<double>& net) {
  const ordered_json head{{"final_loss", r.final_loss},   {"train_seconds", r.seconds},
                          {"threads", r.threads},         {"samples", data.samples()},
                          {"epochs", s.epochs},           {"learning_rate", s.lr},
                          {"loss", name(s.loss)},         {"init_weight", to_string(s.iw)},
                          {"init_bias", to_string(s.ib)}, {"seed", s.seed}};
  os << "{\n";
  for (const auto& [key, value] : head.items())
    os << "  " << ordered_json(key).dump() << ": " << value.dump() << ",\n";
  os << "  \"history\": [";
  for (std::size_t k = 0; k < r.history.size(); ++k)
    os << (k ? "," : "") << "\n    " << step_json(r.history[k]).dump();
  os << (r.history.empty() ? "],\n" : "\n  ],\n")
     << "  \"initial_layers\": " << layers_json(initial).dump()
     << ",\n  \"layers\": " << layers_json(net).dump() << "\n}\n";
}

/// Trains `net`, drawing a progress bar on a terminal; throws training_error.
train_result<double> run_training(network<double>& net, const batch<double>& data,
                                  const train_settings& s, bool history, std::ostream& err) {
  const bool tty = isatty(STDERR_FILENO);
  const long long every = std::max<long long>(1, s.epochs / 100);
  train_options o;
  o.loss = s.loss;
  o.learning_rate = s.lr;
  o.epochs = static_cast<int>(s.epochs);
  o.threads = static_cast<int>(s.threads);
  o.record_history = history;  // only --json shows it: without, no memory per epoch
  try {
    auto r = gradaudit::train<double>(net, data, o, [&](int step) {
      if (!tty || (step % every != 0 && step != s.epochs)) return;
      const int width = 30,
                filled = static_cast<int>(width * step / std::max<long long>(s.epochs, 1));
      err << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] step "
          << step << "/" << s.epochs << std::flush;
    });
    if (tty && s.epochs > 0) err << "\n";
    return r;
  } catch (...) {
    if (tty) err << "\n";
    throw;
  }
}

void print_summary(std::ostream& out, const train_result<double>& r, const network<double>& net,
                   const batch<double>& data, const train_settings& s) {
  out << "final loss " << digits17(r.final_loss) << ", accuracy " << accuracy(net, data, s.loss)
      << " on " << data.samples() << " samples, " << s.epochs << " epochs in " << r.seconds << " s";
  if (net.layers.size() > 1) {
    out << "; distinct units per hidden layer:";
    for (std::size_t l = 0; l + 1 < net.layers.size(); ++l) out << " " << distinct_units(net, l);
  }
  out << "\n";
}

}  // namespace

int train(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  const char* who = "gradaudit train";
  CLI::App app{audit::wrapped(kTrainHelp), who};
  train_args a;
  add_options(app, a);
  if (const auto code = audit::parse_command_line(app, args, out, err)) return *code;
  train_settings s;
  const bool json = app.count("--json") > 0;
  audit::output_set files;
  try {
    s = settings_from(a, app.count("--samples") > 0);
    if (json) files.add_file("--json", a.json);  // checked before any work
  } catch (const std::invalid_argument& e) {     // usage_error, and the library's parse_* errors
    audit::print_error(err, who, e.what());
    return usage;
  }
  batch<double> data;
  try {
    files.open();
    data = load_data(a, app.count("--data") > 0, s);
  } catch (const std::exception& e) {
    audit::print_error(err, who, e.what());
    return failure;
  }
  network<double> net;
  try {
    net = network<double>::zeros(s.widths, std::vector<activation>(s.widths.size() - 1, s.act));
    check_shapes(net, data, s.loss);
  } catch (const std::invalid_argument& e) {
    audit::print_error(err, who, e.what());
    return usage;
  }
  initialize(net, s.iw, s.ib, s.seed);
  const network<double> initial = net;
  try {
    const auto r = run_training(net, data, s, json, err);
    print_summary(out, r, net, data, s);
    if (auto* os = files.stream("--json")) write_result_json(*os, r, s, data, initial, net);
    files.commit(out);
  } catch (const std::exception& e) {
    audit::print_error(err, who, e.what());
    return failure;
  }
  return ok;
}

}  // namespace gradaudit::cli
