#pragma once
/// \file ulp.hpp
/// Distance in units in the last place between a computed binary value and an exact
/// (reference) value, and printing of reference values.

#include "gradaudit/scalar.hpp"

#include <cmath>
#include <concepts>
#include <limits>
#include <string>

namespace gradaudit::testing {

/// The unit roundoff of `ref_t`: 2^-168 (a correctly rounded operation errs by at most this
/// relative amount).
inline ref_t ref_unit_roundoff() { return ldexp(ref_t(1), -std::numeric_limits<ref_t>::digits); }

/// The spacing of T-values at the magnitude of `exact`: 2^(e - p + 1) for |exact| in
/// [2^e, 2^(e+1)), clamped below at the subnormal spacing (2^-1074 for double) and above at
/// the spacing of the largest binade.
template <std::floating_point T>
ref_t ulp_of(const ref_t& exact) {
  using lim = std::numeric_limits<T>;
  const int p = lim::digits;
  const int min_e = lim::min_exponent - 1;  // exponent of the smallest normal (e.g. -1022)
  const int max_e = lim::max_exponent - 1;  // exponent of the largest binade (e.g. 1023)
  int e = min_e;
  if (exact != 0) {
    int ex = 0;
    (void)frexp(abs(exact), &ex);  // |exact| = f·2^ex, f ∈ [0.5, 1)
    e = ex - 1;
  }
  if (e < min_e) e = min_e;
  if (e > max_e) e = max_e;
  return ldexp(ref_t(1), e - p + 1);
}

/// |got - exact| / ulp(exact), in T's format.
/// NaN vs NaN and equal infinities are 0; a NaN or infinity against anything else is +inf,
/// except that an overflow to ±inf is 0 when the exact value rounds to it (|exact| >=
/// max + ulp/2) and 0.5 of a ULP beyond. Results above the largest double are +inf.
template <std::floating_point T>
double ulp_distance(T got, const ref_t& exact) {
  using lim = std::numeric_limits<T>;
  const bool exact_nan = gradaudit::detail::is_nan(exact);
  if (std::isnan(got) || exact_nan) return std::isnan(got) && exact_nan ? 0.0 : lim::infinity();
  if (gradaudit::detail::is_inf(exact)) {
    return (std::isinf(got) && (got > 0) == (exact > 0)) ? 0.0 : lim::infinity();
  }
  if (std::isinf(got)) {
    // Round-to-nearest overflows exactly when |exact| >= max + ulp(max)/2.
    const ref_t threshold = ref_t(lim::max()) + ulp_of<T>(ref_t(lim::max())) / 2;
    const bool rounds_to_inf = (got > 0) ? exact >= threshold : exact <= -threshold;
    return rounds_to_inf ? 0.0 : lim::infinity();
  }
  const ref_t d = abs(ref_t(got) - exact) / ulp_of<T>(exact);
  return d > ref_t(std::numeric_limits<double>::max()) ? std::numeric_limits<double>::infinity()
                                                       : static_cast<double>(d);
}

/// `x` printed to `digits` significant decimal digits in scientific notation.
inline std::string to_digits(const ref_t& x, int digits) {
  if (x == 0) return boost::multiprecision::signbit(x) ? "-0" : "0";
  return x.str(digits > 1 ? digits - 1 : 0, std::ios_base::scientific);  // digits after the point
}

/// The shortest decimal text that reads back as `x` ("0.1", "1e-300", "-inf", "nan").
std::string shortest(double x);

}  // namespace gradaudit::testing
