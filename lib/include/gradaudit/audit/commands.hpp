#pragma once
/// \file commands.hpp
/// The `audit` and `report merge` commands, with their flags, reports and exit codes, for any
/// program built on gradaudit: the `gradaudit` executable and every executable made by CMake's
/// gradaudit_add_audit (which run the claims linked into them).
#include "gradaudit/audit/report.hpp"

#include <functional>
#include <iosfwd>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace gradaudit::audit {

/// Exit codes shared by every command.
enum exit_code : int {
  ok = 0,
  failure = 1,  ///< bad data (unparsable input, domain error) or a claim with the wrong verdict
  usage = 2,    ///< bad command line
};

/// A command: its arguments after the command's name, its output and error streams.
using command =
    std::function<int(std::span<const std::string> args, std::ostream& out, std::ostream& err)>;

/// `audit --figures DIR`, for programs that draw figures (the gradaudit CLI: the article's).
struct figures_hook {
  /// Every file `write` may make in its directory: each DIR/name is checked as an output
  /// before any claim runs (outputs.hpp), and only these are moved into DIR.
  std::vector<std::string> names;
  /// Writes the figures into `dir` (a private staging directory whose files are moved into
  /// DIR, all together, once the run succeeded): (path relative to the directory, caption)
  /// of each picture, or none with `note` saying why.
  std::function<std::vector<std::pair<std::string, std::string>>(const std::string& dir,
                                                                 std::string& note)>
      write;
};

/// `audit [--seed S] [--cases N] [--digits D] [--only ID]... [--json F] [--markdown F]
/// [--junit F] [--figures DIR]`: runs the registered claims and reports. Exit 0 when no
/// verdict differs from an expected one.
int run_audit(std::span<const std::string> args, std::ostream& out, std::ostream& err,
              const program_info& info, const figures_hook& figures = {});

/// `report merge A.json B.json ... [--json F] [--markdown F] [--junit F]`: joins shards.
int run_report(std::span<const std::string> args, std::ostream& out, std::ostream& err,
               const program_info& info);

/// A further command of a program (the gradaudit CLI's eval and train).
struct named_command {
  std::string name, summary;
  command run;
};

/// main() of an audit program: `PROGRAM audit …`, `PROGRAM report merge …`, and `extra`.
/// Prints uncaught exceptions as "PROGRAM COMMAND: message" and exits 1.
int main_of(int argc, char** argv, const program_info& info,
            const std::vector<named_command>& extra = {}, const figures_hook& figures = {});

}  // namespace gradaudit::audit
