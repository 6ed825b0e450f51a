// `audit`: runs the registered claims, prints one line per claim and a summary, and writes
// the reports asked for.
#include "gradaudit/audit/command_line.hpp"
#include "gradaudit/audit/commands.hpp"
#include "gradaudit/audit/numbers.hpp"
#include "gradaudit/audit/text.hpp"
#include "gradaudit/testing/certify.hpp"
#include "gradaudit/audit/outputs.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <ostream>

namespace gradaudit::audit {
namespace {

/// The command line of an audit, as given (validated by settings_from).
struct audit_args {
  std::string seed, cases, digits, figures;
  std::vector<std::string> only;
  report_paths reports;
};

/// What the run does, validated before any claim runs.
struct audit_settings {
  testing::run_options run;
  int digits = 0;
  std::vector<std::string> only;
  int shard_index = 0, shard_total = 1;
};

std::string audit_help_text(const program_info& info) {
  return "Checks every claim linked into " + info.name +
         " and prints one line per claim: the verdict computed by its properties, and the "
         "evidence. A claim "
         "holds only when every case agreed to at least D significant digits (default 17) in "
         "certified "
         "arithmetic; where that cannot be reached it is inconclusive. Exit 0 when no verdict "
         "differs from a "
         "claim's expected verdict (claims without one are reported, never failed). The report "
         "files are written "
         "atomically; a path that cannot be written is an error before any claim runs. With "
         "GTEST_TOTAL_SHARDS=N and GTEST_SHARD_INDEX=I set it runs shard I of N (claims I, I+N, "
         "...); '" +
         info.name +
         " report merge' joins the shards' JSON reports. Numbers are decimal, whole, with no "
         "blanks "
         "or '+'. RC_PARAMS=\"seed=S max_success=N reproduce=…\" works as in RapidCheck.";
}

void add_options(CLI::App& app, audit_args& a, bool figures) {
  add_value(app, "--seed", a.seed,
            "RapidCheck seed, an integer in [0, 2^64 - 1] (default 20240614)")
      ->type_name("S");
  add_value(app, "--cases", a.cases, "cases per property, in [1, 100000000] (default 200)")
      ->type_name("N");
  add_value(app, "--digits", a.digits,
            "significant digits a certified check must reach, in [1, 300]")
      ->type_name("D");
  app.add_option("--only", a.only, "run only this claim (repeatable)")->type_name("ID");
  for (const char* report : {"--json", "--markdown", "--junit"})
    add_value(app, report, a.reports[report],
              std::string("write the ") + (report + 2) + " report to FILE")
        ->type_name("FILE");
  if (figures)
    add_value(app, "--figures", a.figures, "write the figures into DIR")->type_name("DIR");
}

/// GoogleTest's sharding variables: both unset (one shard), or 1 <= GTEST_TOTAL_SHARDS and
/// 0 <= GTEST_SHARD_INDEX < GTEST_TOTAL_SHARDS.
std::pair<int, int> shard_from_environment() {
  const char* total = std::getenv("GTEST_TOTAL_SHARDS");
  const char* index = std::getenv("GTEST_SHARD_INDEX");
  if (!total && !index) return {0, 1};
  if (!total || !index)
    throw usage_error(std::string(total ? "GTEST_TOTAL_SHARDS" : "GTEST_SHARD_INDEX") +
                      " is set but " + (total ? "GTEST_SHARD_INDEX" : "GTEST_TOTAL_SHARDS") +
                      " is not; set both or neither");
  const auto t = integer_option("GTEST_TOTAL_SHARDS", total, 1, 1000000);
  const auto i = integer_option("GTEST_SHARD_INDEX", index, 0, t - 1);
  return {static_cast<int>(i), static_cast<int>(t)};
}

/// Refuses an unknown id, suggesting the nearest one.
void check_ids(const std::vector<std::string>& only) {
  std::vector<std::string> ids;
  for (const auto& c : testing::registry()) ids.push_back(c.id);
  for (const auto& id : only)
    if (!testing::find_claim(id))
      throw usage_error("--only: no claim " + audit::quoted(id) +
                        (ids.empty() ? std::string("; there are no claims")
                                     : "; did you mean " + audit::quoted(nearest(id, ids)) + "?"));
}

audit_settings settings_from(const audit_args& a) {
  audit_settings s;
  s.run = testing::options_from_environment();
  if (!a.seed.empty()) s.run.seed = unsigned_option("--seed", a.seed);
  if (!a.cases.empty())
    s.run.cases = static_cast<int>(integer_option("--cases", a.cases, 1, 100000000));
  s.digits = a.digits.empty() ? testing::settings().digits
                              : static_cast<int>(integer_option("--digits", a.digits, 1, 300));
  check_ids(a.only);
  s.only = a.only;
  std::tie(s.shard_index, s.shard_total) = shard_from_environment();
  return s;
}

/// The claims this run checks: those of --only (all without), then this shard's share (the
/// k-th selected claim belongs to shard k mod total, as GoogleTest deals out tests).
std::vector<const testing::claim*> selected_claims(const audit_settings& s) {
  std::vector<const testing::claim*> out;
  int k = 0;
  for (const auto& c : testing::registry()) {
    if (!s.only.empty() && std::find(s.only.begin(), s.only.end(), c.id) == s.only.end()) continue;
    if (k++ % s.shard_total == s.shard_index) out.push_back(&c);
  }
  return out;
}

std::string_view colour(verdict v, bool tty) {
  if (!tty) return "";
  switch (v) {
    case verdict::holds:
      return "\033[32m";
    case verdict::refuted:
      return "\033[31m";
    case verdict::needs_correction:
      return "\033[33m";
    case verdict::inconclusive:
      return "\033[35m";
    case verdict::not_checked:
      return "";
  }
  return "";
}

std::vector<claim_result> run_claims(const audit_settings& s, std::ostream& out) {
  const bool tty = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
  std::vector<claim_result> results;
  for (const auto* c : selected_claims(s)) {
    results.push_back(testing::run_claim(*c, s.run));
    const auto& r = results.back();
    const std::string_view on = colour(r.observed, tty);
    out << on << testing::summary_line(r) << (on.empty() ? "" : "\033[0m") << "\n";
    out.flush();
  }
  return results;
}

/// Draws the figures and records their links, relative to the Markdown report's folder so
/// that the report can be moved with them.
void add_figures(report_meta& meta, const figures_hook& hook, const std::string& stage,
                 const std::string& dir, const report_paths& reports, std::ostream& out) {
  namespace fs = std::filesystem;
  const auto figs = hook.write(stage, meta.figures_note);
  const auto md = reports.find("--markdown");
  const auto base =
      md == reports.end() ? fs::current_path() : fs::absolute(md->second).parent_path();
  for (const auto& [file, caption] : figs)
    meta.figures.emplace_back(fs::relative(fs::absolute(fs::path(dir) / file), base).string(),
                              caption);
  out << (figs.empty() ? meta.figures_note : "wrote figures to " + dir) << "\n";
}

}  // namespace

int run_audit(std::span<const std::string> args, std::ostream& out, std::ostream& err,
              const program_info& info, const figures_hook& figures) {
  const std::string who = info.name + " audit";
  CLI::App app{wrapped(audit_help_text(info)), who};
  audit_args a;
  add_options(app, a, static_cast<bool>(figures.write));
  if (const auto code = parse_command_line(app, args, out, err)) return *code;
  audit_settings s;
  try {
    s = settings_from(a);
  } catch (const usage_error& e) {
    print_error(err, who, e.what());
    return usage;
  }
  testing::settings().digits = s.digits;
  const bool draw = figures.write && app.count("--figures") > 0;  // (no such option without a hook)
  report_paths asked;
  for (const auto& [option, path] : a.reports)
    if (app.count(option)) asked[option] = path;
  output_set files;
  try {  // every output is checked (exit 2) and its temporary made (exit 1) before any claim runs
    if (draw) files.add_directory("--figures", a.figures, figures.names);
    add_reports(files, asked);
  } catch (const usage_error& e) {
    print_error(err, who, e.what());
    return usage;
  }
  try {
    files.open();
  } catch (const std::exception& e) {
    print_error(err, who, e.what());
    return failure;
  }
  out << info.name << " audit: seed=" << s.run.seed << " cases=" << s.run.cases
      << " (replay with --seed " << s.run.seed << ")";
  if (s.shard_total > 1)
    out << "; shard " << s.shard_index << " of " << s.shard_total
        << " (GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS)";
  out << "\n";
  const auto t0 = std::chrono::steady_clock::now();
  const auto results = run_claims(s, out);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const tally t = count(results);
  const long long cases = cases_run(results);
  out << "\n"
      << t.text() << "; " << t.differ_from_expected << " differ from the expected verdict; seed "
      << s.run.seed << "; " << cases << " cases in " << secs << " s ("
      << static_cast<long long>(static_cast<double>(cases) / std::max(secs, 1e-9)) << " cases/s)\n";
  report_meta meta{s.run.seed, s.run.cases, s.digits, secs, {}, {}, s.shard_index, s.shard_total};
  try {
    if (draw) add_figures(meta, figures, files.staging("--figures"), a.figures, asked, out);
    write_reports(files, results, meta, info, out);
  } catch (const std::exception& e) {
    print_error(err, who, e.what());
    return failure;
  }
  return t.differ_from_expected == 0 ? ok : failure;
}

}  // namespace gradaudit::audit
