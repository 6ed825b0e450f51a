#pragma once
// The audit's reports: JSON (for CI and tools), Markdown (for people; committed as
// regression/REPORT.md) and JUnit XML. All three are deterministic for a given seed and case
// count, except the "seconds" fields of JSON and JUnit.
#include "gradaudit/testing/claim.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace gradaudit::cli {

struct report_meta {
  std::uint64_t seed = 0;
  int cases = 0;
  double seconds = 0;
  std::vector<std::pair<std::string, std::string>> figures;  ///< path (from the report), caption
  std::string figures_note;  ///< why there are no pictures, if --figures was given without them
};

void write_json(std::ostream& os, const std::vector<testing::claim_result>& results, const report_meta& meta);
void write_markdown(std::ostream& os, const std::vector<testing::claim_result>& results, const report_meta& meta);
void write_junit(std::ostream& os, const std::vector<testing::claim_result>& results, const report_meta& meta);

}  // namespace gradaudit::cli
