#include "check.hpp"

#include "gradaudit/formula/claim.hpp"
#include "gradaudit/testing/certify.hpp"
#include "gradaudit/testing/claim.hpp"
#include "json_writer.hpp"
#include "report.hpp"

#include <cctype>
#include <chrono>
#include <limits>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

namespace gradaudit::cli {

namespace {

constexpr int kOk = 0, kFailure = 1, kUsage = 2;

/// The command line of `gradaudit check`, parsed.
struct check_options {
  std::string subject;  ///< a formula or a .toml file
  std::vector<std::string> where, assume;
  std::map<std::string, std::string> outputs;  ///< --json / --markdown / --junit -> path
  testing::run_options run = testing::options_from_environment();
  bool expect = false;
  std::string id = "formula";
};

void usage_text(std::ostream& os) {
  os << "usage: gradaudit check 'FORMULA' [--where CLAUSE]... [--assume CONDITION]... [--id ID]\n"
        "       gradaudit check FILE.toml [--json F] [--markdown F] [--junit F] [--expect]\n"
        "       (both: [--cases N] [--seed S] [--digits D])\n"
        "  Audits a claim stated as a formula with the certified engine: 'd/dz softplus(z) =\n"
        "  sigmoid(z)' --where 'z in [-745, 745]'. Plain and LaTeX syntax (\\frac, \\hat{y}, e^{-x},\n"
        "  \\sigma, \\partial, \\sum_{i=1}^{K}). --where: 'x in [a, b]' (open ends with ( )),\n"
        "  'y in {0, 1}', 'K in 2..10', 'w in [-4,4]^3', 'p in simplex^K', 'yhat = sigmoid(w x)',\n"
        "  'f(x) = ...', or a condition 'w x > 0'. --assume: conditions the source omits (refuted\n"
        "  as stated but holding under them: needs-correction). Claims: F = G, F <= G,\n"
        "  'double: A within N ulp of B', 'as v -> a: F -> L'. Exit 0 when every claim ran (with\n"
        "  --expect: and got its expected verdict), 1 when one could not, 2 for a bad command line.\n";
}

bool is_file_subject(const std::string& s) {
  return s.size() > 5 && s.compare(s.size() - 5, 5, ".toml") == 0 && s.find('\n') == std::string::npos;
}

/// Parses the arguments; nullopt (after a message) on a bad command line.
std::optional<check_options> parse_args(std::span<const std::string> args, std::ostream& err) {
  check_options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string* {
      if (i + 1 >= args.size()) {
        err << "gradaudit check: " << a << " needs a value\n";
        return nullptr;
      }
      return &args[++i];
    };
    auto number = [&](long long lo, long long hi) -> std::optional<long long> {
      const std::string* v = value();
      if (!v) return std::nullopt;
      char* end = nullptr;
      const long long n = std::strtoll(v->c_str(), &end, 10);
      if (v->empty() || *end != '\0' || n < lo || n > hi) {
        err << "gradaudit check: " << a << ": '" << *v << "' is not an integer in [" << lo << ", " << hi << "]\n";
        return std::nullopt;
      }
      return n;
    };
    if (a == "--where" || a == "--assume" || a == "--id") {
      const std::string* v = value();
      if (!v) return std::nullopt;
      if (a == "--where") o.where.push_back(*v);
      else if (a == "--assume") o.assume.push_back(*v);
      else o.id = *v;
    } else if (a == "--cases") {
      const auto n = number(1, 100000000);
      if (!n) return std::nullopt;
      o.run.cases = static_cast<int>(*n);
    } else if (a == "--seed") {
      const auto n = number(0, std::numeric_limits<long long>::max());
      if (!n) return std::nullopt;
      o.run.seed = static_cast<std::uint64_t>(*n);
    } else if (a == "--digits") {
      const auto n = number(1, 300);
      if (!n) return std::nullopt;
      testing::settings().digits = static_cast<int>(*n);
    } else if (a == "--json" || a == "--markdown" || a == "--junit") {
      const std::string* v = value();
      if (!v) return std::nullopt;
      if (o.outputs.count(a)) {
        err << "gradaudit check: " << a << " given twice\n";
        return std::nullopt;
      }
      o.outputs[a] = *v;
    } else if (a == "--expect") {
      o.expect = true;
    } else if (o.subject.empty() && (a.empty() || a[0] != '-' || a.size() == 1 || !std::isalpha(static_cast<unsigned char>(a[1])))) {
      o.subject = a;  // (a formula may start with '-': "-x = ...")
    } else {
      err << "gradaudit check: unknown argument '" << a << "'\n";
      return std::nullopt;
    }
  }
  if (o.subject.empty()) {
    err << "gradaudit check: expected a formula or a claims file (.toml)\n";
    return std::nullopt;
  }
  if (is_file_subject(o.subject) && (!o.where.empty() || !o.assume.empty())) {
    err << "gradaudit check: --where and --assume belong to a formula; a claims file gives its own\n";
    return std::nullopt;
  }
  return o;
}

/// The claims to run: those of the file, or the one formula.
std::vector<testing::claim> claims_of(const check_options& o) {
  if (is_file_subject(o.subject)) return formula::claims_from_file(o.subject);
  formula::formula_claim c{.id = o.id, .source = "command line", .section = "gradaudit check", .formula = o.subject,
                           .where = o.where, .assume = o.assume};
  return {formula::to_claim(c)};
}

/// " --where '…' --assume '…'" as given.
std::string clauses(const check_options& o) {
  std::string s;
  for (const auto& w : o.where) s += " --where '" + w + "'";
  for (const auto& a : o.assume) s += " --assume '" + a + "'";
  return s;
}

/// The claim's evidence beyond its summary line: counterexample sides and the replay line.
void print_evidence(std::ostream& out, const testing::claim_result& r, const check_options& o) {
  const testing::property_result& p = r.as_stated;
  for (const auto& c : p.counterexample_checks)
    if (!c.ok)
      out << "    " << c.what << ":\n      claimed " << c.claimed << "\n      actual  " << c.actual << "\n      "
          << c.bound << "\n";
  if (!p.reproduce.empty())
    out << "    replay: RC_PARAMS='" << p.reproduce << "' gradaudit check "
        << (is_file_subject(o.subject) ? o.subject : "'" + o.subject + "'" + clauses(o)) << " --seed " << o.run.seed
        << "\n";
}

int write_reports(const check_options& o, std::map<std::string, std::unique_ptr<atomic_file>>& files,
                  const std::vector<testing::claim_result>& results, double secs, std::ostream& out) {
  report_meta meta{o.run.seed, o.run.cases, testing::settings().digits, secs, {}, {}, 0, 1};
  if (files.count("--json")) write_json(files["--json"]->stream(), results, meta);
  if (files.count("--markdown")) write_markdown(files["--markdown"]->stream(), results, meta);
  if (files.count("--junit")) write_junit(files["--junit"]->stream(), results, meta);
  for (auto& [flag, f] : files) {
    f->commit();
    out << "wrote " << o.outputs.at(flag) << "\n";
  }
  return kOk;
}

}  // namespace

