// Formula claims on the certified engine: verdicts, refusals before any case, claims files, time.
#include "gradaudit/formula/claim.hpp"
#include "gradaudit/formula/parse.hpp"

#include <gtest/gtest.h>

#include <deque>

#include <ctime>
#include <filesystem>
#include <fstream>

namespace {

using namespace gradaudit;
using namespace gradaudit::formula;
namespace ga = gradaudit::testing;
using ga::verdict;

ga::claim_result run(formula_claim c, int cases = 100) {
  if (c.id.empty()) c.id = "formula.test";
  // claim_result points at its claim: keep every claim alive (a deque never moves them).
  static std::deque<ga::claim> keep;
  keep.push_back(to_claim(c));
  return ga::run_claim(keep.back(), ga::run_options{.seed = 7, .cases = cases});
}

verdict verdict_of(const std::string& formula, std::vector<std::string> where,
                   std::vector<std::string> assume = {}, int cases = 100) {
  const auto r =
      run({.formula = formula, .where = std::move(where), .assume = std::move(assume)}, cases);
  EXPECT_TRUE(r.checked()) << r.reason;
  if (r.observed == verdict::inconclusive) ADD_FAILURE() << formula << ": " << r.reason;
  return r.observed;
}

TEST(FormulaClaim, DerivativesAreCertified) {
  EXPECT_EQ(verdict_of("d/dz softplus(z) = sigmoid(z)", {"z in [-745, 745]"}), verdict::holds);
  EXPECT_EQ(verdict_of("d/dx sigmoid(x) = sigmoid(x)(1 - sigmoid(x))", {"x in [-745, 745]"}),
            verdict::holds);
  EXPECT_EQ(verdict_of("d/dx tanh(x) = 1 - tanh(x)^2", {"x in [-20, 20]"}), verdict::holds);
}

// The article's middle step, pasted from its LaTeX: the sign is wrong.
TEST(FormulaClaim, ArticleMiddleStepIsRefuted) {
  const auto r = run({.formula = R"(\frac{d}{dx} \sigma(x) = -\frac{1}{(1+e^{-x})^2}e^{-x})",
                      .where = {"x in [-745, 745]"}});
  EXPECT_EQ(r.observed, verdict::refuted);
  EXPECT_TRUE(r.as_stated.proven);
  EXPECT_FALSE(r.as_stated.counterexample.empty());
  // f'(x) written with a user function, as the article does
  EXPECT_EQ(verdict_of(R"(f'(x) = -\frac{1}{(1+e^{-x})^2}e^{-x})",
                       {"f(x) = \\frac{1}{1+e^{-x}}", "x in [-745, 745]"}),
            verdict::refuted);
  EXPECT_EQ(
      verdict_of(R"(f'(x) = f(x)(1 - f(x)))", {"f(x) = \\frac{1}{1+e^{-x}}", "x in [-745, 745]"}),
      verdict::holds);
}

TEST(FormulaClaim, GradientsOverVectors) {
  const std::vector<std::string> where{R"(\hat{y} = \sigma(w \cdot x))", "w in [-4, 4]^3",
                                       "x in [-10, 10]^3", "y in {0, 1}"};
  EXPECT_EQ(
      verdict_of(
          R"(\frac{\partial}{\partial w} (y - \hat{y})^2 = 2(\hat{y} - y)\hat{y}(1 - \hat{y})x)",
          where),
      verdict::holds);
  EXPECT_EQ(
      verdict_of(
          R"(\frac{\partial}{\partial w} (y - \hat{y})^2 = 2(y - \hat{y})\hat{y}(1 - \hat{y})x)",
          where),
      verdict::refuted);
  EXPECT_EQ(verdict_of("d/dw bce(yhat, y) = (yhat - y) x", where), verdict::holds);
  EXPECT_EQ(verdict_of("d/dz_1 ce(z, 1) = softmax_1(z) - 1", {"K in 2..5", "z in [-10, 10]^K"}),
            verdict::holds);
  EXPECT_EQ(
      verdict_of(
          R"(\frac{\partial}{\partial z_2} \left(-\sum_{i=1}^{K} p_i \log softmax_i(z)\right) = softmax_2(z) - p_2)",
          {"K in 2..4", "z in [-10, 10]^K", "p in simplex^K"}),
      verdict::holds);
}

TEST(FormulaClaim, BoundsAndUlps) {
  EXPECT_EQ(verdict_of("|d/dz mse(sigmoid(z), y)| <= 8/27", {"z in [-40, 40]", "y in {0, 1}"}),
            verdict::holds);
  EXPECT_EQ(
      verdict_of("|d/dz mse(sigmoid(z), y)| <= 0.29", {"z in [-3, 3]", "y in {0, 1}"}, {}, 200),
      verdict::refuted);
  EXPECT_EQ(verdict_of("double: s*(1-s) within 3 ulp of sigmoid'(x)",
                       {"s = sigmoid(x)", "x in [-745, 745]"}),
            verdict::refuted);
  EXPECT_EQ(verdict_of("double: exp(x) within 1 ulp of exp(x)", {"x in [-700, 700]"}),
            verdict::holds);
}

TEST(FormulaClaim, ConditionsTheSourceOmitsGiveNeedsCorrection) {
  EXPECT_EQ(verdict_of("d/dw bce(w x, y) = (-y/(w x) + (1-y)/(1 - w x)) x",
                       {"w in [-2, 2]", "x in [-2, 2]", "y in {0, 1}"}, {"0 < w x < 1"}),
            verdict::needs_correction);
}

TEST(FormulaClaim, Limits) {
  EXPECT_EQ(verdict_of("as yhat -> 1: 2(yhat - y) yhat (1 - yhat) x -> 0",
                       {"yhat in (0, 1)", "y in {0, 1}", "x in [-2, 2]"}),
            verdict::holds);
  EXPECT_EQ(verdict_of("as z -> inf: d/dz bce_logits(z, 0) -> 0", {"z in [0, 10]"}),
            verdict::refuted);
}

std::string refusal(const formula_claim& c) {
  try {
    (void)to_claim(c);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(FormulaClaim, BadInputIsRefusedBeforeAnyCase) {
  EXPECT_NE(
      refusal({.formula = "x + q = 1", .where = {"x in [0, 1]"}}).find("undefined variable 'q'"),
      std::string::npos);
  const std::string d = refusal({.formula = "log(x) = log(x)", .where = {"x in [0, 1]"}});
  EXPECT_NE(d.find("log needs a positive argument"), std::string::npos) << d;
  EXPECT_NE(d.find("x = 0"), std::string::npos) << d;
  EXPECT_EQ(refusal({.formula = "log(x) = log(x)", .where = {"x in (0, 1]"}}), "(accepted)");
  EXPECT_NE(refusal({.formula = "x = 1", .where = {"x in [2, 1]"}}).find("empty"),
            std::string::npos);
  EXPECT_NE(refusal({.formula = "x = 1", .where = {"x in [0, 1"}}).find("column"),
            std::string::npos);
}

// Input classes count the cases that fell in them, as testing::classify does (a class never
// reached counts 0); a class that is not a condition, or names an unknown variable, is refused
// before any case runs.
TEST(FormulaClaim, ClassesCountTheirCases) {
  const auto r = run({.formula = "d/dx sigmoid(x) = sigmoid(x)(1 - sigmoid(x))",
                      .where = {"x in [-745, 745]"},
                      .classes = {{"saturated |x| > 36.7", "|x| > 36.7"},
                                  {"x = 0", "|x| <= 0"},
                                  {"never", "x > 745"}}},
                     200);
  EXPECT_EQ(r.observed, verdict::holds);
  ASSERT_EQ(r.as_stated.classes.size(), 3u);
  const int saturated = r.as_stated.classes.at("saturated |x| > 36.7");
  EXPECT_GT(saturated, 0);
  EXPECT_LT(saturated, r.as_stated.cases);  // [-745, 745] is mostly saturated, not all of it
  EXPECT_GT(r.as_stated.classes.at("x = 0"), 0);
  EXPECT_EQ(r.as_stated.classes.at("never"), 0);
  const std::string not_condition =
      refusal({.formula = "x = x", .where = {"x in [0, 1]"}, .classes = {{"c", "y = 2"}}});
  EXPECT_NE(not_condition.find("class 'c': 'y = 2' is not a condition"), std::string::npos)
      << not_condition;
  const std::string unknown =
      refusal({.formula = "x = x", .where = {"x in [0, 1]"}, .classes = {{"c", "q > 0"}}});
  EXPECT_NE(unknown.find("undefined variable 'q'"), std::string::npos) << unknown;
}

// The issue's budget: a formula claim of one variable, 200 cases, under 1 s of CPU.
TEST(FormulaClaim, TwoHundredCasesOfOneVariableUnderOneSecond) {
  const auto c = to_claim({.id = "formula.timing",
                           .formula = "d/dz softplus(z) = sigmoid(z)",
                           .where = {"z in [-745, 745]"}});
  const std::clock_t t0 = std::clock();
  const auto r = ga::run_claim(c, ga::run_options{.seed = 1, .cases = 200});
  const double cpu = static_cast<double>(std::clock() - t0) / CLOCKS_PER_SEC;
  EXPECT_EQ(r.observed, verdict::holds);
  EXPECT_EQ(r.as_stated.cases, 200);
  EXPECT_LT(cpu, 1.0);
  std::printf("200 cases: %.3f s CPU\n", cpu);
}

TEST(FormulaClaim, ClaimsFile) {
  const auto path = std::filesystem::temp_directory_path() / "gradaudit_formula_test.toml";
  std::ofstream(path) << R"toml([[claim]]
id = "t.softplus"
source = "test"
section = "softplus"
quote = "softplus'(z) = σ(z)"
formula = '\frac{d}{dz} \log(1 + e^{z}) = \sigma(z)'
where = ["z in [-745, 745]"]
expected = "holds"

[[claim]]
id = "t.wrong"
formula = "d/dx sigmoid(x) = -sigmoid(x)(1 - sigmoid(x))"
where = ["x in [-5, 5]"]
expected = "refuted"
)toml";
  const auto claims = claims_from_file(path.string());
  ASSERT_EQ(claims.size(), 2u);
  for (const auto& c : claims) {
    const auto r = ga::run_claim(c, ga::run_options{.seed = 3, .cases = 50});
    EXPECT_TRUE(r.matches()) << c.id << ": " << ga::to_string(r.observed);
  }
  std::ofstream(path) << "[[claim]]\nid = \"x\"\nformula = \"x = 1\"\nwhere = [\"x in [0, "
                         "1\"]\nexpected = \"holds\"\n";
  try {
    (void)claims_from_file(path.string());
    ADD_FAILURE() << "accepted a bad formula";
  } catch (const file_error& e) {
    EXPECT_NE(std::string(e.what()).find(": x: "), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

}  // namespace

namespace {

std::string text_refusal(const std::string& text) {
  try {
    (void)claims_from_text(text, "embedded.toml");
  } catch (const file_error& e) {
    return e.what();
  }
  return "(accepted)";
}

// The text of a claims file (as a program embeds it) reads as the file does, `name` standing for
// the file in messages; classes are tables {name, when}.
TEST(FormulaClaim, ClaimsText) {
  const auto claims = claims_from_text(R"toml([[claim]]
id = "t.identity"
formula = "d/dx sigmoid(x) = sigmoid(x)(1 - sigmoid(x))"
where = ["x in [-745, 745]"]
classes = [{name = "saturated |x| > 36.7", when = "|x| > 36.7"}]
expected = "holds"
)toml",
                                       "embedded.toml");
  ASSERT_EQ(claims.size(), 1u);
  const auto r = ga::run_claim(claims[0], ga::run_options{.seed = 3, .cases = 50});
  EXPECT_TRUE(r.matches()) << ga::summary_line(r);
  ASSERT_EQ(r.as_stated.classes.count("saturated |x| > 36.7"), 1u);
  EXPECT_GT(r.as_stated.classes.at("saturated |x| > 36.7"), 0);
  EXPECT_NE(text_refusal("[[claim]\n").find("embedded.toml"), std::string::npos)
      << text_refusal("[[claim]\n");
  const std::string bad_class = text_refusal(
      "[[claim]]\nid = \"t\"\nformula = \"x = x\"\nwhere = [\"x in [0, 1]\"]\nclasses = [\"|x| > "
      "1\"]\n");
  EXPECT_NE(bad_class.find("embedded.toml: claim 1 (t): each of 'classes' must be a table"),
            std::string::npos)
      << bad_class;
  const std::string bad_formula =
      text_refusal("[[claim]]\nid = \"t\"\nformula = \"x = (\"\nwhere = [\"x in [0, 1]\"]\n");
  EXPECT_NE(bad_formula.find("embedded.toml: t: "), std::string::npos) << bad_formula;
}

}  // namespace
