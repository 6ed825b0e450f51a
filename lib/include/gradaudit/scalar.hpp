#pragma once
/// \file scalar.hpp
/// The scalar types gradaudit computes in, and the error type it throws.
///
/// Every numerical function is a template on a `Real` scalar and is instantiated for
/// `float`, `double` (what is checked), `long double` (evaluated in its own precision; tests
/// use it as a third opinion) and `ref_t` (the 50-digit reference).

#include <boost/multiprecision/mpfr.hpp>

#include <cmath>
#include <concepts>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gradaudit {

/// The 50-significant-digit reference type (168-bit significand, correctly rounded
/// elementary functions, exponent range ±2^30).
///
/// Chosen over `cpp_bin_float_50` after measuring both on the reference sigmoid-gradient
/// kernel (exp, log1p, 3 arithmetic ops) on this 2-core machine: mpfr 2.6 µs per call,
/// cpp_bin_float 5.7 µs (2.2x slower). MPFR also rounds exp/log/log1p correctly, which
/// makes golden reference values straightforward (regression/generate_reference.cpp).
/// Expression templates are off so that `auto` never captures an unevaluated expression.
using ref_t = boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<50>,
                                            boost::multiprecision::et_off>;

/// A scalar gradaudit can compute in: the IEEE binary types or the reference type.
template <class T>
concept Real = std::floating_point<T> || std::same_as<T, ref_t>;

/// Thrown when an argument is outside the domain of a function. The message names the
/// function, the argument and its value, e.g. `bce: yhat = 1.5 is outside [0, 1]`.
class domain_error : public std::domain_error {
 public:
  using std::domain_error::domain_error;
};

namespace detail {

/// The type in which the generic (non-`double`) formulas are evaluated: `double` for `float`
/// results that have no dedicated kernel, and the type itself otherwise (long double and the
/// reference type evaluate their own stable formulas). `double` and `float` results of the
/// element-wise functions come from the double-double kernels of detail/logistic.hpp, which
/// need no wider hardware type: gradaudit assumes IEEE-754 binary64 `double` and nothing about
/// `long double`.
template <Real T>
struct working {
  using type = T;
};
template <>
struct working<float> {
  using type = double;
};
template <Real T>
using working_t = typename working<T>::type;

/// float and double go through the double-double kernels (float: the double result rounded
/// once more, within 0.5 + 2^-29 ULP of float before that rounding, so within 1 ULP).
template <class T>
concept binary_kernel_type = std::same_as<T, double> || std::same_as<T, float>;

template <Real T>
bool is_nan(const T& x) {
  using boost::multiprecision::isnan;
  using std::isnan;
  return isnan(x);
}

template <Real T>
bool is_inf(const T& x) {
  using boost::multiprecision::isinf;
  using std::isinf;
  return isinf(x);
}

/// Shortest text that reads back as the same value (for messages).
template <Real T>
std::string show(const T& x) {
  std::ostringstream os;
  if constexpr (std::same_as<T, ref_t>) {
    os.precision(std::numeric_limits<ref_t>::digits10);
  } else {
    os.precision(std::numeric_limits<T>::max_digits10);
  }
  os << x;
  return os.str();
}

/// Throws `domain_error` unless lo <= x <= hi; NaN passes (NaN in, NaN out).
template <Real T>
void check_closed_interval(std::string_view function, std::string_view argument, const T& x,
                           double lo, double hi) {
  if (is_nan(x) || (x >= T(lo) && x <= T(hi))) return;
  std::string msg(function);
  msg += ": ";
  msg += argument;
  msg += " = ";
  msg += show(x);
  msg += " is outside [" + show(lo) + ", " + show(hi) + "]";
  throw domain_error(msg);
}

}  // namespace detail
}  // namespace gradaudit
