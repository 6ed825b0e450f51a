#pragma once
// The `gradaudit` executable's own commands (eval, train), each testable in-process; `audit`
// and `report merge` are gradaudit::audit's (lib/include/gradaudit/audit/commands.hpp).
#include "gradaudit/audit/commands.hpp"

#include <iosfwd>
#include <span>
#include <string>

namespace gradaudit::cli {

using audit::exit_code;
using audit::failure;
using audit::ok;
using audit::usage;

/// `gradaudit eval FUNCTION [--y Y] [--reference]`: one number per line from `in`, one result
/// per line to `out`.
int eval(std::span<const std::string> args, std::istream& in, std::ostream& out, std::ostream& err);

/// `gradaudit train …`: full-batch gradient descent on a CSV or the article's data set.
int train(std::span<const std::string> args, std::ostream& out, std::ostream& err);

/// What the gradaudit CLI's reports say about it: the article, the replay through
/// gradaudit_properties, the committed REPORT.md.
audit::program_info program();

/// `audit --figures DIR`: the article's figures.
audit::figures_hook article_figures();

/// `gradaudit audit …` and `gradaudit report …` with the above.
int audit(std::span<const std::string> args, std::ostream& out, std::ostream& err);
int report(std::span<const std::string> args, std::ostream& out, std::ostream& err);

}  // namespace gradaudit::cli
