#pragma once
// What the check helpers record while a property runs (one run at a time per thread): the
// case's inputs and checks, the digits certified, the inconclusive cases, the input classes.
// Private to the library (not installed): claim.cpp runs properties, certify.cpp records.
#include "gradaudit/testing/claim.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gradaudit::testing::impl {

struct recorder {
  named_values inputs;
  std::vector<comparison> checks;
  double min_digits = kExactDigits;
  double max_ulps = 0;
  std::string fewest_digits_at, max_ulps_at;  ///< the inputs where they were seen
  int formula_checks = 0;                     ///< certified comparisons of a claimed formula
  int inconclusive_cases = 0;
  bool case_inconclusive = false;
  double inconclusive_digits = kExactDigits;  ///< fewest digits reached by an unknown check
  std::string inconclusive_at, inconclusive_reason;
  std::map<std::string, int> classes;  ///< every class named, with the cases that fell in it
  void begin_case() {
    inputs.clear();
    checks.clear();
    case_inconclusive = false;
  }
};

/// The recorder of the property running on this thread.
recorder& rec();

/// "x = 1, y = 0": the current case's inputs.
std::string describe_inputs();

/// Records a failed check and fails the case (RC_FAIL).
[[noreturn]] void fail(const comparison& c);

/// Records that a check of this case could not be decided.
void record_inconclusive(std::string_view what, double digits, std::string_view why);

/// Records the digits a decided check certified.
void record_digits(double digits);

}  // namespace gradaudit::testing::impl
