#pragma once
// `gradaudit check`: audits a claim stated as a formula, or every claim of a claims file, with
// the certified engine (the formula language: lib/include/gradaudit/formula/).
#include <iosfwd>
#include <span>
#include <string>

namespace gradaudit::cli {

/// `gradaudit check 'FORMULA' [--where CLAUSE]... [--assume CONDITION]... [--cases N] [--seed S]
/// [--digits D]` or `gradaudit check FILE.toml [--json F] [--markdown F] [--junit F] [--expect]`.
/// Exit 0: every claim ran (and, with --expect, got its expected verdict); 1: a claim could not
/// be built or run (bad formula, undefined name, unfitting domain, unreadable file) or a verdict
/// differs under --expect; 2: bad command line.
int check(std::span<const std::string> args, std::ostream& out, std::ostream& err);

}  // namespace gradaudit::cli
