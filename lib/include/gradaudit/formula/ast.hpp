#pragma once
/// \file ast.hpp
/// The expression tree of the formula language. Both syntaxes (plain `d/dz softplus(z)` and the
/// LaTeX articles use, `\frac{\partial}{\partial z} \log(1+e^{z})`) parse to this one tree, so a
/// claim means the same whichever way it is written; `to_string` prints it in a canonical
/// prefix form, which is how tests check that two spellings agree.
///
/// Numbers are kept as exact rationals (0.1 is 1/10, not the double nearest it) so that the
/// certified evaluation sees the number the author wrote.

#include <memory>
#include <string>
#include <vector>

namespace gradaudit::formula {

struct node;
using node_ptr = std::shared_ptr<const node>;

/// What a node is.
enum class kind {
  number,    ///< num/den, exact
  constant,  ///< e, pi
  variable,  ///< a name: a drawn variable, a definition or a sum's index
  index,     ///< args[0] (a vector variable) at the 1-based position args[1]: w_i, z_{k+1}
  negate,    ///< -args[0]
  add,
  sub,
  mul,
  div,
  pow,
  call,        ///< name(args…), with `sub` for softmax_i(z); `order` primes: sigmoid'(x)
  derivative,  ///< d^order/d name^order args[0] (name: the variable, possibly a vector)
  sum,         ///< Σ_{name = args[0]}^{args[1]} args[2]
  compare,     ///< args[0] op args[1], op one of < <= > >= = !=
};

struct node {
  kind k = kind::number;
  std::string name;            ///< variable, function, derivative variable, sum index, constant
  long long num = 0, den = 1;  ///< number
  std::string op;              ///< comparison operator
  int order = 0;               ///< derivative order, or primes on a call
  std::vector<node_ptr> args;
  node_ptr sub;    ///< the subscript of a call (softmax_i), or null
  int column = 0;  ///< 1-based column where the node starts (for messages)
};

/// The tree in canonical prefix form: "(mul 2 (sub y yhat))". Equal strings, equal meaning.
std::string to_string(const node& n);

/// Names of the variables an expression reads (not the index variables of its sums, not
/// function names), in order of first appearance.
std::vector<std::string> free_variables(const node& n);

namespace detail {
/// Builders used by the parser and by tests.
node_ptr make_number(long long num, long long den, int column = 0);
node_ptr make_variable(std::string name, int column = 0);
node_ptr make(kind k, std::vector<node_ptr> args, int column = 0, std::string name = {});
}  // namespace detail

}  // namespace gradaudit::formula
