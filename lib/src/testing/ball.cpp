#include "gradaudit/testing/ball.hpp"

#include "gradaudit/testing/ulp.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace gradaudit::testing {
namespace {

thread_local long precision_bits = 128;

/// Frees FLINT's and Arb's caches (Arb's exp and log reduction tables, its constants) when the
/// program exits: they live as long as the process, and memcheck reported them as "possibly
/// lost" after an audit (ci/valgrind). The audit computes on one thread; flint_cleanup frees
/// the calling thread's caches, here the exiting main thread's.
struct flint_caches {
  ~flint_caches() { flint_cleanup(); }
};
const flint_caches free_flint_caches_at_exit;

/// Runs an Arb operation into a fresh ball at the working precision.
template <class Op>
ball make(Op op) {
  ball r;
  op(r.raw(), precision_bits);
  return r;
}

std::string take(char* s) {
  std::string out(s);
  flint_free(s);
  return out;
}

}  // namespace

long working_precision() { return precision_bits; }

precision_scope::precision_scope(long bits) : saved_(precision_bits) { precision_bits = bits; }
precision_scope::~precision_scope() { precision_bits = saved_; }

ball::ball(const ref_t& x) {
  arb_init(v_);
  arf_set_mpfr(arb_midref(v_), x.backend().data());  // exact: an arf holds any mpfr value
  mag_zero(arb_radref(v_));
}

ball ball::ratio(long p, long q) {
  return make([&](arb_ptr r, long prec) {
    arb_set_si(r, p);
    arb_div_si(r, r, q, prec);
  });
}

ball ball::between(double lo, double hi) {
  ball r;
  arf_t a, b;
  arf_init(a);
  arf_init(b);
  arf_set_d(a, lo);
  arf_set_d(b, hi);
  arb_set_interval_arf(r.raw(), a, b, precision_bits);
  arf_clear(a);
  arf_clear(b);
  return r;
}

double ball::digits() const {
  if (!arb_is_finite(v_)) return -std::numeric_limits<double>::infinity();
  if (arb_is_exact(v_)) return std::numeric_limits<double>::infinity();
  if (arb_contains_zero(v_)) return 0;
  // rel_accuracy_bits is -log2(rad/|mid|) rounded; a bit of it is 0.30103 digits.
  return std::max(0.0, static_cast<double>(arb_rel_accuracy_bits(v_)) * 0.30102999566398120);
}

ref_t ball::mid() const {
  ref_t r;
  arf_get_mpfr(r.backend().data(), arb_midref(v_), MPFR_RNDN);
  return r;
}

double ball::mid_double() const { return arf_get_d(arb_midref(v_), ARF_RND_NEAR); }

std::string ball::str(int max_digits) const {
  if (!arb_is_finite(v_)) return take(arb_get_str(v_, 5, 0));
  if (arb_is_exact(v_) || digits() >= max_digits) return to_digits(mid(), max_digits);
  const double d = digits();
  if (d >= 3) return to_digits(mid(), static_cast<int>(d));
  return take(arb_get_str(v_, 3, 0));  // "[1.00 +/- 3.00e-35]": the radius says how little
}

ball& ball::operator+=(const ball& o) {
  arb_add(v_, v_, o.v_, precision_bits);
  return *this;
}
ball& ball::operator-=(const ball& o) {
  arb_sub(v_, v_, o.v_, precision_bits);
  return *this;
}
ball& ball::operator*=(const ball& o) {
  arb_mul(v_, v_, o.v_, precision_bits);
  return *this;
}
ball& ball::operator/=(const ball& o) {
  arb_div(v_, v_, o.v_, precision_bits);
  return *this;
}

ball operator-(const ball& x) {
  return make([&](arb_ptr r, long) { arb_neg(r, x.raw()); });
}
ball operator+(const ball& a, const ball& b) {
  return make([&](arb_ptr r, long p) { arb_add(r, a.raw(), b.raw(), p); });
}
ball operator-(const ball& a, const ball& b) {
  return make([&](arb_ptr r, long p) { arb_sub(r, a.raw(), b.raw(), p); });
}
ball operator*(const ball& a, const ball& b) {
  return make([&](arb_ptr r, long p) { arb_mul(r, a.raw(), b.raw(), p); });
}
ball operator/(const ball& a, const ball& b) {
  return make([&](arb_ptr r, long p) { arb_div(r, a.raw(), b.raw(), p); });
}

