#include "gradaudit/testing/generators.hpp"

#include "gradaudit/testing/ulp.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <tuple>

namespace gradaudit::testing {

std::string shortest(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

namespace gen {
namespace {

using lim = std::numeric_limits<double>;

/// (significant digits, |decimal exponent|, the digits read as an integer, negative): the
/// order in which shrinking makes progress, so 1 is simpler than 4 and 40 than 45.
/// 0 is (0, 0, 0, 0); -0 is (0, 0, 0, 1); NaN and ±inf come after every finite value.
std::tuple<int, int, long long, int> complexity(double x) {
  if (std::isnan(x)) return {100, 1000, 0, 1};
  if (std::isinf(x)) return {99, 1000, 0, x < 0};
  if (x == 0) return {0, 0, 0, std::signbit(x) ? 1 : 0};
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, std::abs(x), std::chars_format::scientific);
  const std::string s(buf, r.ptr);
  const auto epos = s.find('e');
  int digits = 0;
  long long mantissa = 0;
  for (std::size_t i = 0; i < epos; ++i)
    if (s[i] >= '0' && s[i] <= '9') {
      ++digits;
      mantissa = mantissa * 10 + (s[i] - '0');
    }
  const int exponent = std::atoi(s.c_str() + epos + 1);
  return {digits, std::abs(exponent), mantissa, x < 0};
}

double round_to_digits(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", digits - 1, x);
  return std::strtod(buf, nullptr);
}

double with_exponent(double x, int decimal_exponent) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  std::string s(buf, r.ptr);
  s = s.substr(0, s.find('e')) + "e" + std::to_string(decimal_exponent);
  return std::strtod(s.c_str(), nullptr);
}

double unit(rc::Random& r) { return static_cast<double>(r.next() >> 11) * 0x1p-53; }

/// Uniformly distributed exponent of 2, then a uniform significand in [1, 2).
double log_uniform(rc::Random& r, double min_mag, double max_mag) {
  const double lo = std::log2(min_mag), hi = std::log2(max_mag);
  const double e = std::floor(lo + (hi - lo) * unit(r));
  const double m = std::ldexp(1.0 + unit(r), static_cast<int>(e));
  return std::clamp(m, min_mag, max_mag);
}

rc::Shrinkable<double> shrinkable(double x, double lo, double hi) {
  return rc::shrinkable::shrinkRecur(
      x, [lo, hi](double v) { return rc::seq::fromContainer(shrink_candidates(v, lo, hi)); });
}

/// Picks one of `values` (non-empty).
double pick(rc::Random& r, const std::vector<double>& values) {
  return values[static_cast<std::size_t>(r.next() % values.size())];
}

void check_range(const char* who, double lo, double hi) {
  if (!(std::isfinite(lo) && std::isfinite(hi) && lo <= hi))
    throw std::invalid_argument(std::string(who) + ": need finite lo <= hi, got [" + shortest(lo) +
                                ", " + shortest(hi) + "]");
}

}  // namespace

std::vector<double> shrink_candidates(double x, double lo, double hi) {
  std::vector<double> raw;
  if (std::isnan(x) || std::isinf(x)) {
    raw = {0.0, x > 0 ? lim::max() : -lim::max(), 1.0, -1.0};
  } else if (x != 0) {
    raw.push_back(0.0);
    const auto [digits, abs_exp, mantissa, neg] = complexity(x);
    for (int k = 1; k < digits; ++k) raw.push_back(round_to_digits(x, k));
    if (std::abs(x) >= 1) raw.push_back(std::trunc(x));
    int e = 0;
    {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
      e = std::atoi(std::string(buf, r.ptr).substr(std::string(buf, r.ptr).find('e') + 1).c_str());
    }
    if (e != 0) {
      raw.push_back(with_exponent(x, 0));
      raw.push_back(with_exponent(x, e / 2));
      raw.push_back(with_exponent(x, e > 0 ? e - 1 : e + 1));
    }
    // The same decimal exponent with a leading 1: 4e1 -> 1e1.
    raw.push_back(std::copysign(std::strtod(("1e" + std::to_string(e)).c_str(), nullptr), x));
    if (neg) raw.push_back(-x);
  } else if (std::signbit(x)) {
    raw.push_back(0.0);
  }
  const auto cx = complexity(x);
  std::vector<double> out;
  for (double c : raw) {
    if (!(c >= lo && c <= hi) && !(std::isnan(c) || std::isinf(c))) continue;
    if ((std::isnan(c) || std::isinf(c)) && !(c >= lo && c <= hi)) continue;
    if (!(complexity(c) < cx)) continue;
    if (std::find_if(out.begin(), out.end(), [&](double o) {
          return o == c && std::signbit(o) == std::signbit(c);
        }) != out.end())
      continue;
    out.push_back(c);
  }
  return out;
}

rc::Gen<double> real_in(double lo, double hi) {
  check_range("gen::real_in", lo, hi);
  std::vector<double> simple;
  for (double v : {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 10.0, -10.0, lo, hi})
    if (v >= lo && v <= hi) simple.push_back(v);
  return rc::Gen<double>([lo, hi, simple](const rc::Random& random, int) {
    rc::Random r = random;
    const auto kind = r.next() % 16;
    double x;
    if (kind == 0) {
      x = pick(r, simple);
    } else if (kind <= 2) {  // a short decimal: ±ddd·10^-k
      const double m = static_cast<double>(static_cast<std::int64_t>(r.next() % 1999) - 999);
      x = round_to_digits(m / std::pow(10.0, static_cast<double>(r.next() % 3)), 3);
      if (!(x >= lo && x <= hi)) x = lo + (hi - lo) * 0.5;
    } else if (kind <= 5) {  // log-uniform magnitude within the range
      const double top = std::max(std::abs(lo), std::abs(hi));
      const double m =
          top > 0 ? log_uniform(r, std::min(top, 1e-12 * std::max(1.0, top)), top) : 0.0;
      x = (r.next() & 1) ? -m : m;
      if (!(x >= lo && x <= hi)) x = -x;
      if (!(x >= lo && x <= hi)) x = std::clamp(x, lo, hi);
    } else {  // uniform; lo(1-t) + hi·t cannot overflow
      const double t = unit(r);
      x = std::clamp(lo * (1 - t) + hi * t, lo, hi);
    }
    return shrinkable(x, lo, hi);
  });
}

rc::Gen<double> magnitude_in(double min_magnitude, double max_magnitude, bool both_signs) {
  if (!(min_magnitude > 0 && min_magnitude <= max_magnitude && std::isfinite(max_magnitude)))
    throw std::invalid_argument("gen::magnitude_in: need 0 < min <= max < inf, got [" +
                                shortest(min_magnitude) + ", " + shortest(max_magnitude) + "]");
  const double lo = both_signs ? -max_magnitude : min_magnitude;
  return rc::Gen<double>([=](const rc::Random& random, int) {
    rc::Random r = random;
    double x = log_uniform(r, min_magnitude, max_magnitude);
    if (both_signs && (r.next() & 1)) x = -x;
    // Shrinks within [lo, max]; candidates below min_magnitude in size are allowed to
    // appear (e.g. 0) only when the range contains them.
    return rc::shrinkable::shrinkRecur(x, [=](double v) {
      auto c = shrink_candidates(v, lo, max_magnitude);
      std::erase_if(c, [&](double t) { return std::abs(t) < min_magnitude; });
      return rc::seq::fromContainer(std::move(c));
    });
  });
}

namespace {
rc::Gen<double> full_line(bool with_non_finite) {
  return rc::Gen<double>([with_non_finite](const rc::Random& random, int) {
    rc::Random r = random;
    const auto kind = r.next() % 16;
    double x;
    if (kind == 0) {
      std::vector<double> specials{0.0,        -0.0,        lim::denorm_min(), -lim::denorm_min(),
                                   lim::min(), -lim::min(), lim::max(),        -lim::max(),
                                   1.0,        -1.0};
      if (with_non_finite) {
        specials.insert(specials.end(), {lim::infinity(), -lim::infinity(), lim::quiet_NaN()});
      }
      x = pick(r, specials);
    } else {
      x = log_uniform(r, lim::denorm_min(), lim::max());
      if (r.next() & 1) x = -x;
    }
    return shrinkable(x, -lim::infinity(), lim::infinity());
  });
}
}  // namespace

rc::Gen<double> any_finite() {
  return rc::gen::suchThat(full_line(false), [](double x) { return std::isfinite(x); });
}

rc::Gen<double> any_double() { return full_line(true); }

rc::Gen<double> probability(bool open) {
  const double lo = open ? lim::denorm_min() : 0.0;
  const double hi = open ? 1.0 - 0x1p-53 : 1.0;
  return rc::Gen<double>([=](const rc::Random& random, int) {
    rc::Random r = random;
    const auto kind = r.next() % 8;
    double x;
    if (kind == 0) {
      x = pick(r, open ? std::vector<double>{0.5, 0.25, 0.75, 0.1, 0.9}
                       : std::vector<double>{0.0, 1.0, 0.5, 0.25, 0.75});
    } else if (kind <= 2) {
      x = log_uniform(r, lim::denorm_min(), 0.5);
    } else if (kind <= 4) {
      x = 1.0 - log_uniform(r, 0x1p-53, 0.5);
    } else {
      x = unit(r);
    }
    x = std::clamp(x, lo, hi);
    return shrinkable(x, lo, hi);
  });
}

rc::Gen<double> label() {
  return rc::Gen<double>([](const rc::Random& random, int) {
    rc::Random r = random;
    const double x = (r.next() & 1) ? 1.0 : 0.0;
    return shrinkable(x, 0.0, 1.0);
  });
}

rc::Gen<std::vector<double>> vector_of(int min_len, int max_len, rc::Gen<double> gen) {
  if (min_len < 0 || min_len > max_len)
    throw std::invalid_argument("gen::vector_of: need 0 <= min_len <= max_len, got " +
                                std::to_string(min_len) + ", " + std::to_string(max_len));
  return rc::gen::mapcat(rc::gen::inRange(min_len, max_len + 1), [gen](int n) {
    return rc::gen::container<std::vector<double>>(static_cast<std::size_t>(n), gen);
  });
}

std::vector<double> sample(const rc::Gen<double>& gen, std::size_t n, std::uint64_t seed) {
  rc::Random r(seed);
  std::vector<double> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(gen(r.split(), 0).value());
  return out;
}

}  // namespace gen
}  // namespace gradaudit::testing
