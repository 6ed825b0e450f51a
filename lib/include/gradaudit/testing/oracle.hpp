#pragma once
/// \file oracle.hpp
/// The derivative oracle: central differences of a function's *values*, evaluated in `ref_t`,
/// with an explicit bound on their error. It knows no closed-form derivative; it uses bounds
/// on |f'| and |f'''| over the difference interval (global facts such as |σ'''| <= σ'), so it
/// can arbitrate between a closed form and a claim about it.
///
/// For f evaluated with absolute error at most E at x ± h:
///     |D(h) - f'(x)| <= M3·h²/6  +  E/h  +  2u·|D(h)|
/// (truncation from Taylor's theorem with the Lagrange remainder, M3 = max |f'''| on
/// [x-h, x+h]; rounding of the two values; the subtraction and the division by 2h, which is
/// exact for h a power of two, leave one rounding each). h is the power of two nearest
/// (3E/M3)^(1/3), the minimiser of the first two terms, kept inside the function's domain.

#include "gradaudit/output_layer.hpp"
#include "gradaudit/scalar.hpp"

#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace gradaudit::testing {

/// A derivative estimate D and a bound B with |D - f'(x)| <= B.
struct derivative_estimate {
  ref_t value;
  ref_t bound;
  ref_t h;

  /// Decimal digits certified: -log10(B/|D|), capped at 50; 0 when B >= |D|.
  double digits() const;

  /// True when `claimed` (itself known to within `claimed_error`) can equal f'(x), i.e.
  /// |claimed - D| <= B + claimed_error. False is a proof that claimed != f'(x).
  bool admits(const ref_t& claimed, const ref_t& claimed_error) const;
};

/// The scalar functions of one variable z whose derivative the oracle can estimate:
/// the heads σ(z) and z, and L(z) = loss(head(z), y) for the article's four output layers
/// (with the linear head, L(z) is the loss as a function of ŷ = z).
struct scalar_function {
  enum class kind { sigmoid, linear, mse_sigmoid, mse_linear, bce_sigmoid, bce_linear };
  kind k;
  ref_t y = 0;  ///< the target (unused for the heads)
  /// Evaluate the sigmoid kinds through σ(-z), the small one when z > 0 (set by the oracle
  /// from the sign of the point). `value` may then differ from f by a constant (σ(z) - 1, or
  /// (σ - y)² - (1 - y)²), which leaves the derivative unchanged and keeps the values'
  /// absolute error proportional to the derivative in both tails.
  bool upper = false;

  static scalar_function of(output_layer c, const ref_t& y);

  /// f(z), up to a constant, in ref_t (domain_error for BCE·linear outside [0, 1]).
  ref_t value(const ref_t& z) const;
  /// Bound on the absolute error of `value(z)` as computed (beyond the error in z).
  ref_t value_error(const ref_t& z) const;
  /// Bounds on |f'| and |f'''| over [lo, hi].
  ref_t max_abs_d1(const ref_t& lo, const ref_t& hi) const;
  ref_t max_abs_d3(const ref_t& lo, const ref_t& hi) const;
  /// Half-width of the largest interval around z inside the domain (+inf if unbounded).
  ref_t domain_radius(const ref_t& z) const;
};

/// d/dz f(z) at z (a double, or a ref_t such as a 50-digit ŷ).
derivative_estimate derivative(const scalar_function& f, const ref_t& z);

/// Any function of one variable, for losses beyond the article's four (Poisson, softmax, …).
/// The caller supplies what the oracle cannot know — and owes their proofs, in a comment:
/// the value in ref_t with a bound on its absolute error, bounds on |f'| and |f'''| over an
/// interval, and the open domain (lo, hi).
struct smooth_function {
  std::function<ref_t(const ref_t&)> value;
  std::function<ref_t(const ref_t&)> value_error;
  std::function<ref_t(const ref_t&, const ref_t&)> max_abs_d1, max_abs_d3;
  ref_t lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
};

/// d/dz f(z) at z by the same central difference and error bound as for scalar_function.
/// Throws std::invalid_argument if a member is missing or z is not inside (lo, hi).
derivative_estimate derivative(const smooth_function& f, const ref_t& z);

/// ∂L/∂w_i for L(w) = loss(head(w·x), y), each component by a central difference in w_i.
/// Throws std::invalid_argument if w and x differ in length, domain_error if BCE·linear is
/// asked for at w·x outside (0, 1).
std::vector<derivative_estimate> weight_gradient(output_layer c, std::span<const double> w,
                                                 std::span<const double> x, double y);

/// ∂f(w·x)/∂w_i for any scalar_function f (e.g. ∂ŷ/∂w for a head).
std::vector<derivative_estimate> weight_gradient(const scalar_function& f,
                                                 std::span<const double> w,
                                                 std::span<const double> x);

/// Forward error bound for a straight-line formula of `ops` correctly rounded operations
/// whose intermediate magnitudes are bounded by `magnitude`: ops·u·magnitude (Higham,
/// Accuracy and Stability of Numerical Algorithms, §3.1, to first order in u = 2^-168).
ref_t formula_error(int ops, const ref_t& magnitude);

}  // namespace gradaudit::testing
