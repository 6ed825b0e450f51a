#pragma once
/// \file report_json.hpp
/// The JSON report's schema, once: to_json / from_json of the result types (nlohmann-json,
/// ordered_json so that members keep the order written here). from_json throws
/// report_error("missing member \"cases\"", …); the reader adds the file and the claim.
#include "gradaudit/testing/claim.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace gradaudit::audit {

using json = nlohmann::ordered_json;

/// A report that is not one of ours; the message names the member.
class report_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gradaudit::audit

namespace gradaudit::testing {

void to_json(audit::json& j, const comparison& c);
void from_json(const audit::json& j, comparison& c);
/// A claim's result; `r.c` must be set (to_json) or is looked up by "id" (from_json). The
/// "property" member (the GoogleTest name) is written by the report, which knows the program.
void to_json(audit::json& j, const claim_result& r);
void from_json(const audit::json& j, claim_result& r);

}  // namespace gradaudit::testing
