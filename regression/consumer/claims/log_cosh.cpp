// Claims about the log-cosh loss L(z) = log cosh(z - y), audited with gradaudit's installed
// package: its gradient tanh(z - y) holds in certified arithmetic, and a wrong one (sech²) is
// refuted. No bound is derived by hand: the true side is the loss, differentiated by jets over
// balls. No claim states an expected verdict: the audit reports them and exits 0.
#include <gradaudit/gradaudit.hpp>
#include <gradaudit/testing/certify.hpp>
#include <gradaudit/testing/claim.hpp>
#include <gradaudit/testing/generators.hpp>

using namespace gradaudit;
using namespace gradaudit::testing;

namespace {

void gradient_is(bool tanh_form) {
  const double z = *gen::real_in(-700, 700), y = *gen::real_in(-5, 5);
  input("z", z);
  input("y", y);
  auto log_cosh = [y](const auto& t) { return log((exp(t - y) + exp(y - t)) / 2); };
  check_derivative(
      "dL/dz", log_cosh,
      [&](const ball& t) {
        const ball th = tanh(t - y);
        return tanh_form ? th : 1 - th * th;
      },
      z);
}

}  // namespace

GRADAUDIT_CLAIM({.id = "log_cosh.gradient",
                 .section = "consumer",
                 .quote = "d/dz log cosh(z - y) = tanh(z - y)",
                 .statement = "d/dz log cosh(z - y) = tanh(z - y)",
                 .as_stated = [] { gradient_is(true); }});
GRADAUDIT_CLAIM({.id = "log_cosh.gradient.wrong",
                 .section = "consumer",
                 .quote = "d/dz log cosh(z - y) = sech²(z - y)",
                 .statement = "d/dz log cosh(z - y) = sech²(z - y)",
                 .correction = "tanh(z - y)",
                 .as_stated = [] { gradient_is(false); },
                 .corrected = [] { gradient_is(true); }});
