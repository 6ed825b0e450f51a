#pragma once
/// \file claim.hpp
/// The claim registry: each claim of the audited text is data (an ID, the text quoted
/// verbatim, a statement of what is tested, the expected verdict) plus RapidCheck properties
/// that compute the observed verdict. Adding a claim touches one file: define it with
/// `GRADAUDIT_CLAIM` in a `properties/*.cpp` and it is in the test suite and the audit.
///
/// Observed verdict:
///  - `holds`: the property as stated passed every case, at least one case ran, and every
///    certified check agreed to at least `certify_settings::digits` digits (certify.hpp);
///  - `refuted`: a case failed with a proof (disjoint enclosures, a certified ULP distance
///    over the bound, a false fact), and no restriction rescues the claim;
///  - `needs_correction`: refuted as stated, and the same statement restricted to the
///    conditions in `under_conditions` holds (true only under conditions the text omits);
///  - `inconclusive`: none of these is proven: 0 cases, a check the engine could not decide
///    at its highest precision, a property that stopped on an error rather than a proof;
///  - `not_checked`: the claim could not be run here (`claim::unavailable` said why).
/// When a claim carries a `corrected` property (our corrected statement) it must hold too.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gradaudit::testing {

enum class verdict { holds, refuted, needs_correction, inconclusive, not_checked };
inline constexpr int kVerdicts = 5;  ///< the values of `verdict`, for tallies indexed by it
/// "holds", "refuted", "needs-correction", "inconclusive", "not-checked": the reports' words.
std::string_view to_string(verdict v);
/// The verdict a report's word names (the inverse of to_string), or nothing.
std::optional<verdict> verdict_from_string(std::string_view text);

/// A case's or counterexample's inputs, "x = 1, y = 0" (name, value as printed).
using named_values = std::vector<std::pair<std::string, std::string>>;
std::string join_inputs(const named_values& inputs);

/// The GoogleTest name of a claim's test in gradaudit_properties, "sigmoid_derivative" (every
/// character that is not a letter or digit becomes '_'); the replay lines name it.
std::string gtest_name(std::string_view id);

/// Digits recorded for a check whose two sides are the same exact number.
inline constexpr double kExactDigits = 1000;

/// A property: a callable run by RapidCheck, drawing with `*gen` and checking with the
/// `check_*` helpers below (which use RC_ASSERT).
using property = std::function<void()>;

struct claim {
  std::string id;         ///< stable, dotted: "sigmoid.derivative.middle_step"
  std::string section;    ///< the heading of the text it is in, verbatim
  std::string quote;      ///< the claim as it stands in the text, verbatim
  std::string statement;  ///< what is tested, in English
  /// The verdict a regression run must compute (CI opts in per claim); without one the claim
  /// is reported, never failed.
  std::optional<verdict> expected;
  std::string correction;     ///< the corrected statement (refuted / needs-correction)
  property as_stated;         ///< the claim as the text states it
  property under_conditions;  ///< the claim restricted to the conditions the text omits
  property corrected;         ///< our corrected statement, which must hold
  int cases = 0;              ///< cases per property (0: the run's default)
  /// Why the claim cannot be checked here (e.g. PyTorch missing), or "" when it can.
  std::function<std::string()> unavailable;
  /// Where it is defined: a C++ file's name and GRADAUDIT_CLAIM's line (register_claim fills
  /// them in), or a claims file and the claim's place in it. The registry orders a section's
  /// family by them, not by when the linker happened to run the registrations.
  std::string defined_in;
  int defined_at = 0;
};

/// Every registered claim: sections in the order given to register_section_order (the others
/// after them, by name), then id families in that order, then where they are defined (file,
/// then line or place in the file).
const std::vector<claim>& registry();
/// Orders the registry's sections and, within a section, the families of ids (an id's first
/// dotted component), e.g. the audited text's headings as they come in it. Call it from a static
/// initialiser of the claims (properties/article_order.cpp); the last call wins.
bool register_section_order(std::vector<std::string> sections,
                            std::vector<std::string> id_families);
/// Registers a claim (used by GRADAUDIT_CLAIM); throws on a duplicate ID. Without a
/// `defined_in`, the claim is defined where register_claim is called (the file's name, the line).
bool register_claim(claim c, std::source_location where = std::source_location::current());
const claim* find_claim(std::string_view id);

