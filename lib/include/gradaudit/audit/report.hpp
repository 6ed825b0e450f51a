#pragma once
/// \file report.hpp
/// The audit's reports: JSON (for CI and tools; read back by `report merge`), Markdown (for
/// people) and JUnit XML. All three are deterministic for a given seed and case count, except
/// the "seconds" fields of JSON and JUnit. The JSON schema is written once, as to_json /
/// from_json of the result types (report_json.hpp).
#include "gradaudit/audit/claim_files.hpp"
#include "gradaudit/testing/claim.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gradaudit::audit {

using testing::claim_result;
using testing::verdict;

/// What the reports say about the program that audits: its name, where its claims come
/// from, and how to replay a counterexample with a program that exists in its build.
struct program_info {
  std::string name = "gradaudit";  ///< in messages and usage: "gradaudit audit: …"
  /// How a user runs it, in the report's replay and regenerate lines (default: name).
  std::string command;
  /// The Markdown header's first sentence: "Every claim of <source>, …".
  std::string source = "the audited text";
  std::string source_noun = "the text";  ///< "*Under the conditions <the text> omits*"

  std::string markdown_path = "REPORT.md";  ///< in the regenerate line
  /// The regenerate line's command before its options (default: "<program()> audit"), e.g.
  /// "gradaudit check claims.toml" for a report that command wrote; when set, the replay line
  /// is `RC_PARAMS="…" <regenerate>` (RapidCheck replays the property its reproduce names).
  std::string regenerate;
  /// Sentences the Markdown report shows under its summary line (e.g. how much of the source
  /// the claims cover), computed when a Markdown report is written, not at every start.
  std::function<std::vector<std::string>()> notes;
  /// The GoogleTest binary running each claim as Claims/Verdict.Matches/<id>, or "" when
  /// there is none: the replay line is then `RC_PARAMS="…" <command> audit --only <id>`.
  std::string gtest_binary;
  /// Claims files whose claims main_of registers at start (e.g. linked_claim_files()).
  std::vector<claims_text> claim_files;

  std::string program() const { return command.empty() ? name : command; }
  /// `RC_PARAMS="<reproduce>" …`, replaying claim `id`'s counterexample.
  std::string replay_line(std::string_view id, std::string_view reproduce) const;
};

struct report_meta {
  std::uint64_t seed = 0;
  int cases = 0;
  int digits = 17;  ///< significant digits every certified check had to reach (--digits)
  double seconds = 0;
  std::vector<std::pair<std::string, std::string>> figures;  ///< path (from the report), caption
  std::string figures_note;  ///< why there are no pictures, if --figures was given without them
  int shard_index = 0, shard_total = 1;  ///< GTEST_SHARD_INDEX / GTEST_TOTAL_SHARDS of the run
};

/// Verdicts counted: the one tally behind the terminal summary and every report.
struct tally {
  std::array<int, testing::kVerdicts> by_verdict{};
  int claims = 0;
  int differ_from_expected = 0;

  void add(const claim_result& r);
  int operator[](verdict v) const { return by_verdict[static_cast<std::size_t>(v)]; }
  /// "3 claims: 1 hold, 1 refuted, 0 need correction, 1 inconclusive" (the last two kinds
  /// only when present; not-checked as "N not checked here").
  std::string text() const;
};
tally count(const std::vector<claim_result>& results);

/// Property cases run for these results: the claim as stated, under the omitted conditions,
/// and the correction (each case evaluates both sides at 50 digits).
long long cases_run(const std::vector<claim_result>& results);

/// A report read back from its JSON (`report merge`).
struct read_report_result {
  std::vector<claim_result> results;  ///< claims point into this binary's registry
  report_meta meta;
};

/// Reads a report written by write_json. Throws std::runtime_error naming the file and the
/// member when it is not such a report, or when a claim is unknown to this binary or its quote
/// or statement differ from the registry's (a report from another version).
read_report_result read_json_report(const std::string& path);
/// The same for a document held in memory; `name` stands for the file in messages.
read_report_result parse_json_report(std::string_view document, const std::string& name);

void write_json(std::ostream& os, const std::vector<claim_result>& results, const report_meta& meta,
                const program_info& info);
void write_markdown(std::ostream& os, const std::vector<claim_result>& results,
                    const report_meta& meta, const program_info& info);
void write_junit(std::ostream& os, const std::vector<claim_result>& results,
                 const report_meta& meta);

}  // namespace gradaudit::audit
