// `gradaudit check`: a claim stated as a formula, or every claim of a claims file, audited by
// the certified engine (the formula language: lib/include/gradaudit/formula/), with the same
// command-line rules, verdicts and reports as `audit`.
#include "check.hpp"

#include "gradaudit/audit/command_line.hpp"
#include "gradaudit/audit/commands.hpp"
#include "gradaudit/audit/numbers.hpp"
#include "gradaudit/audit/outputs.hpp"
#include "gradaudit/audit/text.hpp"
#include "gradaudit/formula/claim.hpp"
#include "gradaudit/testing/certify.hpp"
#include "gradaudit/testing/claim.hpp"

#include <algorithm>
#include <chrono>
#include <ostream>
#include <vector>

namespace gradaudit::cli {
namespace {

using audit::failure;
using audit::ok;
using audit::usage;

constexpr const char* kWho = "gradaudit check";

constexpr const char* kCheckHelp =
    "Audits a claim stated as a formula with the certified engine, e.g. 'd/dz softplus(z) = "
    "sigmoid(z)' --where 'z in [-745, 745]', or every claim of a claims file (FILE.toml). Plain "
    "and "
    "LaTeX syntax (\\frac, \\hat{y}, e^{-x}, \\sigma, \\partial, \\sum_{i=1}^{K}). --where: 'x in "
    "[a, b]' "
    "(open ends with ( )), 'y in {0, 1}', 'K in 2..10', 'w in [-4,4]^3', 'p in simplex^K', "
    "'yhat = sigmoid(w x)', 'f(x) = ...', or a condition 'w x > 0'. --assume: conditions the "
    "source "
    "omits (refuted as stated but holding under them: needs-correction). Claims: F = G, F <= G, "
    "'double: A within N ulp of B', 'as v -> a: F -> L'. Exit 0 when every claim ran (with "
    "--expect: "
    "and got its expected verdict), 1 when one could not, 2 for a bad command line. A formula that "
    "starts with '-' goes last, after '--': gradaudit check --where 'x in [0, 1]' -- '-x = -x'.";

/// The command line as given (validated by settings_from).
struct check_args {
  std::string subject, seed, cases, digits, id = "formula";
  std::vector<std::string> where, assume;
  audit::report_paths reports;
  bool expect = false;
};

bool is_file_subject(const std::string& s) {
  return s.size() > 5 && s.compare(s.size() - 5, 5, ".toml") == 0 &&
         s.find('\n') == std::string::npos;
}

void add_options(CLI::App& app, check_args& a) {
  app.add_option("subject", a.subject, "a formula, or a claims file FILE.toml")
      ->required()
      ->type_name("FORMULA|FILE");
  // One value per occurrence, so that a formula after the clauses is never taken for one.
  app.add_option("--where", a.where, "a domain, definition or condition (repeatable)")
      ->type_name("CLAUSE")
      ->allow_extra_args(false);
  app.add_option("--assume", a.assume, "a condition the source omits (repeatable)")
      ->type_name("CONDITION")
      ->allow_extra_args(false);
  audit::add_value(app, "--id", a.id, "the claim's id in the reports (default 'formula')")
      ->type_name("ID");
  audit::add_value(app, "--seed", a.seed, "RapidCheck seed, an integer in [0, 2^64 - 1]")
      ->type_name("S");
  audit::add_value(app, "--cases", a.cases, "cases per property, in [1, 100000000] (default 200)")
      ->type_name("N");
  audit::add_value(app, "--digits", a.digits,
                   "significant digits a certified check must reach, in [1, 300]")
      ->type_name("D");
  for (const char* report : {"--json", "--markdown", "--junit"})
    audit::add_value(app, report, a.reports[report],
                     std::string("write the ") + (report + 2) + " report to FILE")
        ->type_name("FILE");
  app.add_flag("--expect", a.expect, "exit 1 when a claim's verdict differs from its expected one");
}

testing::run_options run_options_from(const check_args& a) {
  testing::run_options run = testing::options_from_environment();
  if (!a.seed.empty()) run.seed = audit::unsigned_option("--seed", a.seed);
  if (!a.cases.empty())
    run.cases = static_cast<int>(audit::integer_option("--cases", a.cases, 1, 100000000));
  if (!a.digits.empty())
    testing::settings().digits =
        static_cast<int>(audit::integer_option("--digits", a.digits, 1, 300));
  if (is_file_subject(a.subject) && (!a.where.empty() || !a.assume.empty()))
    throw audit::usage_error(
        "--where and --assume belong to a formula; a claims file gives its own");
  return run;
}

/// The claims to run: those of the file, or the one formula.
std::vector<testing::claim> claims_of(const check_args& a) {
  if (is_file_subject(a.subject)) return formula::claims_from_file(a.subject);
  // (leading blanks dropped: the regenerate line writes a formula starting with '-' behind one)
  const std::string formula =
      a.subject.substr(std::min(a.subject.find_first_not_of(' '), a.subject.size()));
  formula::formula_claim c{.id = a.id,
                           .source = "command line",
                           .section = "gradaudit check",
                           .formula = formula,
                           .where = a.where,
                           .assume = a.assume};
  return {formula::to_claim(c)};
}

/// 'text' for a POSIX shell.
std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// The command that wrote the report, for its regenerate line (the report adds the options):
/// "gradaudit check FILE.toml", or the formula with its clauses (a formula starting with '-'
/// behind a blank, which the parser skips and the command line does not take for an option).
std::string check_command(const check_args& a) {
  std::string s = "gradaudit check";
  for (const auto& w : a.where) s += " --where " + shell_quoted(w);
  for (const auto& w : a.assume) s += " --assume " + shell_quoted(w);
  if (a.id != "formula") s += " --id " + shell_quoted(a.id);
  return s + " " + shell_quoted((a.subject.starts_with("-") ? " " : "") + a.subject);
}

/// The report's names: the file's claims, or the command line's.
audit::program_info report_info(const check_args& a) {
  audit::program_info info;
  info.name = "gradaudit check";
  info.command = "gradaudit";
  info.source =
      is_file_subject(a.subject) ? "`" + a.subject + "`" : "a formula given to `gradaudit check`";
  info.source_noun = "the source";
  info.markdown_path =
      a.reports.at("--markdown").empty() ? "REPORT.md" : a.reports.at("--markdown");
  info.regenerate = check_command(a);
  return info;
}

/// The claim's evidence beyond its summary line: both sides of the failed check.
void print_evidence(std::ostream& out, const testing::claim_result& r) {
  for (const auto& c : r.as_stated.counterexample_checks)
    if (!c.ok)
      out << "    " << c.what << ":\n      claimed " << c.claimed << "\n      actual  " << c.actual
          << "\n      " << c.bound << "\n";
  if (!r.as_stated.reproduce.empty())
    out << "    replay: RC_PARAMS='" << r.as_stated.reproduce << "' with the same command line\n";
}

/// Runs the claims, printing a line each; the results.
std::vector<testing::claim_result> run_claims(const std::vector<testing::claim>& claims,
                                              const testing::run_options& run, bool expect,
                                              std::ostream& out) {
  std::vector<testing::claim_result> results;
  for (const auto& c : claims) {
    results.push_back(testing::run_claim(c, run));
    std::string line = testing::summary_line(results.back());
    if (const auto at = line.rfind("  [expected "); !expect && at != std::string::npos)
      line.erase(at);
    out << line << "\n";
    print_evidence(out, results.back());
  }
  return results;
}

}  // namespace

int check(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  CLI::App app{audit::wrapped(kCheckHelp), kWho};
  check_args a;
  add_options(app, a);
  if (const auto code = audit::parse_command_line(app, args, out, err)) return *code;
  testing::run_options run;
  try {
    run = run_options_from(a);
  } catch (const audit::usage_error& e) {
    audit::print_error(err, kWho, e.what());
    return usage;
  }
  std::vector<testing::claim> claims;
  audit::report_paths asked;
  for (const auto& [option, path] : a.reports)
    if (app.count(option)) asked[option] = path;
  audit::output_set files;
  try {  // a bad output is a usage error before any claim runs
    audit::add_reports(files, asked);
  } catch (const audit::usage_error& e) {
    audit::print_error(err, kWho, e.what());
    return usage;
  }
  try {
    claims = claims_of(a);
    files.open();
  } catch (const std::exception& e) {
    audit::print_error(err, "check", e.what());
    return failure;
  }
  const auto t0 = std::chrono::steady_clock::now();
  // The claims must live as long as the results that point at them.
  const auto results = run_claims(claims, run, a.expect, out);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const audit::tally t = audit::count(results);
  out << t.text() << " in " << secs << " s; seed " << run.seed;
  if (a.expect) out << "; " << t.differ_from_expected << " differ from the expected verdict";
  out << "\n";
  try {
    const audit::report_meta meta{run.seed, run.cases, testing::settings().digits, secs, {}, {},
                                  0,        1};
    audit::write_reports(files, results, meta, report_info(a), out);
  } catch (const std::exception& e) {
    audit::print_error(err, "check", e.what());
    return failure;
  }
  if (t[testing::verdict::not_checked] > 0) return failure;
  return a.expect && t.differ_from_expected > 0 ? failure : ok;
}

}  // namespace gradaudit::cli
