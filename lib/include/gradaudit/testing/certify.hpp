#pragma once
/// \file certify.hpp
/// The certified engine: what a claim's verdict rests on. Both sides of a claim are written
/// once as templates and evaluated in ball arithmetic (ball.hpp); derivatives of the true side
/// come from jets (jet.hpp), never from a bound a person derived. Each check of a case ends
/// in one of three ways:
///
///  - **agree**: the two enclosures overlap and each carries at least `digits` significant
///    decimal digits (or both are the same exact number): recorded with the digits reached;
///  - **differ**: the enclosures are disjoint, which proves the two numbers differ; the case
///    fails (RapidCheck shrinks it) and the report says by how many digits they are apart;
///  - **unknown**: still overlapping and too wide at `max_bits`, or a branch (|x|, a
///    comparison) undecidable there: the case is recorded as inconclusive and passes, so that
///    the claim's verdict can only be `inconclusive`, never `holds`.
///
/// Precision starts at `start_bits` and doubles until the check is decided or `max_bits` is
/// reached. σ(1-σ) at x = 700 needs ~1100 bits before 1 - σ is not [0 ± ε]; the engine finds
/// that by itself.

#include "gradaudit/testing/ball.hpp"
#include "gradaudit/testing/jet.hpp"

#include <concepts>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gradaudit::testing {

/// How hard the engine tries, and what it calls certain.
struct certify_settings {
  int digits = 17;        ///< significant digits required of both sides for "agree"
  long start_bits = 128;  ///< first working precision
  long max_bits = 4096;   ///< last working precision before "unknown"
};
/// The settings in force on this thread (the runner sets them from --digits).
certify_settings& settings();

/// Truth and claim of one check at the working precision: component i of `truth` is compared
/// with component i of `claimed` (equal lengths).
struct enclosure_pair {
  std::vector<ball> truth, claimed;
};

/// Certifies truth == claimed component-wise (the adaptive loop described above). `names`
/// labels the components in messages ("" for a scalar check). Throws nothing; records and
/// fails the case through the claim recorder.
void certify_equal(std::string_view what, const std::function<enclosure_pair()>& evaluate,
                   const std::vector<std::string>& names = {});

/// truth == claimed for two callables returning a ball.
template <class Truth, class Claimed>
void check_equal(std::string_view what, Truth truth, Claimed claimed) {
  certify_equal(what, [&] { return enclosure_pair{{ball(truth())}, {ball(claimed())}}; });
}

/// The gradient of f at x: f takes `const std::vector<S>&` and returns S, for any S with the
/// field operations and exp/log/… (ball, jet<ball>, …). Evaluated on jets over balls.
template <class F>
requires std::invocable < F&, const std::vector<jet<ball>>
& > std::vector<ball> gradient(F&& f, std::span<const ball> x) {
  std::vector<jet<ball>> v;
  v.reserve(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) v.push_back(jet<ball>::variable(x[i], i, x.size()));
  jet<ball> y = f(v);
  y.d.resize(x.size(), ball(0));  // a result that does not depend on x has no gradient
  return y.d;
}

/// d/dx f(x) for f taking and returning a scalar S.
template <class F>
requires std::invocable < F&, const jet<ball>
& > ball derivative(F&& f, const ball& x) {
  return gradient([&](const auto& v) { return f(v[0]); }, std::span<const ball>(&x, 1))[0];
}

/// Checks ∇f(point) == claimed(point) certifiably, every component: f is the true function
/// (a template, differentiated by jets), claimed(x) returns the claimed gradient as a vector
/// of balls from a vector of balls. `names` labels the variables ("w[0]", …).
template <class F, class Claimed>
void check_gradient(std::string_view what, F f, Claimed claimed, const std::vector<double>& point,
                    const std::vector<std::string>& names = {}) {
  certify_equal(
      what,
      [&] {
        const std::vector<ball> x(point.begin(), point.end());
        return enclosure_pair{gradient(f, x), claimed(x)};
      },
      names);
}

/// Checks d/dx f(x) == claimed(x) at one point.
template <class F, class Claimed>
void check_derivative(std::string_view what, F f, Claimed claimed, double x) {
  certify_equal(what, [&] {
    const ball b(x);
    return enclosure_pair{{derivative(f, b)}, {ball(claimed(b))}};
  });
}

/// Certifies value() <= bound() (or < when `strict`): holds when the enclosures are ordered,
/// fails (a proof) when they are ordered the other way, unknown in between at max_bits.
void certify_at_most(std::string_view what, const std::function<ball()>& value,
                     const std::function<ball()>& bound, bool strict = false);

/// Certifies that `got` (a double computed by the code under test) is within `max_ulps` ULP
/// of the real number `exact()` encloses: the ULP distance is bracketed from the enclosure's
/// ends, and precision raised until the bracket is on one side of `max_ulps`.
/// Records the largest distance seen for the report.
void certify_ulps(std::string_view what, double got, const std::function<ball()>& exact,
                  double max_ulps);

namespace impl {
/// When set, every claimed side of an equality check (certify_equal and the checks built on it)
/// is multiplied by 1 + 10^-20: the mutant test checks that every holding formula claim is
/// then refuted. Inequalities and ULP checks are left alone (a bound with slack survives a
/// perturbation of 10^-20 and should).
bool& mutate_claims();
}  // namespace impl

}  // namespace gradaudit::testing
