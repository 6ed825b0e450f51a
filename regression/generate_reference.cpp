/// \file generate_reference.cpp
/// gradaudit_generate_reference: writes the golden tables regression/data/*.csv.
///
/// Run by hand, not by the build:
///
///     build/regression/gradaudit_generate_reference [output-dir]   # default: regression/data
///
/// and commit the CSV files it writes. The output is deterministic (fixed inputs, fixed
/// sampling seeds), so re-running it on an unchanged tree reproduces the files byte for byte.
///
/// Independence from the library. Nothing here calls lib/'s kernels. Each value is the plain
/// textbook formula evaluated in mpfr_float_100 (boost::multiprecision::number<
/// mpfr_float_backend<100>, et_off>: 334-bit significand, unit roundoff u100 = 2^-333 ~ 5.7e-101),
/// about twice the precision of the reference type ref_t (168 bits) and five times that of the
/// long double the double path uses. Where a plain formula would lose more than ~45 of its 100
/// digits (cancellation, 1 + tiny, exp overflow) a *textbook* identity is substituted in that
/// region only; every such switch is documented next to the formula and in the CSV header.
///
/// Cross-check. Every value is recomputed from a *different* textbook identity in
/// mpfr_float_150 (u150 ~ 2^-500) and the two must agree to a relative 1e-55 (or both be 0/inf);
/// otherwise the program stops without writing anything. Agreement of two different formulas
/// at two precisions shows the 100-digit value is correct to far better than the 50 digits
/// stored (a wrong branch or a lost-digits region would show up as a disagreement).
///
/// Stored error. Values are written rounded to 50 significant digits, so a stored value v
/// differs from the exact f by |v - f| <= 5e-50·|f| (half a unit in the 50th digit) + the
/// 100-digit evaluation error (<= 1e-55·|f| by the cross-check). Exception: a value whose
/// magnitude is below MPFR's exponent range (|f| < 2^(emin-1), emin = 1 - 2^30, i.e.
/// |f| < 10^-323228496; e.g. sigmoid(-1e300)) is written as 0; regression/golden_test.cpp
/// allows for it with an absolute term.

#include "golden_csv.hpp"
#include "gradaudit/testing/generators.hpp"

#include <boost/multiprecision/mpfr.hpp>
#include <mpfr.h>

#include <algorithm>
#include <cfloat>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace bmp = boost::multiprecision;
using hp_t = bmp::number<bmp::mpfr_float_backend<100>, bmp::et_off>;  // the stored values
using xp_t = bmp::number<bmp::mpfr_float_backend<150>, bmp::et_off>;  // cross-check only

// ---------------------------------------------------------------------------------------------
// Primary formulas (evaluated in hp_t). F is a multiprecision type.
// ---------------------------------------------------------------------------------------------

/// log(1 + e^t), the textbook form, with the two regions where it cannot be used as written:
///  - t < -100: 1 + e^t would keep only 100 - 43 digits of e^t (e^-100 ~ 3.7e-44) and fewer
///    below; use the Maclaurin series log(1+e) = e - e²/2 + e³/3 - ..., truncated after e³
///    (relative truncation error <= e³/4 < 1e-130).
///  - e^t overflows MPFR (t > ~7.4e8): log(1 + e^t) = t + log(1 + e^-t).
/// For -100 <= t, rounding 1 + e^t costs a relative u100/e^t <= 2^-333·e^100 ~ 1.5e-57.
template <class F>
F softplus_textbook(const F& t) {
  if (t < -100) {
    const F e = exp(t);
    return e - e * e / 2 + e * e * e / 3;
  }
  const F e = exp(t);
  if (isinf(e)) return t + log(F(1) + exp(-t));
  return log(F(1) + e);
}

/// sigmoid(x) = 1/(1+exp(-x)). No cancellation anywhere (all terms positive): relative error
/// <= 3·u100. exp(-x) overflowing (x < ~-7.4e8) gives 0, the value being below MPFR's range.
template <class F>
F sigmoid_primary(const F& x) {
  return F(1) / (F(1) + exp(-x));
}