bool overlaps(const ball& a, const ball& b) { return arb_overlaps(a.raw(), b.raw()) != 0; }

double digits_apart(const ball& a, const ball& b) {
  // gap = |mid_a - mid_b| - rad_a - rad_b > 0, bounded below at a low precision.
  precision_scope p(64);
  ball d = abs(a - b);
  arf_t gap, scale;
  arf_init(gap);
  arf_init(scale);
  arb_get_lbound_arf(gap, d.raw(), 64);
  const ball m = max(abs(a), abs(b));
  arb_get_ubound_arf(scale, m.raw(), 64);
  double out = std::numeric_limits<double>::infinity();
  if (arf_sgn(gap) > 0 && arf_sgn(scale) > 0) {
    arf_div(gap, gap, scale, 64, ARF_RND_DOWN);
    const double g = arf_get_d(gap, ARF_RND_DOWN);
    out = g > 0 ? std::max(0.0, -std::log10(g)) : std::numeric_limits<double>::infinity();
  }
  arf_clear(gap);
  arf_clear(scale);
  return out;
}

namespace {
[[noreturn]] void not_decided(const ball& a, const ball& b, const char* op) {
  throw undecided("cannot decide " + a.str(6) + " " + op + " " + b.str(6) + " at " +
                  std::to_string(precision_bits) + " bits");
}
}  // namespace

bool operator<(const ball& a, const ball& b) {
  if (arb_lt(a.raw(), b.raw())) return true;
  if (arb_ge(a.raw(), b.raw())) return false;
  not_decided(a, b, "<");
}
bool operator>(const ball& a, const ball& b) { return b < a; }
bool operator<=(const ball& a, const ball& b) {
  if (arb_le(a.raw(), b.raw())) return true;
  if (arb_gt(a.raw(), b.raw())) return false;
  not_decided(a, b, "<=");
}
bool operator>=(const ball& a, const ball& b) { return b <= a; }
bool operator==(const ball& a, const ball& b) {
  if (a.exact() && b.exact() && arb_equal(a.raw(), b.raw())) return true;
  if (!overlaps(a, b)) return false;
  not_decided(a, b, "==");
}

ball exp(const ball& x) {
  return make([&](arb_ptr r, long p) { arb_exp(r, x.raw(), p); });
}
ball expm1(const ball& x) {
  return make([&](arb_ptr r, long p) { arb_expm1(r, x.raw(), p); });
}
ball log(const ball& x) {
  return make([&](arb_ptr r, long p) { arb_log(r, x.raw(), p); });
}
ball log1p(const ball& x) {
  return make([&](arb_ptr r, long p) { arb_log1p(r, x.raw(), p); });
}
ball sqrt(const ball& x) {
  return make([&](arb_ptr r, long p) { arb_sqrt(r, x.raw(), p); });
}
ball tanh(const ball& x) {
  return make([&](arb_ptr r, long p) { arb_tanh(r, x.raw(), p); });
}
ball abs(const ball& x) {
  return make([&](arb_ptr r, long) { arb_abs(r, x.raw()); });
}
ball pow(const ball& x, int n) {
  if (n < 0) return ball(1) / pow(x, -n);
  return make([&](arb_ptr r, long p) { arb_pow_ui(r, x.raw(), static_cast<ulong>(n), p); });
}
ball pow(const ball& x, const ball& y) {
  return make([&](arb_ptr r, long p) { arb_pow(r, x.raw(), y.raw(), p); });
}
ball min(const ball& a, const ball& b) {
  return make([&](arb_ptr r, long p) { arb_min(r, a.raw(), b.raw(), p); });
}
ball max(const ball& a, const ball& b) {
  return make([&](arb_ptr r, long p) { arb_max(r, a.raw(), b.raw(), p); });
}

}  // namespace gradaudit::testing
