#pragma once
/// \file parse.hpp
/// The parser of the formula language: a claim ("d/dz F = G", "|d/dz L| <= 8/27",
/// "double: A within 3 ulp of B", "as v -> a: F -> L"), an expression, and a `--where` clause
/// (a domain, a definition or a condition). Plain and LaTeX spellings mix freely:
///
///   plain:  d/dz grad_w  exp log log1p sqrt ^ * implicit-multiplication  sigmoid softplus tanh
///   relu
///           abs min max clamp where(cond, a, b)  |x|  yhat  w_1  softmax_i(z)  sigmoid'(x)
///   LaTeX:  \frac{a}{b} \hat{y} x^{2} e^{-x} \log \ln \exp \sigma \cdot \left( \right)
///           \frac{\partial L}{\partial w}  \frac{d}{dx}  w_1 w_{i}  \sum_{i=1}^{K}
///
/// A name of several letters that is not declared but whose letters all are (`wx` with w and
/// x declared) is their product, as in LaTeX. `e` is Euler's number, `e^{x}` is exp(x).
/// Errors are one line: "column 14: expected ')' after '(y - \hat{y}'".

#include "gradaudit/formula/ast.hpp"

#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gradaudit::formula {

/// A formula or clause that does not parse, or names what is not there. `what()` is the one
/// line shown to the user; `column` is 1-based (in characters, 0 when not about a place).
class parse_error : public std::runtime_error {
 public:
  parse_error(int column, const std::string& message);
  int column;
};

/// What the parser is told about names before it reads a formula.
struct parse_options {
  std::set<std::string> variables;  ///< declared variables and definitions (canonical names)
  std::set<std::string> functions;  ///< user-defined functions (from `f(x) = …` clauses)
};

/// The built-in functions, sorted, with their arities ("clamp/3"), for messages and docs.
std::vector<std::string> known_functions();
/// True when `name` is a built-in function.
bool is_known_function(std::string_view name);

/// One expression (no relation at its top).
node_ptr parse_expression(std::string_view text, const parse_options& opt = {});

/// What a claim states.
enum class statement_kind {
  relation,  ///< sides[0] ops[0] sides[1] (ops[1] sides[2] …): each later side against the first
  ulps,      ///< sides[0] (evaluated in IEEE double) within `ulps` ULP of sides[1] (certified)
  limit,     ///< as limit_variable -> limit_point: sides[0] -> sides[1]
};

struct statement {
  statement_kind k = statement_kind::relation;
  std::vector<node_ptr> sides;
  std::vector<std::string> ops;  ///< "=", "<=", ">=", "<", ">", "!="
  double ulps = 0;
  std::string limit_variable;
  node_ptr limit_point;  ///< may be the constant inf or -inf
};

statement parse_statement(std::string_view text, const parse_options& opt = {});

/// One `--where` clause.
struct where_clause {
  enum class kind {
    interval,    ///< name in [lo, hi] (open ends with ( ) ), or name in [lo, hi]^n: a vector
    set,         ///< name in {v1, v2, …}
    integers,    ///< name in lo..hi
    simplex,     ///< name in simplex^n: a probability vector (exact dyadic entries summing to 1)
    definition,  ///< name = body, or name(params) = body
    condition,   ///< body is a comparison: yhat != y, w x > 0
  };
  kind k = kind::condition;
  std::string name;
  node_ptr lo, hi;
  bool open_lo = false, open_hi = false;
  std::vector<node_ptr> values;
  node_ptr length;  ///< vector length (a number or an integer variable), null for a scalar
  std::vector<std::string> params;
  node_ptr body;
};

/// Parses one clause. `opt.variables` should hold the names declared by earlier clauses.
where_clause parse_where(std::string_view text, const parse_options& opt = {});

/// Splits a --where string at top-level ';' (commas belong to intervals and sets).
std::vector<std::string> split_clauses(std::string_view text);

}  // namespace gradaudit::formula