/// sigmoid'(x) = exp(-x)/(1+exp(-x))², applied at |x| (sigmoid' is even) so that exp(-x)
/// cannot overflow for x << 0 while the true value is still in range.
template <class F>
F sigmoid_grad_primary(const F& x) {
  const F e = exp(-abs(x));
  return e / ((F(1) + e) * (F(1) + e));
}

/// log sigmoid(x) = -log(1 + exp(-x)) = -softplus(-x) (see softplus_textbook for the regions).
template <class F>
F log_sigmoid_primary(const F& x) {
  return -softplus_textbook(-x);
}

/// tanh'(x) = 1 - tanh²(x) for |x| <= 50: tanh² ~ 1 - 4e^-2|x| there, so the subtraction
/// loses at most log10(e^100/4) ~ 43 of 100 digits. Beyond, 1/cosh²(x) (no cancellation;
/// cosh² overflowing means the value is below MPFR's range).
template <class F>
F tanh_grad_primary(const F& x) {
  if (abs(x) <= 50) {
    const F t = tanh(x);
    return F(1) - t * t;
  }
  const F c = cosh(x);
  return F(1) / (c * c);
}

/// bce_with_logits(z, y) = -(y log s + (1-y) log(1-s)), s = 1/(1+exp(-z)), a term whose
/// coefficient is 0 dropped. For |z| <= 100 this is used as written: 1 - s (z > 0) and
/// log s ~ -(1-s) (z > 0) lose at most log10(e^100) ~ 43 of 100 digits. Beyond, the
/// textbook form y·log(1+exp(-z)) + (1-y)·log(1+exp(z)) (softplus_textbook).
template <class F>
F bce_with_logits_primary(const F& z, const F& y) {
  F r = 0;
  if (abs(z) <= 100) {
    const F s = F(1) / (F(1) + exp(-z));
    if (y != 0) r -= y * log(s);
    if (y != 1) r -= (F(1) - y) * log(F(1) - s);
    return r;
  }
  if (y != 0) r += y * softplus_textbook(F(-z));
  if (y != 1) r += (F(1) - y) * softplus_textbook(z);
  return r;
}

/// bce_with_logits_grad(z, y) = s - y, s = 1/(1+exp(-z)), with two textbook substitutions:
///  - y = 1, z > 100: s - 1 = -1/(1+exp(z)) (1 - s would lose more than 43 digits);
///  - y = 1/2: s - 1/2 = tanh(z/2)/2 (for |z| tiny, 1 + exp(-z) rounds to 2 and s - 1/2 to 0).
/// Elsewhere the cancellation in s - y is that of the problem itself (s ~ y only for z near
/// logit(y), where for double z it costs ~17 digits); the cross-check bounds what is lost.
template <class F>
F bce_with_logits_grad_primary(const F& z, const F& y) {
  if (y == F(0.5)) return tanh(z / 2) / 2;
  if (y == 1 && z > 100) return -F(1) / (F(1) + exp(z));
  return F(1) / (F(1) + exp(-z)) - y;
}

/// log(1 - p) for a double p in [0, 1]: 1 - p is exact in 334 bits for p >= 2^-280; below
/// 2^-200 the series -(p + p²/2 + p³/3) (truncation <= p⁴/4, relative <= 2^-600).
template <class F>
F log1m_textbook(const F& p) {
  if (p < F(ldexp(1.0, -200))) return -(p + p * p / 2 + p * p * p / 3);
  return log(F(1) - p);
}

