// The derivative oracle (see oracle.hpp for the error bound and its derivation).
#include "gradaudit/testing/oracle.hpp"

#include "gradaudit/testing/ulp.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace gradaudit::testing {
namespace {

using K = scalar_function::kind;

const ref_t& u() {
  static const ref_t value = ref_unit_roundoff();
  return value;
}

/// A bound computed in ref_t is itself rounded (a handful of operations); inflating it by
/// 64u keeps it an upper bound without changing any digit that matters.
ref_t up(const ref_t& b) { return b * (1 + 64 * u()); }

/// Largest power of two <= v (v > 0).
ref_t pow2_floor(const ref_t& v) {
  int e = 0;
  (void)frexp(v, &e);  // v = f·2^e, f ∈ [0.5, 1)
  return ldexp(ref_t(1), e - 1);
}

/// σ'(d) with d the point of [lo, hi] nearest 0: σ' is even and decreasing in |z|, so this
/// is max σ' over the interval; it also bounds |σ''| = σ'|1 - 2σ| and |σ'''| = σ'|1 - 6σ'|.
ref_t sigmoid_d1_max(const ref_t& lo, const ref_t& hi) {
  ref_t d = 0;
  if (lo > 0) d = lo;
  if (hi < 0) d = -hi;
  return up(detail::sigmoid_grad_kernel<ref_t>(d));
}

ref_t infinity() { return std::numeric_limits<ref_t>::infinity(); }

}  // namespace

double derivative_estimate::digits() const {
  if (value == 0 || bound >= abs(value)) return 0.0;
  if (bound == 0) return 50.0;
  const double d = static_cast<double>(-log10(bound / abs(value)));
  return std::min(d, 50.0);
}

bool derivative_estimate::admits(const ref_t& claimed, const ref_t& claimed_error) const {
  if (detail::is_nan(claimed)) return false;
  return abs(claimed - value) <= bound + claimed_error;
}

ref_t formula_error(int ops, const ref_t& magnitude) { return up(ops * u() * abs(magnitude)); }

scalar_function scalar_function::of(output_layer c, const ref_t& y) {
  if (c.loss == loss_kind::mse) return {c.head == head_kind::sigmoid ? K::mse_sigmoid : K::mse_linear, y};
  return {c.head == head_kind::sigmoid ? K::bce_sigmoid : K::bce_linear, y};
}

namespace {
/// The small sigmoid of the branch, σ(z) or σ(-z), and the constant c with (σ(z) - y)² =
/// (c - s)² on that branch: c = y, or 1 - y.
std::pair<ref_t, ref_t> small_sigmoid(const ref_t& z, const ref_t& y, bool upper) {
  return upper ? std::pair{detail::sigmoid_kernel<ref_t>(-z), 1 - y}
               : std::pair{detail::sigmoid_kernel<ref_t>(z), y};
}
}  // namespace

ref_t scalar_function::value(const ref_t& z) const {
  switch (k) {
    case K::sigmoid:
      return upper ? -detail::sigmoid_kernel<ref_t>(-z) : detail::sigmoid_kernel<ref_t>(z);
    case K::linear: return z;
    case K::mse_sigmoid: {  // (c - s)² - c² = s(s - 2c): no cancellation against c²
      const auto [s, c] = small_sigmoid(z, y, upper);
      return s * (s - 2 * c);
    }
    case K::mse_linear: return mse(z, y);
    case K::bce_sigmoid: return bce_with_logits(z, y);
    case K::bce_linear: return bce(z, y);
  }
  throw std::logic_error("scalar_function: unknown kind");
}

ref_t scalar_function::value_error(const ref_t& z) const {
  // Counted from the kernels in activation.hpp/loss.hpp, every operation correctly rounded:
  switch (k) {
    case K::sigmoid:  // exp, +, /: relative 3.5u
      return formula_error(4, value(z));
    case K::linear:
      return 0;
    case K::mse_sigmoid: {
      // s to 4u·s; c exact or one rounding (u|c|); s - 2c then errs by at most
      // 4us + 2u|c| + u(s + 2|c|); the product adds |s - 2c|·4us and one rounding:
      // in all <= 10u·s·(s + 2|c|).
      const auto [s, c] = small_sigmoid(z, y, upper);
      return up(10 * u() * s * (s + 2 * abs(c)));
    }
    case K::mse_linear: {  // (z - y)²: subtraction u, squaring 2u + u: 3u·(|z| + |y|)²
      const ref_t a = abs(z) + abs(y);
      return formula_error(3, a * a);
    }
    case K::bce_sigmoid:  // each softplus 3u relative, ×coefficient, + of non-negatives: 6u
    case K::bce_linear:   // log/log1p 0.5u, ×coefficient, + of non-negatives: 3u
      return formula_error(8, value(z));
  }
  throw std::logic_error("scalar_function: unknown kind");
}

