// Audits the log-cosh loss L(z) = log cosh(z - y) with gradaudit's installed package: its
// gradient tanh(z - y) holds against the 50-digit oracle, and a wrong one (sech²) is refuted.
// Exit 0 when every verdict is the expected one.
#include <gradaudit/gradaudit.hpp>
#include <gradaudit/testing/claim.hpp>
#include <gradaudit/testing/generators.hpp>
#include <gradaudit/testing/oracle.hpp>

#include <iostream>

using namespace gradaudit;
using namespace gradaudit::testing;

namespace {

/// L(t) = log cosh(t - y). Value: −, cosh, log correctly rounded (MPFR), magnitudes <= |L| + 1.
/// |L'| = |tanh| <= 1; L''' = -2 sech² tanh, at most 4/(3√3) < 1 in magnitude.
smooth_function log_cosh(const ref_t& y) {
  smooth_function f;
  f.value = [y](const ref_t& t) { return log(cosh(t - y)); };
  f.value_error = [y](const ref_t& t) { return formula_error(3, abs(log(cosh(t - y))) + 1); };
  f.max_abs_d1 = [](const ref_t&, const ref_t&) { return ref_t(1); };
  f.max_abs_d3 = [](const ref_t&, const ref_t&) { return ref_t(1); };
  return f;
}

void gradient_is(bool tanh_form) {
  const double z = *gen::real_in(-30, 30), y = *gen::real_in(-5, 5);
  input("z", z);
  input("y", y);
  const ref_t t = ref_t(z) - y;
  const ref_t th = gradaudit::tanh(t);  // the core's tanh, at 50 digits
  const ref_t claimed = tanh_form ? th : 1 - th * th;
  check_derivative("dL/dz", claimed, formula_error(4, ref_t(1)), derivative(log_cosh(ref_t(y)), ref_t(z)));
}

}  // namespace

GRADAUDIT_CLAIM({.id = "log_cosh.gradient", .section = "consumer",
                 .quote = "d/dz log cosh(z - y) = tanh(z - y)", .statement = "d/dz log cosh(z - y) = tanh(z - y)",
                 .expected = verdict::holds, .as_stated = [] { gradient_is(true); }});
GRADAUDIT_CLAIM({.id = "log_cosh.gradient.wrong", .section = "consumer",
                 .quote = "d/dz log cosh(z - y) = sech²(z - y)", .statement = "d/dz log cosh(z - y) = sech²(z - y)",
                 .expected = verdict::refuted, .correction = "tanh(z - y)",
                 .as_stated = [] { gradient_is(false); }, .corrected = [] { gradient_is(true); }});

int main() {
  int mismatches = 0;
  for (const auto& c : registry()) {
    const auto r = run_claim(c, options_from_environment());
    std::cout << summary_line(r) << "\n";
    mismatches += !r.matches();
  }
  std::cout << registry().size() << " claims, " << mismatches << " with an unexpected verdict\n";
  return mismatches == 0 ? 0 : 1;
}