/// bce(yhat, y) = -(y log yhat + (1-y) log(1-yhat)), zero-coefficient terms dropped
/// (0·log 0 = 0); log(1-yhat) as log1m_textbook. bce(0, y>0) = bce(1, y<1) = +inf.
template <class F>
F bce_primary(const F& yhat, const F& y) {
  F r = 0;
  if (y != 0) r -= y * log(yhat);
  if (y != 1) r -= (F(1) - y) * log1m_textbook(yhat);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Alternative formulas for the cross-check (evaluated in xp_t): different identities, MPFR's
// log1p/expm1 instead of series, so that a wrong branch above cannot agree by accident.
// ---------------------------------------------------------------------------------------------

template <class F>
F softplus_alt(const F& t) {  // max(t, 0) + log1p(e^-|t|)
  return (t > 0 ? t : F(0)) + log1p(exp(-abs(t)));
}

template <class F>
F sigmoid_alt(const F& x) {  // (1 + tanh(x/2))/2 for x >= 0, e^x/(1+e^x) for x < 0
  if (x >= 0) return (F(1) + tanh(x / 2)) / 2;
  const F e = exp(x);
  return e / (F(1) + e);
}

template <class F>
F sigmoid_grad_alt(const F& x) {  // 1/(4 cosh²(x/2))
  const F c = cosh(x / 2);
  return F(1) / (4 * c * c);
}

template <class F>
F log_sigmoid_alt(const F& x) {  // x - log1p(e^x) for x <= 0, -log1p(e^-x) for x > 0
  if (x <= 0) return x - log1p(exp(x));
  return -log1p(exp(-x));
}

template <class F>
F tanh_grad_alt(const F& x) {  // 4e^-2|x| / (1 + e^-2|x|)²
  const F e = exp(-2 * abs(x));
  return 4 * e / ((F(1) + e) * (F(1) + e));
}

template <class F>
F bce_with_logits_alt(const F& z, const F& y) {
  F r = 0;
  if (y != 0) r += y * softplus_alt(F(-z));
  if (y != 1) r += (F(1) - y) * softplus_alt(z);
  return r;
}

template <class F>
F bce_with_logits_grad_alt(const F& z, const F& y) {
  if (y == 0) return sigmoid_alt(z);
  if (y == 1) return -sigmoid_alt(F(-z));
  // s - y = ((1-2y) - y·expm1(-z)) / (1+e^-z)       (z >= 0)
  //       = ((1-2y)·e^z + y·expm1(z)) / (1+e^z)      (z < 0)
  if (z >= 0) return ((F(1) - 2 * y) - y * expm1(-z)) / (F(1) + exp(-z));
  const F e = exp(z);
  return ((F(1) - 2 * y) * e + y * expm1(z)) / (F(1) + e);
}

template <class F>
F bce_alt(const F& yhat, const F& y) {
  F r = 0;
  if (y != 0) r -= y * log(yhat);
  if (y != 1) r -= (F(1) - y) * log1p(-yhat);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Output.
// ---------------------------------------------------------------------------------------------

std::string hex(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", x);
  return buf;
}

std::string decimal50(const hp_t& v) {
  if (isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return signbit(v) ? "-0" : "0";
  return v.str(49, std::ios_base::scientific);  // 1 + 49 = 50 significant digits, RNDN
}

/// Cross-check: the primary (100-digit) and alternative (150-digit) values agree to 1e-55
/// relative, or are both 0 / the same infinity, or are both below 2^(emin+64) (values at the
/// bottom of MPFR's exponent range, where one formula may underflow an intermediate first).
bool agree(const hp_t& a, const xp_t& b) {
  if (isnan(a) || isnan(b)) return false;
  if (isinf(a) || isinf(b)) return isinf(a) && isinf(b) && (a > 0) == (b > 0);
  const xp_t xa(a);
  const xp_t tiny = ldexp(xp_t(1), static_cast<int>(mpfr_get_emin()) + 64);
  if (abs(xa) < tiny && abs(b) < tiny) return true;
  return abs(xa - b) <= xp_t("1e-55") * abs(b);
}

struct section {
  std::string title;
  std::vector<std::vector<double>> inputs;
};

struct table_spec {
  std::string name;                  // file stem
  std::vector<std::string> columns;  // input column names
  std::vector<std::string> formula;  // comment lines describing the formula
  std::vector<section> sections;
  std::function<hp_t(const std::vector<hp_t>&)> primary;
  std::function<xp_t(const std::vector<xp_t>&)> alternative;
};

std::string bits_key(const std::vector<double>& in) {
  std::string k;
  for (double d : in) {
    std::uint64_t b;
    std::memcpy(&b, &d, sizeof b);
    k += std::to_string(b) + ",";
  }
  return k;
}

/// Builds the CSV text for one table; returns false (after printing why) on a failed check.
bool build_table(const table_spec& spec, std::string& out, std::size_t& rows) {
  std::ostringstream os;
  os << "# gradaudit golden data: " << spec.name << "\n";
  os << "# produced by gradaudit_generate_reference (regression/generate_reference.cpp); run by "
        "hand,\n";
  os << "# independently of lib/'s kernels. Do not edit: regenerate.\n";
  for (const auto& f : spec.formula) os << "# " << f << "\n";
  os << "# Evaluated in boost::multiprecision::mpfr_float_100 (334-bit significand); each value\n";
  os << "# cross-checked against a different identity in mpfr_float_150 (agreement <= 1e-55 "
        "relative).\n";
  os << "# Inputs: C99 hex floats (%a, exact doubles). value: rounded to 50 significant digits\n";
  os << "# (relative error <= 5e-50); 0 where |value| < 2^(emin-1) of MPFR (emin = 1 - 2^30).\n";
  for (std::size_t i = 0; i < spec.columns.size(); ++i) os << spec.columns[i] << ",";
  os << "value\n";
  std::set<std::string> seen;
  rows = 0;
  for (const auto& sec : spec.sections) {
    os << "# " << sec.title << "\n";
    for (const auto& in : sec.inputs) {
      if (std::any_of(in.begin(), in.end(), [](double d) { return std::isnan(d); })) continue;
      if (!seen.insert(bits_key(in)).second) continue;
      std::vector<hp_t> h;
      std::vector<xp_t> x;
      for (double d : in) {
        h.emplace_back(d);
        x.emplace_back(d);
      }
      const hp_t v = spec.primary(h);
      const xp_t w = spec.alternative(x);
      if (!agree(v, w)) {
        std::cerr << "cross-check FAILED for " << spec.name << "(";
        for (std::size_t i = 0; i < in.size(); ++i) std::cerr << (i ? ", " : "") << hex(in[i]);
        std::cerr << "):\n  primary     " << decimal50(v) << "\n  alternative "
                  << w.str(60, std::ios_base::scientific) << "\n";
        return false;
      }
      for (std::size_t i = 0; i < in.size(); ++i) os << hex(in[i]) << ",";
      os << decimal50(v) << "\n";
      ++rows;
    }
  }
  out = os.str();
  // The test's reader must accept what we write: parse it back and compare the inputs.
  const auto t = gradaudit::regression::parse_golden_csv(out, spec.name);
  if (t.rows.size() != rows) {
    std::cerr << spec.name << ": re-read " << t.rows.size() << " rows, wrote " << rows << "\n";
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Inputs.
// ---------------------------------------------------------------------------------------------

constexpr double kDenormMin = std::numeric_limits<double>::denorm_min();
constexpr double kMin = std::numeric_limits<double>::min();
constexpr double kMax = std::numeric_limits<double>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();

/// The sampling seeds (any change rewrites the sampled rows).
constexpr std::uint64_t kSeedActivation = 20240611;
constexpr std::uint64_t kSeedLogits = 20240612;
constexpr std::uint64_t kSeedBce = 20240613;

double nearest_double(const hp_t& v) { return static_cast<double>(v); }

/// x and its k neighbouring doubles on each side.
std::vector<double> around(double x, int k) {
  std::vector<double> out{x};
  double lo = x, hi = x;
  for (int i = 0; i < k; ++i) {
    lo = std::nextafter(lo, -kInf);
    hi = std::nextafter(hi, kInf);
    out.push_back(lo);
    out.push_back(hi);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<double> both_signs(const std::vector<double>& v) {
  std::vector<double> out;
  for (double x : v) {
    out.push_back(x);
    out.push_back(-x);
  }
  return out;
}

std::vector<std::vector<double>> rows1(const std::vector<double>& xs) {
  std::vector<std::vector<double>> out;
  for (double x : xs) out.push_back({x});
  return out;
}

std::vector<std::vector<double>> rows2(const std::vector<double>& as,
                                       const std::vector<double>& bs) {
  std::vector<std::vector<double>> out;
  for (double b : bs)
    for (double a : as) out.push_back({a, b});
  return out;
}

/// Hand-picked magnitudes for a real argument (used with both signs).
std::vector<double> edge_magnitudes() {
  return {0.0,
          kDenormMin,
          2 * kDenormMin,
          std::nextafter(kMin, 0.0),
          kMin,
          0x1p-53,
          0x1p-26,
          1e-8,
          0.5,
          1.0,
          2.0,
          3.0,
          5.0,
          10.0,
          20.0,
          30.0,
          36.7,
          37.0,
          40.0,
          100.0,
          700.0,
          709.78,
          709.79,
          710.0,
          745.0,
          746.0,
          750.0,
          1000.0,
          1e4,
          1e6,
          1e9,
          1e15,
          1e100,
          1e300,
          std::nextafter(kMax, 0.0),
          kMax,
          kInf};
}

/// Where the activations' outputs cross the double format's boundaries, each as the nearest
/// double and 2 neighbours each side (both signs are added by the caller):
///  - log(2^1022), log(2^1074), log(2^1075): sigmoid(-x), sigmoid'(x), -log_sigmoid(x) ~ e^-x
///    reach the smallest normal, the smallest subnormal, and half of it (rounds to 0);
///  - log(2^53 - 1), log(2^54 - 1): sigmoid(x) = 1 - 2^-53 (the double below 1) and
///    1 - 2^-54 (the tie between it and 1);
///  - (k+2)·log(2)/2 for k = 1022, 1074, 1075: tanh'(x) ~ 4e^-2x reaches 2^-k;
///  - 2^-26, 2^-27: sigmoid'(x) ~ (1 - x²/4)/4 and tanh'(x) ~ 1 - x² reach the tie below 1/4, 1.
std::vector<double> activation_boundaries() {
  const hp_t ln2 = log(hp_t(2));
  std::vector<hp_t> b = {1022 * ln2,
                         1074 * ln2,
                         1075 * ln2,
                         log(ldexp(hp_t(1), 53) - 1),
                         log(ldexp(hp_t(1), 54) - 1),
                         1024 * ln2 / 2,
                         1076 * ln2 / 2,
                         1077 * ln2 / 2,
                         ldexp(hp_t(1), -26),
                         ldexp(hp_t(1), -27)};
  std::vector<double> out;
  for (const auto& v : b)
    for (double d : around(nearest_double(v), 2)) out.push_back(d);
  return out;
}

/// ±2^k for k = lo, lo + step, ..., <= hi.
std::vector<double> powers_of_two(int lo, int hi, int step) {
  std::vector<double> out;
  for (int k = lo; k <= hi; k += step) out.push_back(std::ldexp(1.0, k));
  return out;
}

/// 10^(j/per_decade) for j in [lo, hi] (the nearest doubles).
std::vector<double> decades(int lo, int hi, int per_decade) {
  std::vector<double> out;
  for (int j = lo; j <= hi; ++j) out.push_back(nearest_double(pow(hp_t(10), hp_t(j) / per_decade)));
  return out;
}

std::vector<double> linear(double lo, double hi, double step) {
  std::vector<double> out;
  for (double x = lo; x <= hi; x += step) out.push_back(x);
  return out;
}

/// The inputs shared by the four activation tables.
std::vector<section> activation_sections() {
  using gradaudit::testing::gen::any_finite;
  using gradaudit::testing::gen::sample;
  return {
      {"edge cases: +-{0, denorm_min, 2 denorm_min, largest subnormal, DBL_MIN, 2^-53, 2^-26, "
       "1e-8, "
       "0.5, 1, 2, 3, 5, 10, 20, 30, 36.7, 37, 40, 100, 700, 709.78, 709.79, 710, 745, 746, 750, "
       "1000, 1e4, 1e6, 1e9, 1e15, 1e100, 1e300, nextbelow(max), max, inf}",
       rows1(both_signs(edge_magnitudes()))},
      {"output-boundary neighbourhoods (nearest double +-2 ulps, both signs) of log(2^1022), "
       "log(2^1074), log(2^1075), log(2^53-1), log(2^54-1), 1024 ln2/2, 1076 ln2/2, 1077 ln2/2, "
       "2^-26, 2^-27",
       rows1(both_signs(activation_boundaries()))},
      {"log-spaced grid: +-2^k, k = -1074, -1051, ..., 1023 (step 23)",
       rows1(both_signs(powers_of_two(-1074, 1023, 23)))},
      {"log-spaced grid: +-10^(j/10), j = -40..30", rows1(both_signs(decades(-40, 30, 10)))},
      {"linear grid: -800, -790, ..., 800", rows1(linear(-800, 800, 10))},
      {"gen::sample(gen::any_finite(), 300, seed 20240611)",
       rows1(sample(any_finite(), 300, kSeedActivation))},
  };
}

const std::vector<double> kInteriorTargets = {0.1, 0.25, 0.5, 0.75, 0.9};

std::vector<section> logit_sections() {
  using gradaudit::testing::gen::any_finite;
  using gradaudit::testing::gen::probability;
  using gradaudit::testing::gen::sample;
  const hp_t ln2 = log(hp_t(2));
  // z for y in {0, 1}: the activation edge cases, the output boundaries log(2^1022),
  // log(2^1074), log(2^1075), log(2^53-1), log(2^54-1) +-1 ulp, grids, a sample.
  std::vector<double> z01 = both_signs(edge_magnitudes());
  for (const hp_t& b : {1022 * ln2, 1074 * ln2, 1075 * ln2, log(ldexp(hp_t(1), 53) - 1),
                        log(ldexp(hp_t(1), 54) - 1)})
    for (double d : both_signs(around(nearest_double(b), 1))) z01.push_back(d);
  for (double d : both_signs(powers_of_two(-1074, 1023, 61))) z01.push_back(d);
  for (double d : both_signs(decades(-16, 12, 4))) z01.push_back(d);
  for (double d : linear(-800, 800, 50)) z01.push_back(d);
  for (double d : sample(any_finite(), 60, kSeedLogits)) z01.push_back(d);

  // z for y in (0, 1): a smaller set, plus logit(y) +-2 ulps (where s - y cancels).
  std::vector<section> interior;
  const std::vector<double> zi =
      both_signs({0.0,  kDenormMin, kMin, 1e-300, 1e-20, 0x1p-53, 0.5,   1.0,  2.0,  5.0, 10.0,
                  20.0, 37.0,       40.0, 100.0,  700.0, 710.0,   745.0, 1e10, kMax, kInf});
  for (double y : kInteriorTargets) {
    std::vector<double> z = zi;
    const hp_t hy(y);
    for (double d : around(nearest_double(log(hy / (1 - hy))), 2)) z.push_back(d);
    interior.push_back(
        {"y = " + hex(y) +
             ": +-{0, denorm_min, DBL_MIN, 1e-300, 1e-20, 2^-53, 0.5, 1, 2, "
             "5, 10, 20, 37, 40, 100, 700, 710, 745, 1e10, max, inf} and logit(y) +-2 ulps",
         rows2(z, {y})});
  }

  std::vector<section> out = {
      {"y = 0: edge cases, output boundaries +-1 ulp (both signs), +-2^k (k = -1074..1023 step "
       "61), "
       "+-10^(j/4) (j = -16..12), -800..800 step 50, gen::sample(gen::any_finite(), 60, seed "
       "20240612)",
       rows2(z01, {0.0})},
      {"y = 1: the same z", rows2(z01, {1.0})},
  };
  for (auto& s : interior) out.push_back(std::move(s));
  // Random pairs: z from any_finite, y from probability (both sampled with the same seed + 1).
  const auto zs = sample(any_finite(), 60, kSeedLogits + 1);
  const auto ys = sample(probability(), 60, kSeedLogits + 2);
  std::vector<std::vector<double>> pairs;
  for (std::size_t i = 0; i < zs.size(); ++i) pairs.push_back({zs[i], ys[i]});
  out.push_back(
      {"random pairs: z = gen::sample(gen::any_finite(), 60, seed 20240613), "
       "y = gen::sample(gen::probability(), 60, seed 20240614)",
       pairs});
  return out;
}

std::vector<section> bce_sections() {
  using gradaudit::testing::gen::probability;
  using gradaudit::testing::gen::sample;
  std::vector<double> p01 = {
      0.0,  1.0,       kDenormMin, 2 * kDenormMin, 0x1p-1073, 0x1p-1050, std::nextafter(kMin, 0.0),
      kMin, 0x1p-1021, 1e-300,     1e-100,         1e-20,     1e-10,     1e-5,
      0.1,  0.25,      0.5,        0.75,           0.9,       0.99,      0.999};
  for (double d : powers_of_two(-1074, -1, 17)) p01.push_back(d);
  for (int k = 1; k <= 53; ++k) p01.push_back(1.0 - std::ldexp(1.0, -k));  // exact
  for (double d : decades(-60, -1, 4)) p01.push_back(d);
  for (double d : sample(probability(), 100, kSeedBce)) p01.push_back(d);

  const std::vector<double> pi = {
      0.0,  1.0,   kDenormMin,    kMin,          1e-300,        1e-20,        1e-10, 1e-5,
      0.01, 0.1,   0.25,          0.3,           0.5,           0.7,          0.75,  0.9,
      0.99, 0.999, 1.0 - 0x1p-20, 1.0 - 0x1p-40, 1.0 - 0x1p-52, 1.0 - 0x1p-53};
  std::vector<section> out = {
      {"y = 0: yhat in {0, 1, subnormals, DBL_MIN, 1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.1, 0.25, "
       "0.5, 0.75, 0.9, 0.99, 0.999}, 2^k (k = -1074..-1 step 17), 1 - 2^-k (k = 1..53), "
       "10^(j/4) (j = -60..-1), gen::sample(gen::probability(), 100, seed 20240613)",
       rows2(p01, {0.0})},
      {"y = 1: the same yhat", rows2(p01, {1.0})},
  };
  for (double y : kInteriorTargets)
    out.push_back(
        {"y = " + hex(y) +
             ": yhat in {0, 1, denorm_min, DBL_MIN, 1e-300, 1e-20, 1e-10, 1e-5, "
             "0.01, 0.1, 0.25, 0.3, 0.5, 0.7, 0.75, 0.9, 0.99, 0.999, 1-2^-20, 1-2^-40, 1-2^-52, "
             "1-2^-53}",
         rows2(pi, {y})});
  const auto ps = sample(probability(), 60, kSeedBce + 1);
  const auto ys = sample(probability(), 60, kSeedBce + 2);
  std::vector<std::vector<double>> pairs;
  for (std::size_t i = 0; i < ps.size(); ++i) pairs.push_back({ps[i], ys[i]});
  out.push_back(
      {"random pairs: yhat = gen::sample(gen::probability(), 60, seed 20240614), "
       "y = gen::sample(gen::probability(), 60, seed 20240615)",
       pairs});
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : GRADAUDIT_DATA_DIR;

  const auto act = activation_sections();
  const auto logits = logit_sections();
  const auto bce_in = bce_sections();

  // clang-format off
  std::vector<table_spec> specs = {
    {"sigmoid", {"x"},
     {"formula: sigmoid(x) = 1/(1+exp(-x)) (no cancellation for any x)",
      "cross-check: (1+tanh(x/2))/2 for x >= 0, exp(x)/(1+exp(x)) for x < 0"},
     act,
     [](const std::vector<hp_t>& a) { return sigmoid_primary(a[0]); },
     [](const std::vector<xp_t>& a) { return sigmoid_alt(a[0]); }},
    {"sigmoid_grad", {"x"},
     {"formula: sigmoid'(x) = exp(-x)/(1+exp(-x))^2, applied at |x| (sigmoid' is even)",
      "cross-check: 1/(4 cosh^2(x/2))"},
     act,
     [](const std::vector<hp_t>& a) { return sigmoid_grad_primary(a[0]); },
     [](const std::vector<xp_t>& a) { return sigmoid_grad_alt(a[0]); }},
    {"log_sigmoid", {"x"},
     {"formula: log_sigmoid(x) = -log(1+exp(-x)); for x > 100 log(1+e) = e - e^2/2 + e^3/3 (e = exp(-x));",
      "where exp(-x) overflows, -log(1+exp(-x)) = x - log(1+exp(x))",
      "cross-check: x - log1p(exp(x)) for x <= 0, -log1p(exp(-x)) for x > 0"},
     act,
     [](const std::vector<hp_t>& a) { return log_sigmoid_primary(a[0]); },
     [](const std::vector<xp_t>& a) { return log_sigmoid_alt(a[0]); }},
    {"tanh_grad", {"x"},
     {"formula: tanh'(x) = 1 - tanh(x)^2 for |x| <= 50, 1/cosh(x)^2 beyond",
      "cross-check: 4 exp(-2|x|)/(1+exp(-2|x|))^2"},
     act,
     [](const std::vector<hp_t>& a) { return tanh_grad_primary(a[0]); },
     [](const std::vector<xp_t>& a) { return tanh_grad_alt(a[0]); }},
    {"bce_with_logits", {"z", "y"},
     {"formula: bce_with_logits(z,y) = -(y log s + (1-y) log(1-s)), s = 1/(1+exp(-z)), zero-coefficient",
      "terms dropped, for |z| <= 100; beyond, y log(1+exp(-z)) + (1-y) log(1+exp(z)) with",
      "log(1+e) = e - e^2/2 + e^3/3 when e < exp(-100) and log(1+exp(t)) = t + log(1+exp(-t)) when exp(t) overflows",
      "cross-check: y softplus(-z) + (1-y) softplus(z), softplus(t) = max(t,0) + log1p(exp(-|t|))"},
     logits,
     [](const std::vector<hp_t>& a) { return bce_with_logits_primary(a[0], a[1]); },
     [](const std::vector<xp_t>& a) { return bce_with_logits_alt(a[0], a[1]); }},
    {"bce_with_logits_grad", {"z", "y"},
     {"formula: bce_with_logits_grad(z,y) = s - y, s = 1/(1+exp(-z)); for y = 1 and z > 100,",
      "-1/(1+exp(z)); for y = 1/2, tanh(z/2)/2",
      "cross-check: sigmoid(z) (y = 0), -sigmoid(-z) (y = 1), else ((1-2y) - y expm1(-z))/(1+exp(-z))",
      "for z >= 0 and ((1-2y) exp(z) + y expm1(z))/(1+exp(z)) for z < 0"},
     logits,
     [](const std::vector<hp_t>& a) { return bce_with_logits_grad_primary(a[0], a[1]); },
     [](const std::vector<xp_t>& a) { return bce_with_logits_grad_alt(a[0], a[1]); }},
    {"bce", {"yhat", "y"},
     {"formula: bce(yhat,y) = -(y log yhat + (1-y) log(1-yhat)), zero-coefficient terms dropped",
      "(0 log 0 = 0); log(1-yhat) = -(yhat + yhat^2/2 + yhat^3/3) for yhat < 2^-200",
      "cross-check: -(y log yhat + (1-y) log1p(-yhat))"},
     bce_in,
     [](const std::vector<hp_t>& a) { return bce_primary(a[0], a[1]); },
     [](const std::vector<xp_t>& a) { return bce_alt(a[0], a[1]); }},
  };
  // clang-format on

  // Build everything first; write only if every table passed its cross-check.
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& spec : specs) {
    std::string text;
    std::size_t rows = 0;
    if (!build_table(spec, text, rows)) {
      std::cerr << "nothing written\n";
      return 1;
    }
    std::cout << spec.name << ": " << rows << " rows, " << text.size() << " bytes\n";
    files.emplace_back(spec.name, std::move(text));
  }
  std::filesystem::create_directories(dir);
  for (const auto& [name, text] : files) {
    const auto path = dir / (name + ".csv");
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) {
      std::cerr << "cannot write " << path << "\n";
      return 1;
    }
  }
  std::cout << "wrote " << files.size() << " tables to " << dir << "\n";
  return 0;
}