namespace {
/// max |σ(z) - y| over [lo, hi]: σ - y is monotone, so the larger end value; each formed
/// through the small sigmoid (|c - s|) so that it stays relative-accurate when σ ≈ y, with
/// its own error added (s: 4u·s, c: u|c|, the difference: u).
ref_t sigmoid_minus_y_max(const ref_t& lo, const ref_t& hi, const ref_t& y) {
  auto at = [&](const ref_t& z) {
    const auto [s, c] = small_sigmoid(z, y, z > 0);
    const ref_t d = abs(c - s);
    return d + 4 * u() * s + u() * abs(c) + u() * d;
  };
  return up(std::max(at(lo), at(hi)));
}
}  // namespace

ref_t scalar_function::max_abs_d1(const ref_t& lo, const ref_t& hi) const {
  const bool sig = k == K::mse_sigmoid || k == K::bce_sigmoid;
  const ref_t a = sig ? sigmoid_minus_y_max(lo, hi, y) : ref_t(0);  // max |σ - y|
  switch (k) {
    case K::sigmoid: return sigmoid_d1_max(lo, hi);
    case K::linear: return 1;
    case K::mse_sigmoid: return up(2 * a * sigmoid_d1_max(lo, hi));  // 2(σ - y)σ'
    case K::mse_linear: return up(2 * std::max(abs(lo - y), abs(hi - y)));  // 2(z - y)
    case K::bce_sigmoid: return up(a);  // σ - y
    case K::bce_linear:  // -y/z + (1-y)/(1-z)
      if (lo <= 0 || hi >= 1) return infinity();
      return up(abs(y) / lo + abs(1 - y) / (1 - hi));
  }
  throw std::logic_error("scalar_function: unknown kind");
}

ref_t scalar_function::max_abs_d3(const ref_t& lo, const ref_t& hi) const {
  const ref_t a = k == K::mse_sigmoid ? sigmoid_minus_y_max(lo, hi, y) : ref_t(0);
  switch (k) {
    case K::sigmoid: return sigmoid_d1_max(lo, hi);  // σ''' = σ'(1 - 6σ'), |1 - 6σ'| <= 1
    case K::linear: return 0;
    case K::mse_sigmoid: {  // 6σ'σ'' + 2(σ - y)σ''' with |σ''|, |σ'''| <= σ'
      const ref_t s = sigmoid_d1_max(lo, hi);
      return up(6 * s * s + 2 * a * s);
    }
    case K::mse_linear: return 0;  // a quadratic
    case K::bce_sigmoid: return sigmoid_d1_max(lo, hi);  // (σ - y)'' = σ''
    case K::bce_linear:  // -2y/z³ + 2(1-y)/(1-z)³
      if (lo <= 0 || hi >= 1) return infinity();
      return up(2 * abs(y) / (lo * lo * lo) + 2 * abs(1 - y) / ((1 - hi) * (1 - hi) * (1 - hi)));
  }
  throw std::logic_error("scalar_function: unknown kind");
}

ref_t scalar_function::domain_radius(const ref_t& z) const {
  if (k != K::bce_linear) return infinity();
  if (!(z > 0 && z < 1))
    throw domain_error("oracle: BCE·linear needs yhat = w·x in (0, 1) for a two-sided difference, got " +
                       detail::show(z));
  return std::min(z, 1 - z);
}

