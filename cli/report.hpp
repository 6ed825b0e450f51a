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
  int digits = 17;  ///< significant digits every certified check had to reach (--digits)
  double seconds = 0;
  std::vector<std::pair<std::string, std::string>> figures;  ///< path (from the report), caption
  std::string figures_note;  ///< why there are no pictures, if --figures was given without them
  int shard_index = 0, shard_total = 1;  ///< GTEST_SHARD_INDEX / GTEST_TOTAL_SHARDS of the run
};

/// Property cases run for these results: the claim as stated, under the omitted conditions,
/// and the correction (each case evaluates both sides at 50 digits).
long long cases_run(const std::vector<testing::claim_result>& results);

/// A report read back from its JSON (`gradaudit report merge`).
struct read_report_result {
  std::vector<testing::claim_result> results;  ///< claims point into this binary's registry
  report_meta meta;
};

/// Reads a report written by write_json. Throws std::runtime_error naming the file and the
/// member when it is not such a report, or when a claim is unknown to this binary or its quote
/// or statement differ from the registry's (a report from another version).
read_report_result read_json_report(const std::string& path);

void write_json(std::ostream& os, const std::vector<testing::claim_result>& results, const report_meta& meta);
void write_markdown(std::ostream& os, const std::vector<testing::claim_result>& results, const report_meta& meta);
void write_junit(std::ostream& os, const std::vector<testing::claim_result>& results, const report_meta& meta);

}  // namespace gradaudit::cli
