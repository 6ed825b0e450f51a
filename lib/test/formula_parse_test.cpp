// The formula language's parser: two syntaxes, one tree; one-line errors with the column.
#include "gradaudit/formula/parse.hpp"

#include <gtest/gtest.h>

namespace {

using namespace gradaudit::formula;

std::string tree(const std::string& text, std::set<std::string> vars = {}) {
  parse_options opt;
  opt.variables = std::move(vars);
  return to_string(*parse_expression(text, opt));
}

std::string error_of(const std::string& text, std::set<std::string> vars = {}) {
  parse_options opt;
  opt.variables = std::move(vars);
  try {
    (void)parse_statement(text, opt);
  } catch (const parse_error& e) {
    return e.what();
  }
  return "(no error)";
}

const std::set<std::string> kXYW{"x", "y", "w", "yhat", "z"};

TEST(FormulaParse, PlainAndLatexGiveTheSameTree) {
  const std::vector<std::pair<std::string, std::string>> same{
      {"2(y - yhat) yhat (1 - yhat) x", R"(2(y - \hat{y})\hat{y}(1 - \hat{y})x)"},
      {"-(1/(1+exp(-x))^2) * exp(-x)", R"(-\frac{1}{(1+e^{-x})^2}e^{-x})"},
      {"d/dz softplus(z)", R"(\frac{\partial}{\partial z} softplus(z))"},
      {"d/dz softplus(z)", R"(\frac{d}{dz} \mathrm{softplus}(z))"},
      {"sigmoid(w*x)", R"(\sigma(w \cdot x))"},
      {"sigmoid(w x)", R"(\sigma\left(wx\right))"},
      {"x^2 + log(x) + log(x)", R"(x^{2} + \ln x + \log(x))"},
      {"sum_{i=1}^{K} y_i log(p_i)", R"(\sum_{i=1}^{K} y_{i} \log(p_i))"},
      {"d/dyhat (y - yhat)^2", R"(\frac{\partial (y - \hat{y})^2}{\partial \hat{y}})"},
      {"abs(x - y)", R"(\left| x - y \right|)"},
      {"sigmoid'(x)", R"(\sigma'(x))"},
      {"grad_w mse(sigmoid(w x), y)", R"(\frac{\partial}{\partial w} mse(\sigma(w x), y))"},
  };
  for (const auto& [plain, latex] : same) {
    EXPECT_EQ(tree(plain, kXYW), tree(latex, kXYW)) << plain << "  vs  " << latex;
  }
}

TEST(FormulaParse, CanonicalForms) {
  EXPECT_EQ(tree("e^{-x}", kXYW), "(exp (neg x))");
  EXPECT_EQ(tree("0.125 + 8/27", kXYW), "(add 1/8 (div 8 27))");
  EXPECT_EQ(tree("wx", kXYW), "(mul w x)");  // letters of declared names, as LaTeX reads them
  EXPECT_EQ(tree("softmax_i(z) + log_softmax_2(z)", kXYW), "(add (softmax_i z) (log_softmax_2 z))");
  EXPECT_EQ(tree("w_1 + w_{k+1}", kXYW), "(add (index w 1) (index w (add k 1)))");
  EXPECT_EQ(tree("d^2/dz^2 softplus(z)", kXYW), "(d2/dz (softplus z))");
  EXPECT_EQ(tree("ŷ(1 − ŷ)", kXYW), "(mul yhat (sub 1 yhat))");
}

TEST(FormulaParse, Statements) {
  const auto s = parse_statement("|d/dz L| <= 8/27", {{"L", "z"}, {}});
  ASSERT_EQ(s.ops.size(), 1u);
  EXPECT_EQ(s.ops[0], "<=");
  const auto u = parse_statement("double: s*(1-s) within 3 ulp of sigmoid'(x)", {{"s", "x"}, {}});
  EXPECT_EQ(u.k, statement_kind::ulps);
  EXPECT_EQ(u.ulps, 3);
  const auto l = parse_statement("as yhat -> 1: d/dw L -> 0", {{"yhat", "w", "L"}, {}});
  EXPECT_EQ(l.k, statement_kind::limit);
  EXPECT_EQ(l.limit_variable, "yhat");
  const auto w = parse_where(R"(w in [-4,4]^3)");
  EXPECT_EQ(w.k, where_clause::kind::interval);
  ASSERT_TRUE(w.length);
  EXPECT_EQ(parse_where("y in {0, 1}").values.size(), 2u);
  EXPECT_EQ(parse_where("K in 2..10").k, where_clause::kind::integers);
  EXPECT_TRUE(parse_where("x in (0, 1]").open_lo);
  EXPECT_EQ(parse_where(R"(\hat{y} = \sigma(w x))").name, "yhat");
  EXPECT_EQ(parse_where("yhat != y").k, where_clause::kind::condition);
  EXPECT_EQ(parse_where("f(x) = 1/(1+e^{-x})").params, std::vector<std::string>{"x"});
}

TEST(FormulaParse, ErrorsAreOneLineWithTheColumn) {
  EXPECT_EQ(error_of(R"(2(y - \hat{y} = 1)", {"y", "yhat"}),
            "column 15: expected ')' after '(y - \\hat{y}', found '='");
  EXPECT_EQ(error_of(R"(2(y - \hat{y})"), "column 14: expected ')' after '(y - \\hat{y}'");
  const std::string unknown = error_of("foo(x) = 1", {"x"});
  EXPECT_NE(unknown.find("unknown function 'foo'; known functions: abs/1, bce/2"),
            std::string::npos)
      << unknown;
  EXPECT_NE(error_of("x + = 1").find("column 5: expected an expression"), std::string::npos);
  EXPECT_NE(error_of("x + 1").find("expected a relation"), std::string::npos);
  EXPECT_NE(error_of("min(x) = 1", {"x"}).find("min takes 2 arguments, not 1"), std::string::npos);
  EXPECT_NE(error_of("x # 1").find("column 3: unexpected character '#'"), std::string::npos);
  for (const std::string& s :
       {error_of(R"(\frac{1}{2)"), error_of("sum_{i=1} x"), error_of("d/d"), error_of("x^")})
    EXPECT_EQ(s.find('\n'), std::string::npos) << s;
}

}  // namespace
