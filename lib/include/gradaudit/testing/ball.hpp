#pragma once
/// \file ball.hpp
/// `ball`: a real number known to lie in [mid - rad, mid + rad], computed with Arb
/// (Debian `libflint-arb-dev`). Every operation widens the ball soundly, so whatever a ball
/// says is a proof: two disjoint balls are two different numbers.
///
/// The working precision (bits of the midpoints) is per thread: `precision_scope` sets it,
/// and the certified engine (certify.hpp) raises it until an answer is certain. Exponents are
/// unbounded: e^745, e^-745 and their products never overflow or underflow.
///
/// Why Arb and not MPFI: balls carry a cheap radius (one 30-bit float) beside the midpoint,
/// so an operation costs about one MPFR operation instead of two (MPFI rounds both ends);
/// exponents are arbitrary, so the subnormal range of double and e^{±745} need no rescaling;
/// and the same C library gives the series arithmetic a jet needs (bench/bench_certify.cpp
/// measures the operations; figures in bench/README.md).
///
/// Comparisons that the balls cannot decide (they overlap) throw `undecided`; the engine takes
/// that as "more precision needed", never as false.

#include "gradaudit/scalar.hpp"

#include <arb.h>

#include <stdexcept>
#include <string>

namespace gradaudit::testing {

/// A comparison or branch that the enclosures cannot decide at this precision.
class undecided : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bits of the midpoints of new balls on this thread (default 128).
long working_precision();

/// Sets the working precision for its lifetime, then restores the previous one.
class precision_scope {
 public:
  explicit precision_scope(long bits);
  ~precision_scope();
  precision_scope(const precision_scope&) = delete;
  precision_scope& operator=(const precision_scope&) = delete;

 private:
  long saved_;
};

class ball {
 public:
  ball() { arb_init(v_); }
  ball(double x) {
    arb_init(v_);
    arb_set_d(v_, x);
  }  // exact (NaN gives an indeterminate ball)
  ball(int x) {
    arb_init(v_);
    arb_set_si(v_, x);
  }                               // exact
  explicit ball(const ref_t& x);  // exact
  /// The exact rational p/q rounded to the working precision (an enclosure of p/q).
  static ball ratio(long p, long q);
  /// The enclosure [lo, hi] of a real known only to lie between two doubles.
  static ball between(double lo, double hi);
  ball(const ball& o) {
    arb_init(v_);
    arb_set(v_, o.v_);
  }
  ball(ball&& o) noexcept {
    arb_init(v_);
    arb_swap(v_, o.v_);
  }
  ball& operator=(const ball& o) {
    arb_set(v_, o.v_);
    return *this;
  }
  ball& operator=(ball&& o) noexcept {
    arb_swap(v_, o.v_);
    return *this;
  }
  ~ball() { arb_clear(v_); }

  arb_ptr raw() { return v_; }
  arb_srcptr raw() const { return v_; }

  /// Relative accuracy in decimal digits: -log10(rad/|mid|); +inf for an exact ball, 0 for
  /// a ball that contains 0 but is not exactly 0, and -inf for a non-finite ball.
  double digits() const;
  bool exact() const { return arb_is_exact(v_) != 0; }
  bool finite() const { return arb_is_finite(v_) != 0; }
  bool contains_zero() const { return arb_contains_zero(v_) != 0; }
  bool is_zero() const { return arb_is_zero(v_) != 0; }
  /// The midpoint rounded to ref_t (50 digits).
  ref_t mid() const;
  /// The midpoint rounded to the nearest double.
  double mid_double() const;
  /// The ball shown with the digits it certifies (at most `max_digits`), e.g.
  /// "0.19661193324148185" or "[1.00 +/- 3e-35]" when few are certain.
  std::string str(int max_digits = 50) const;

  ball& operator+=(const ball& o);
  ball& operator-=(const ball& o);
  ball& operator*=(const ball& o);
  ball& operator/=(const ball& o);

 private:
  arb_t v_;
};

ball operator-(const ball& x);
ball operator+(const ball& a, const ball& b);
ball operator-(const ball& a, const ball& b);
ball operator*(const ball& a, const ball& b);
ball operator/(const ball& a, const ball& b);

/// True when the balls share a point (they may be the same number).
bool overlaps(const ball& a, const ball& b);
/// Decimal digits by which two disjoint balls are apart: -log10(gap / max(|a|, |b|)).
double digits_apart(const ball& a, const ball& b);

/// Certain comparisons: throw `undecided` when the balls overlap (or are not finite).
bool operator<(const ball& a, const ball& b);
bool operator>(const ball& a, const ball& b);
bool operator<=(const ball& a, const ball& b);
bool operator>=(const ball& a, const ball& b);
/// Equal only when both are the same exact number; unequal when disjoint; else undecided.
bool operator==(const ball& a, const ball& b);

ball exp(const ball& x);
ball expm1(const ball& x);
ball log(const ball& x);    ///< indeterminate for a ball reaching <= 0
ball log1p(const ball& x);  ///< indeterminate for a ball reaching <= -1
ball sqrt(const ball& x);
ball tanh(const ball& x);
ball abs(const ball& x);  ///< exact enclosure of |x| (no branch, no undecided)
ball pow(const ball& x, int n);
ball pow(const ball& x, const ball& y);  ///< x > 0
ball min(const ball& a, const ball& b);
ball max(const ball& a, const ball& b);

}  // namespace gradaudit::testing
