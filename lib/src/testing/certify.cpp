#include "gradaudit/testing/certify.hpp"

#include "gradaudit/testing/ulp.hpp"
#include "recorder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace gradaudit::testing {

certify_settings& settings() {
  static thread_local certify_settings s;
  return s;
}

namespace impl {
bool& mutate_claims() {
  static thread_local bool on = false;
  return on;
}
}  // namespace impl

namespace {

/// The precisions the engine tries, start_bits doubling up to max_bits.
template <class Step>
void for_each_precision(Step step) {
  const auto& s = settings();
  for (long bits = s.start_bits;; bits = std::min(2 * bits, s.max_bits)) {
    precision_scope scope(bits);
    if (step(bits)) return;
    if (bits >= s.max_bits) return;
  }
}

/// The mutant: the claimed side times 1 + 10^-20 (an enclosure of it).
ball mutated(const ball& claimed) {
  if (!impl::mutate_claims()) return claimed;
  return claimed * (ball(1) + ball::ratio(1, 100000) * ball::ratio(1, 100000) *
                                  ball::ratio(1, 100000) * ball::ratio(1, 100000));
}

std::string label(std::string_view what, const std::vector<std::string>& names, std::size_t i,
                  std::size_t n) {
  std::string s(what);
  if (n > 1 || (!names.empty() && !names[0].empty()))
    s += "[" + (i < names.size() ? names[i] : std::to_string(i)) + "]";
  return s;
}

/// Digits with which two overlapping balls agree: the fewer of the two (exact: kExactDigits).
double agreement_digits(const ball& t, const ball& c) {
  if (t.exact() && c.exact()) return kExactDigits;
  return std::min({t.digits(), c.digits(), kExactDigits});
}

std::string show_digits(double d) {
  if (d >= kExactDigits) return "exact";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f digits", d);
  return buf;
}

}  // namespace

void certify_equal(std::string_view what, const std::function<enclosure_pair()>& evaluate,
                   const std::vector<std::string>& names) {
  auto& r = impl::rec();
  ++r.formula_checks;
  const int need = settings().digits;
  double reached = -std::numeric_limits<double>::infinity();
  std::string why = "enclosures overlap but are too wide";
  bool decided = false;
  for_each_precision([&](long bits) {
    enclosure_pair e;
    try {
      e = evaluate();
    } catch (const undecided& u) {
      why = u.what();
      return false;
    }
    double fewest = kExactDigits;
    for (std::size_t i = 0; i < e.truth.size(); ++i) {
      const ball c = mutated(e.claimed.at(i));
      if (!e.truth[i].finite() || !c.finite()) {
        fewest = -std::numeric_limits<double>::infinity();
        why = "an enclosure is not finite (a pole, a log of a non-positive number, or overflow)";
        continue;
      }
      if (!overlaps(e.truth[i], c)) {
        const double apart = digits_apart(e.truth[i], c);
        comparison cmp{
            label(what, names, i, e.truth.size()), c.str(50), e.truth[i].str(50),
            "disjoint enclosures at " + std::to_string(bits) + " bits: they differ " +
                (std::isinf(apart) ? std::string("(one is 0)")
                                   : "from digit " + std::to_string(static_cast<int>(apart) + 1)),
            false};
        r.checks.push_back(cmp);
        decided = true;
        impl::fail(cmp);
      }
      fewest = std::min(fewest, agreement_digits(e.truth[i], c));
    }
    reached = fewest;
    if (fewest < need) return false;
    decided = true;
    r.checks.push_back({std::string(what), e.claimed.empty() ? "" : e.claimed[0].str(50),
                        e.truth.empty() ? "" : e.truth[0].str(50),
                        "agree to " + show_digits(fewest) + " at " + std::to_string(bits) + " bits",
                        true});
    impl::record_digits(fewest);
    return true;
  });
  if (!decided)
    impl::record_inconclusive(what, std::max(0.0, reached),
                              why + " (" + show_digits(std::max(0.0, reached)) + " at " +
                                  std::to_string(settings().max_bits) + " bits)");
}

void certify_at_most(std::string_view what, const std::function<ball()>& value,
                     const std::function<ball()>& bound, bool strict) {
  auto& r = impl::rec();  // (an inequality: not a formula check, the mutant leaves it alone)
  std::string why = "the value's enclosure overlaps the bound";
  bool decided = false;
  for_each_precision([&](long bits) {
    try {
      const ball v = value(), b = bound();
      const bool ok = strict ? v < b : v <= b;  // throws undecided while they overlap
      comparison cmp{std::string(what), std::string(strict ? "< " : "<= ") + b.str(20), v.str(20),
                     "certified at " + std::to_string(bits) + " bits", ok};
      r.checks.push_back(cmp);
      decided = true;
      if (!ok) impl::fail(cmp);
      return true;
    } catch (const undecided& u) {
      why = u.what();
      return false;
    }
  });
  if (!decided) impl::record_inconclusive(what, 0, why);
}

namespace {

/// [lo, hi] of a ball as ref_t (rounded outwards).
std::pair<ref_t, ref_t> ends(const ball& b) {
  ref_t lo, hi;
  arb_get_interval_mpfr(lo.backend().data(), hi.backend().data(), b.raw());
  return {lo, hi};
}

}  // namespace

void certify_ulps(std::string_view what, double got, const std::function<ball()>& exact,
                  double max_ulps) {
  auto& r = impl::rec();
  std::string why = "the reference's enclosure straddles the bound";
  bool decided = false;
  for_each_precision([&](long) {
    ball e;
    try {
      e = exact();
    } catch (const undecided& u) {
      why = u.what();
      return false;
    }
    if (!e.finite()) {
      why = "the reference is not finite";
      return false;
    }
    const auto [lo, hi] = ends(e);
    // Both ends in one binade of double (so one ULP size), or the ball is a point.
    if (ulp_of<double>(lo) != ulp_of<double>(hi)) return false;
    const double dlo = ulp_distance(got, lo), dhi = ulp_distance(got, hi);
    const bool inside = ref_t(got) >= lo && ref_t(got) <= hi;
    const double most = std::max(dlo, dhi), least = inside ? 0.0 : std::min(dlo, dhi);
    if (most > max_ulps && least <= max_ulps) return false;  // straddles: more bits
    const bool ok = most <= max_ulps;
    comparison cmp{std::string(what), shortest(got), e.str(50),
                   shortest(max_ulps) + " ULP (got " + shortest(ok ? most : least) + ")", ok};
    r.checks.push_back(cmp);
    decided = true;
    if (!ok) impl::fail(cmp);
    if (most > r.max_ulps || r.max_ulps_at.empty()) {
      r.max_ulps = std::max(r.max_ulps, most);
      r.max_ulps_at = impl::describe_inputs();
    }
    return true;
  });
  if (!decided) impl::record_inconclusive(what, 0, why);
}

}  // namespace gradaudit::testing