int check(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      usage_text(out);
      return kOk;
    }
  const auto o = parse_args(args, err);
  if (!o) {
    usage_text(err);
    return kUsage;
  }
  std::vector<testing::claim> claims;
  try {
    claims = claims_of(*o);
  } catch (const std::exception& e) {
    err << "check: " << e.what() << "\n";
    return kFailure;
  }
  std::map<std::string, std::unique_ptr<atomic_file>> files;
  try {
    for (const auto& [flag, path] : o->outputs) {
      files[flag] = std::make_unique<atomic_file>(path);
      files[flag]->begin();
    }
  } catch (const std::exception& e) {
    err << "check: " << e.what() << "\n";
    return kFailure;
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<testing::claim_result> results;
  int mismatches = 0, not_run = 0;
  for (const auto& c : claims) {
    const auto r = testing::run_claim(c, o->run);
    results.push_back(r);
    std::string line = testing::summary_line(r);
    if (const auto at = line.rfind("  [expected "); !o->expect && at != std::string::npos) line.erase(at);
    out << line << "\n";
    print_evidence(out, r, *o);
    if (!r.undetermined.empty()) ++not_run;
    else if (!r.matches()) ++mismatches;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out << claims.size() << " claim" << (claims.size() == 1 ? "" : "s") << " in " << secs << " s; seed " << o->run.seed;
  if (o->expect) out << "; " << mismatches << " differ from the expected verdict";
  out << "\n";
  try {
    write_reports(*o, files, results, secs, out);
  } catch (const std::exception& e) {
    err << "check: " << e.what() << "\n";
    return kFailure;
  }
  if (not_run > 0) return kFailure;
  return o->expect && mismatches > 0 ? kFailure : kOk;
}

}  // namespace gradaudit::cli
