#pragma once
/// \file claim.hpp
/// A claim stated as a formula becomes a `gradaudit::testing::claim` (claim.hpp in testing/),
/// so that the runner, the verdict rules and the reports are the ones the C++ claims use:
///
///  - `as_stated`: the formula over the `where` domains (and the `where` conditions);
///  - `under_conditions`: the same restricted to the `assume` conditions (the ones the source
///    omits), when there are any: refuted as stated but holding under them is needs-correction;
///  - `corrected`: an optional corrected formula, which must hold.
///
/// Input classes (`classes`: a name and a condition on the drawn variables) are counted in every
/// property as the C++ claims' `testing::classify` counts them: each case that ran falls in the
/// classes whose condition is certainly true at it (decided in balls; undecided counts as not).
///
/// Every check is certified (testing/certify.hpp): equalities by `certify_equal` (the left side
/// is the truth, each later side the claim), bounds by `certify_at_most`, `double:` claims by
/// `certify_ulps`. A limit `as v -> a: F -> L` is numerical evidence, not a proof: |F - L| is
/// certified below 10^-9 at v = a ∓ 2^-200 (or v = ±2^200 for a = ±inf).
///
/// Bad input is refused before any case runs: a formula or clause that does not parse
/// (`parse_error`, one line with the column), an undefined variable or an unknown function
/// (`eval_error`), a domain on which the formula is undefined (`domain_error`, naming the point).
/// Exception: when the claim has `assume` conditions, a point of the stated domain where the
/// formula is undefined is the refutation of the claim as stated (and the conditions must
/// exclude every such point found).

#include "gradaudit/testing/claim.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace gradaudit::formula {

/// The formula is undefined somewhere on the domain it is claimed for.
class domain_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A claims file that cannot be read (its path and the line are in the message).
class file_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A claim as written in a claims file or on the command line.
struct formula_claim {
  std::string id;                            ///< "sigmoid.derivative.identity"
  std::string source;                        ///< where the claim is from (an article, a paper)
  std::string section;                       ///< its section there, verbatim
  std::string quote;                         ///< the claim as it stands there, verbatim
  std::string formula;                       ///< the claim in the formula language (parse.hpp)
  std::vector<std::string> where;            ///< domains, definitions and conditions of the claim
  std::vector<std::string> assume;           ///< conditions the source omits
  std::string correction;                    ///< the corrected statement, in words
  std::string corrected;                     ///< a corrected formula that must hold ("" for none)
  std::optional<testing::verdict> expected;  ///< none: only reported
  int cases = 0;                             ///< 0: the run's default
  /// Input classes reported with their counts: (name, condition), e.g.
  /// ("saturated |x| > 36.7", "|x| > 36.7").
  std::vector<std::pair<std::string, std::string>> classes;
};

/// Checks the claim (parse, names, domains) and makes it a testing::claim whose properties
/// evaluate the formula with the certified engine. Throws parse_error, eval_error or
/// domain_error (all std::runtime_error, one line each) for bad input.
testing::claim to_claim(const formula_claim& c);

/// Reads a claims file (TOML: an array of tables [[claim]] with the fields of formula_claim;
/// `expected` is "holds", "refuted", "needs-correction" or "inconclusive"; `classes` an array
/// of tables {name = "…", when = "…"}). Throws file_error.
std::vector<formula_claim> load_claims(const std::string& path);
/// The same for the text of a claims file (e.g. one embedded in a program); `name` stands for
/// the file in messages.
std::vector<formula_claim> load_claims_from_text(const std::string& text, const std::string& name);

/// Reads a claims file and makes each claim a testing::claim; throws file_error naming the
/// claim whose formula is bad.
std::vector<testing::claim> claims_from_file(const std::string& path);

/// claims_from_file for the text of a claims file; `name` stands for the file in messages.
std::vector<testing::claim> claims_from_text(const std::string& text, const std::string& name);

/// claims_from_file, each registered in the registry (testing::register_claim).
std::size_t register_claims_from_file(const std::string& path);

/// "holds" -> verdict::holds, …; nullopt for anything else.
std::optional<testing::verdict> verdict_from_string(const std::string& s);

}  // namespace gradaudit::formula
