#pragma once
// The subcommands of the `gradaudit` executable, each testable in-process.
#include <iosfwd>
#include <span>
#include <string>

namespace gradaudit::cli {

/// Exit codes shared by every subcommand.
enum exit_code : int {
  ok = 0,
  failure = 1,  ///< bad data (unparsable line, domain error) or a claim with the wrong verdict
  usage = 2,    ///< bad command line
};

/// `gradaudit eval FUNCTION [--y Y] [--reference]`: one number per line from `in`, one result
/// per line to `out`.
int eval(std::span<const std::string> args, std::istream& in, std::ostream& out, std::ostream& err);

/// `gradaudit train …`: full-batch gradient descent on a CSV or the article's data set.
int train(std::span<const std::string> args, std::ostream& out, std::ostream& err);

/// `gradaudit audit [--seed S] [--cases N] [--only ID]...`: runs the claims and reports.
int audit(std::span<const std::string> args, std::ostream& out, std::ostream& err);

/// `gradaudit report merge A.json B.json … [--json OUT] [--markdown OUT] [--junit OUT]`:
/// joins the reports of audit shards.
int report(std::span<const std::string> args, std::ostream& out, std::ostream& err);

}  // namespace gradaudit::cli