namespace {

/// d/dt f(z(t)) at t = 0 where z(t) = z0 + t·xi is computed as `z_at(t)` with absolute error
/// at most `z_err(h)` for |t| <= h.
template <class F, class ZAt, class ZErr>
derivative_estimate estimate(F f, const ref_t& z0, const ref_t& xi,
                             const ref_t& scale, ZAt z_at, ZErr z_err) {
  const ref_t axi = abs(xi);
  const ref_t radius = f.domain_radius(z0);
  f.upper = z0 > 0;
  // First guess of E and M3 at the point itself, to place h.
  const ref_t e0 = f.value_error(z0) + f.max_abs_d1(z0, z0) * z_err(ref_t(0));
  const ref_t m3_0 = f.max_abs_d3(z0, z0) * axi * axi * axi;
  ref_t h;
  if (axi == 0) {
    h = pow2_floor(std::max(ref_t(1), scale));
  } else if (m3_0 == 0) {
    h = pow2_floor(std::max(ref_t(1), scale));
  } else {
    // (an exact f has e0 = 0: the floor keeps h positive, near 2^-112 relative)
    h = pow2_floor(cbrt(3 * std::max(e0, u() * u() * m3_0) / m3_0));
  }
  if (axi != 0 && !detail::is_inf(radius)) {
    while (h * axi + z_err(h) >= radius / 2) h /= 2;
  }
  const ref_t zp = z_at(h), zm = z_at(-h);
  const ref_t fp = f.value(zp), fm = f.value(zm);
  const ref_t d = (fp - fm) / (2 * h);
  // The exact z(±h) lie within z_err(h) of the computed ones; the bounds hold over the hull.
  const ref_t reach = h * axi + z_err(h);
  const ref_t lo = z0 - reach, hi = z0 + reach;
  const ref_t m1 = f.max_abs_d1(lo, hi);
  const ref_t m3 = f.max_abs_d3(lo, hi) * axi * axi * axi;
  const ref_t e = std::max(f.value_error(zp), f.value_error(zm)) + m1 * z_err(h);
  const ref_t bound = up(m3 * h * h / 6 + e / h + 2 * u() * abs(d));
  return {d, bound, h};
}

/// A smooth_function seen through scalar_function's interface.
struct smooth_adapter {
  const smooth_function* f;
  bool upper = false;  // unused: the caller's value is taken as it is
  ref_t value(const ref_t& z) const { return f->value(z); }
  ref_t value_error(const ref_t& z) const { return f->value_error(z); }
  ref_t max_abs_d1(const ref_t& lo, const ref_t& hi) const { return f->max_abs_d1(lo, hi); }
  ref_t max_abs_d3(const ref_t& lo, const ref_t& hi) const { return f->max_abs_d3(lo, hi); }
  ref_t domain_radius(const ref_t& z) const { return std::min(z - f->lo, f->hi - z); }
};

}  // namespace

derivative_estimate derivative(const smooth_function& f, const ref_t& z) {
  if (!f.value || !f.value_error || !f.max_abs_d1 || !f.max_abs_d3)
    throw std::invalid_argument("derivative: the smooth_function lacks a value, error or derivative bound");
  if (!(z > f.lo && z < f.hi))
    throw std::invalid_argument("derivative: z = " + z.str(20) + " is not inside the domain (" + f.lo.str(20) + ", " +
                                f.hi.str(20) + ")");
  const ref_t z0 = z;
  auto z_at = [&](const ref_t& t) { return z0 + t; };
  auto z_err = [&](const ref_t& h) { return up(u() * (abs(z0) + h)); };
  return estimate(smooth_adapter{&f}, z0, ref_t(1), abs(z0), z_at, z_err);
}

derivative_estimate derivative(const scalar_function& f, const ref_t& z) {
  const ref_t z0 = z;
  // z ± h is one rounding: error u·(|z| + h).
  auto z_at = [&](const ref_t& t) { return z0 + t; };
  auto z_err = [&](const ref_t& h) { return up(u() * (abs(z0) + h)); };
  return estimate(f, z0, ref_t(1), abs(z0), z_at, z_err);
}

std::vector<derivative_estimate> weight_gradient(output_layer c, std::span<const double> w,
                                                 std::span<const double> x, double y) {
  return weight_gradient(scalar_function::of(c, ref_t(y)), w, x);
}

std::vector<derivative_estimate> weight_gradient(const scalar_function& f,
                                                 std::span<const double> w,
                                                 std::span<const double> x) {
  if (w.size() != x.size())
    throw std::invalid_argument("weight_gradient: w has " + std::to_string(w.size()) +
                                " entries but x has " + std::to_string(x.size()));
  const std::size_t n = w.size();
  ref_t s = 0;  // Σ|w_j x_j|
  ref_t z0 = 0;
  for (std::size_t j = 0; j < n; ++j) {
    z0 += ref_t(w[j]) * ref_t(x[j]);
    s += abs(ref_t(w[j]) * ref_t(x[j]));
  }
  std::vector<derivative_estimate> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    // z(t) = Σ_j w_j x_j with w_i replaced by w_i + t, recomputed from scratch: n products
    // and n - 1 sums after one rounding of w_i + t, each correctly rounded, so
    // |error| <= (n + 2)·u·(Σ|w_j x_j| + |t x_i|) to first order.
    auto z_at = [&](const ref_t& t) {
      ref_t z = 0;
      for (std::size_t j = 0; j < n; ++j) z += (j == i ? ref_t(w[j]) + t : ref_t(w[j])) * ref_t(x[j]);
      return z;
    };
    auto z_err = [&](const ref_t& h) {
      return up((n + 2) * u() * (s + h * abs(ref_t(x[i]))));
    };
    out.push_back(estimate(f, z0, ref_t(x[i]), abs(ref_t(w[i])), z_at, z_err));
  }
  return out;
}

}  // namespace gradaudit::testing
