#pragma once
/// \file evaluate.hpp
/// Evaluation of a formula tree at a point: in IEEE double operation by operation (what naive
/// code computes), or in balls (certified). Derivatives (d/dz, \frac{\partial L}{\partial w},
/// sigmoid'(x)) are evaluated by jets over the scalar, never by a rule a person derived, so
/// "d/dz F = G" compares the true derivative of F with G. The templates behind this live in one
/// translation unit (src/formula/evaluate.cpp), instantiated for double, ball, jet<ball> and
/// jet<jet<ball>> (derivatives nest at most twice).
///
/// Where a function leaves its domain the evaluation in balls says so with certainty
/// (`domain_violation`: log of 0, division by 0) or asks for more precision (`undecided`, when
/// the enclosure straddles the boundary).

#include "gradaudit/formula/ast.hpp"
#include "gradaudit/testing/ball.hpp"

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace gradaudit::formula {

/// The formula is certainly undefined at this point (log of a number <= 0, 1/0, …).
class domain_violation : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The formula cannot be evaluated at all: an undefined variable, a bad index, a vector where
/// a number is needed. Not about a point; reported before any case runs.
class eval_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The value of one drawn variable.
struct binding {
  std::string name;
  std::vector<double> values;  ///< one value for a scalar
  bool vector = false;
  bool integer = false;  ///< an integer variable (K in 2..10): usable as an index and a length
};
using point = std::vector<binding>;

/// A definition: `yhat = sigmoid(w x)` (no params) or `f(x) = 1/(1+e^{-x})`.
struct function_def {
  std::vector<std::string> params;
  node_ptr body;
};
using definitions = std::map<std::string, function_def, std::less<>>;

/// The value in balls at the working precision (one entry for a scalar).
std::vector<testing::ball> evaluate_ball(const node& n, const point& at, const definitions& defs);
/// The value in IEEE double, each operation rounded as naive code rounds it.
std::vector<double> evaluate_double(const node& n, const point& at, const definitions& defs);
/// Whether a condition (a comparison node) holds at the point, decided in balls; throws
/// `undecided` when the enclosures cannot decide it.
bool holds_at(const node& condition, const point& at, const definitions& defs);
/// Whether the value is a vector.
bool is_vector_valued(const node& n, const point& at, const definitions& defs);

}  // namespace gradaudit::formula