/// One checked value of a case, both sides printed to 50 significant digits.
struct comparison {
  std::string what;
  std::string claimed;
  std::string actual;
  std::string bound;  ///< what the difference was allowed to be
  bool ok = true;
};

/// The outcome of running one property.
struct property_result {
  bool ran = false;
  bool passed = false;
  bool gave_up = false;
  bool proven = false;  ///< failed with a proof (a failed check), not an error
  int cases = 0;        ///< cases that passed before the verdict (plus the failing one)
  std::string message;
  std::string reproduce;        ///< RC_PARAMS value replaying the shrunk counterexample
  named_values counterexample;  ///< name, value
  std::vector<comparison> counterexample_checks;
  double min_digits = kExactDigits;           ///< fewest digits certified by any certified check
  double max_ulps = 0;                        ///< largest ULP error seen by any ULP check
  std::string fewest_digits_at;               ///< the inputs of the case with the fewest digits
  std::string max_ulps_at;                    ///< the inputs of the case with the largest ULP error
  int formula_checks = 0;                     ///< certified comparisons of a claimed formula made
  int inconclusive_cases = 0;                 ///< cases with a check the engine could not decide
  double inconclusive_digits = kExactDigits;  ///< fewest digits such a check reached
  std::string inconclusive_at, inconclusive_reason;
  std::map<std::string, int> classes;  ///< input classes named by `classify`, with counts

  /// Passed conclusively: every case decided, at least one case.
  bool holds() const { return passed && cases > 0 && inconclusive_cases == 0; }
};

struct claim_result {
  const claim* c = nullptr;
  verdict observed = verdict::holds;
  /// Why the verdict is inconclusive or not_checked ("" for the others).
  std::string reason;
  property_result as_stated, under_conditions, corrected;
  bool correction_holds = true;
  double seconds = 0;
  /// A computed verdict was computed (not not_checked).
  bool checked() const { return observed != verdict::not_checked; }
  /// No expectation is contradicted: the claim has none, was not checked here, or got its
  /// expected verdict with our correction holding.
  bool matches() const {
    return !c->expected || !checked() || (observed == *c->expected && correction_holds);
  }
};

struct run_options {
  std::uint64_t seed = 20240614;  ///< the article's date; RC_PARAMS="seed=…" overrides it
  int cases = 200;                ///< per property unless the claim says otherwise
};

/// Options from the environment: RC_PARAMS's seed and max_success, when given.
run_options options_from_environment();

claim_result run_claim(const claim& c, const run_options& opt);

/// One line: "refuted  sigmoid.derivative.middle_step  (x = 1: claimed -0.196…, actual 0.196…)".
std::string summary_line(const claim_result& r);

// ---- helpers for properties -------------------------------------------------------------

/// Records an input of the current case (shown in the counterexample, exactly).
void input(std::string_view name, double value);
void input(std::string_view name, const std::vector<double>& value);

/// Counts the current case in the input class `name` when `in` is true. Every class named is
/// reported with its count (0 included): a reader sees what the cases covered, and a claim
/// whose generator never reaches a class it names fails its test.
void classify(std::string_view name, bool in);

/// Asserts a condition; `observed` is what the case shows and `required` what the claim
/// needs (reported as "claimed <required>, actual <observed>").
void check_that(std::string_view what, bool ok, std::string observed, std::string required);

}  // namespace gradaudit::testing

#define GRADAUDIT_CONCAT_INNER(a, b) a##b
#define GRADAUDIT_CONCAT(a, b) GRADAUDIT_CONCAT_INNER(a, b)

/// Registers a claim at static-initialisation time:
///   GRADAUDIT_CLAIM({.id = "...", .section = "...", ...});
/// (named by __COUNTER__, not __LINE__: in a unity build two files' claims share a TU).
#define GRADAUDIT_CLAIM(...)                                                           \
  [[maybe_unused]] static const bool GRADAUDIT_CONCAT(gradaudit_claim_, __COUNTER__) = \
      ::gradaudit::testing::register_claim(::gradaudit::testing::claim __VA_ARGS__)
