// Claims about the article's PyTorch experiment: what its code does when run, checked by
// running it (regression/torch/article_code_checks.py executes the article's code verbatim on
// the installed PyTorch) or, where no PyTorch is needed, here.
#include "gradaudit/dataset.hpp"
#include "gradaudit/testing/claim.hpp"
#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/process.hpp"
#include "gradaudit/testing/ulp.hpp"
#include "gradaudit/train.hpp"
#include "support.hpp"
#include "torch_dir.hpp"
#include "support_training.hpp"

#include <rapidcheck.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

namespace {
namespace article_code_claims {

using namespace gradaudit;
using namespace gradaudit::testing;

const char* const kSection = "Cross Entropy › 如果最后一层是sigmoid层";

/// The facts article_code_checks.py records, run once per process: key=value lines, or the
/// reason they cannot be had ("" when they were).
struct torch_facts {
  std::map<std::string, std::string> values;
  std::string unavailable;
  std::string at(const std::string& key) const {
    const auto it = values.find(key);
    return it == values.end() ? "(missing: " + key + ")" : it->second;
  }
};

const torch_facts& facts() {
  static torch_facts f;
  static std::once_flag once;
  std::call_once(once, [] {
    const auto out = std::filesystem::temp_directory_path() /
                     ("gradaudit_article_code_" + std::to_string(::getpid()) + ".txt");
    // (e) is PyTorch's own symmetry experiment, checked by the torch ctest; keep it small here.
    const std::vector<std::string> argv{
        "/usr/bin/python3", std::string(kTorchDir) + "/article_code_checks.py",
        "--steps",          "2",
        "--samples",        "100",
        "--constants",      "0.5",
        "--threads",        "1",
        "--flat",           out.string()};
    const process_status status = run_process(argv);
    std::ifstream in(out);
    for (std::string line; std::getline(in, line);) {
      const auto eq = line.find('=');
      if (eq != std::string::npos) f.values[line.substr(0, eq)] = line.substr(eq + 1);
    }
    std::filesystem::remove(out);
    if (status.started && !status.signal && status.code == 3)  // the script's "no PyTorch" status
      f.unavailable =
          "PyTorch is not importable by /usr/bin/python3 ('ci/setup --with-torch' installs it)";
    else if (!status.ok() || f.values.empty())
      f.unavailable = "running the article's code failed (article_code_checks.py " +
                      (!status.started ? status.error
                       : status.signal ? "was killed by signal " + std::to_string(status.signal)
                                       : "exited with " + std::to_string(status.code)) +
                      ")";
  });
  return f;
}

std::string need_torch() { return facts().unavailable; }

std::string need_matplotlib() {
  if (!facts().unavailable.empty()) return facts().unavailable;
  const std::string v = facts().at("d.matplotlib");
  if (v.find("not installed") != std::string::npos || v.rfind("(missing", 0) == 0)
    return "matplotlib is not importable by /usr/bin/python3 (Debian python3-matplotlib; "
           "'ci/setup --with-torch' installs it)";
  return "";
}

GRADAUDIT_CLAIM({
    .id = "code.loss_call_runs",
    .section = kSection,
    .quote = "loss = criterion(outputs, labels)",
    .statement = "the article's training loop runs as written on PyTorch 1.13",
    .expected = verdict::refuted,
    .correction = "nn.BCELoss needs the target's shape to equal the input's: the model outputs "
                  "(10000, 1), the labels are (10000,), and PyTorch 1.13 raises ValueError "
                  "('Using a target size … that is different to the input size …'). "
                  "criterion(outputs, labels.unsqueeze(1)) runs.",
    .as_stated =
        [] {
          const auto& f = facts();
          check_that("the loss call runs", f.at("a.runs") == "True",
                     f.at("a.exception_type") + ": " + f.at("a.exception_message"), "runs");
        },
    .cases = 1,
    .unavailable = need_torch,
});

GRADAUDIT_CLAIM({
    .id = "code.two_layer_model",
    .section = kSection,
    .quote = "y = self.linear2(x)",
    .statement = "the model is a two-layer network, linear → sigmoid → linear2 → sigmoid, so the "
                 "experiment trains both layers",
    .expected = verdict::refuted,
    .correction = "forward() overwrites the hidden activation: y = self.linear2(x) takes x, not "
                  "y. The output is sigmoid(linear2(x)), a logistic regression; `linear` gets no "
                  "gradient (its .grad stays None) and never changes. The experiment says nothing "
                  "about multi-layer networks.",
    .as_stated =
        [] {
          const auto& f = facts();
          check_that("linear.weight gets a gradient",
                     f.at("b.one_step.grad_is_none.linear.weight") == "False",
                     "grad is None: " + f.at("b.one_step.grad_is_none.linear.weight"),
                     "a gradient");
          check_that("linear.weight changes in training",
                     f.at("b.full_run.unchanged_after_all_epochs.linear.weight") == "False",
                     "unchanged after all epochs: " +
                         f.at("b.full_run.unchanged_after_all_epochs.linear.weight"),
                     "changes");
        },
    .corrected =
        [] {
          const auto& f = facts();
          check_that("linear2.weight gets a gradient",
                     f.at("b.one_step.grad_is_none.linear2.weight") == "False",
                     "grad is None: " + f.at("b.one_step.grad_is_none.linear2.weight"),
                     "a gradient");
        },
    .cases = 1,
    .unavailable = need_torch,
});

GRADAUDIT_CLAIM({
    .id = "code.constant_initialisation",
    .section = kSection,
    .quote = "nn.init.constant_(self.linear2.weight, 0.01)",
    .statement = "the experiment starts from the constant initialisation the text discusses: "
                 "every parameter equal to 0.01",
    .expected = verdict::refuted,
    .correction = "only the weights are set to 0.01; the biases keep nn.Linear's default "
                  "U(-1/√2, 1/√2) draw and differ from run to run (between torch.manual_seed 0 "
                  "and 1, for instance). With one effective unit there is no symmetry to break "
                  "anyway: see code.two_layer_model.",
    .as_stated =
        [] {
          const auto& f = facts();
          check_that("the biases are the same constant in every construction",
                     f.at("b.biases_differ_between_seeds.linear2.bias") == "False",
                     "linear2.bias differs between seeds: " +
                         f.at("b.biases_differ_between_seeds.linear2.bias"),
                     "a constant");
        },
    .cases = 1,
    .unavailable = need_torch,
});

GRADAUDIT_CLAIM({
    .id = "code.xticks",
    .section = kSection,
    .quote = "ax1.xticks=ticks",
    .statement = "`ax1.xticks=ticks` (and `ax2.xticks=ticks`) sets the x-axis ticks of the plot to "
                 "ticks = np.arange(-3, 3, 0.5)",
    .expected = verdict::refuted,
    .correction = "matplotlib's Axes has no `xticks` property: the assignment adds a plain Python "
                  "attribute to the Axes object, and the drawn ticks stay the automatic ones "
                  "(checked on matplotlib 3.6.3 with the Agg backend). ax1.set_xticks(ticks) "
                  "sets them.",
    .as_stated =
        [] {
          // article_code_checks.py (d) draws a figure, assigns ax1.xticks = the article's ticks,
          // draws again and reads the ticks back with get_xticks().
          const auto& f = facts();
          check_that(
              "after ax1.xticks=ticks the drawn x ticks are the requested ones",
              f.at("d.ticks_equal_requested") == "True",
              "ticks changed: " + f.at("d.ticks_changed") +
                  "; a new instance attribute 'xticks': " + f.at("d.instance_attribute_after") +
                  " (matplotlib " + f.at("d.matplotlib") + ")",
              "ticks -3, -2.5, ..., 2.5");
        },
    .cases = 1,
    .unavailable = need_matplotlib,
});

GRADAUDIT_CLAIM({
    .id = "code.test_accuracy",
    .section = kSection,
    .quote = "accuracy = (test_predictions == test_labels).float().mean()",
    .statement = "the reported test accuracy is the fraction of the 20 test samples classified "
                 "correctly",
    .expected = verdict::refuted,
    .correction = "test_predictions has shape (20, 1) and test_labels (20,): == broadcasts to a "
                  "20 × 20 table, and its mean compares every prediction with every label. After "
                  "the article's training (with the loss fixed) it reports 0.53 where 19 of 20 "
                  "samples (0.95) are right. (test_predictions.squeeze(1) == test_labels) is "
                  "what was meant.",
    .as_stated =
        [] {
          const auto& f = facts();
          check_that("the comparison has one entry per test sample",
                     f.at("f.comparison_shape") == "20",
                     "shape " + f.at("f.comparison_shape") + ", accuracy as written " +
                         f.at("f.accuracy_as_written") + " vs element-wise " +
                         f.at("f.accuracy_elementwise"),
                     "shape 20");
        },
    .cases = 1,
    .unavailable = need_torch,
});

GRADAUDIT_CLAIM({
    .id = "code.plotted_line",
    .section = kSection,
    .quote = "ytrue = 2 * xtrue",
    .statement = "the line the article plots with the test points, x2 = 2·x1, is the boundary "
                 "of its labels: a point is in class 1 exactly when x2 > 2·x1",
    .expected = verdict::refuted,
    .correction = "the labels are x2 > 0.5 (labels = (input_features[:, 1] > 0.5)), a horizontal "
                  "line; the plotted line x2 = 2·x1 disagrees with it on 37.1 % of standard-normal "
                  "points.",
    .as_stated =
        [] {
          const double x1 = *gen::real_in(-3, 3), x2 = *gen::real_in(-3, 3);
          input("x1", x1);
          input("x2", x2);
          check_that("label (x2 > 0.5) equals side of the plotted line (x2 > 2·x1)",
                     (x2 > 0.5) == (x2 > 2 * x1), (x2 > 0.5) ? "label 1" : "label 0",
                     (x2 > 2 * x1) ? "above the line" : "below the line");
        },
    .corrected =
        [] {
          // P(disagree) for (x1, x2) ~ N(0, I): 0.371023 by quadrature (article_code_checks.py
          // (c)); 200 000 of our own draws estimate it with standard deviation
          // sqrt(p(1-p)/n) = 0.00108, so 5 standard deviations (0.0054) bound a correct estimate
          // with probability 1 - 6e-7; a different boundary (e.g. x2 > 0) moves it by > 0.1.
          const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1000000);
          input("seed", static_cast<double>(seed));
          const auto d = article_data(200000, seed);
          double disagree = 0;
          for (Eigen::Index s = 0; s < d.x.cols(); ++s)
            disagree += ((d.x(1, s) > 0.5) != (d.x(1, s) > 2 * d.x(0, s)));
          const double p = disagree / static_cast<double>(d.x.cols());
          check_that("fraction of points where the two rules disagree is 0.371023 ± 0.0054",
                     std::abs(p - 0.371023) <= 0.0054, shortest(p), "0.371023 ± 0.0054");
        },
    .cases = 1,
});

GRADAUDIT_CLAIM({
    .id = "code.learnable",
    .section = kSection,
    .quote = "代码中数据集的分类标签是根据一条直线来划分的。这是可以被logistic回归学习到的。",
    .statement = "the labels are split by a straight line, and logistic regression learns them: "
                 "trained as the code trains (BCE, lr 0.01, 1000 full-batch epochs, weights 0.01, "
                 "bias 0) it classifies >= 95 % of the training samples correctly",
    .expected = verdict::holds,
    .as_stated =
        [] {
          const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1000000);
          input("seed", static_cast<double>(seed));
          const auto data = article_data(10000, seed);
          const double acc = properties::logistic_accuracy(data, data, 0.01);
          check_that("training accuracy >= 0.95", acc >= 0.95, shortest(acc), ">= 0.95");
        },
    .cases = 2,
});

}  // namespace article_code_claims
}  // namespace
