#pragma once
/// \file outputs.hpp
/// The one writer of every file the programs write (audit, check and report merge reports,
/// audit's figures, train --json). Rules, the same for every output:
///  - checked before any work (`output_set::add_*`, usage_error: exit 2, naming the option and
///    the value): the name is not empty, its directory exists, is a directory and is
///    writable; an existing target is a regular file (a symlink, a directory, a FIFO, a
///    device or a socket is refused, never replaced or written through); no two outputs of
///    one run name the same file (compared by device and inode where the file exists, by the
///    absolute path with its directory resolved otherwise);
///  - written to a temporary with a unique name (mkstemp) in the target's directory, so that
///    two runs at once never share one and no fixed name is ever deleted;
///  - committed together after the work (renamed over the targets; a figures directory's
///    files are staged in a private directory made by mkdtemp and renamed one by one): a
///    failed run replaces nothing and leaves no temporary;
///  - a fatal signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2,
///    SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF) removes the live temporaries from a handler
///    that then re-raises the signal with its default action, so the exit status is the
///    signal's.
#include "gradaudit/audit/report.hpp"

#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gradaudit::audit {

/// Installs the signal handlers above (leaving alone signals the parent set to be ignored)
/// and opens /dev/null on any of the descriptors 0, 1, 2 that is closed, so that no output
/// file can become standard output. Called once at the start of main_of; idempotent.
void prepare_process();

/// Whether descriptor `fd` (0, 1 or 2) was closed when prepare_process ran (`<&-`, `>&-`).
bool standard_descriptor_was_closed(int fd);

/// Flushes `out` (standard output) and says on `err` "<who>: cannot write standard output
/// (<reason>)" when it or any earlier write failed (once per process, however many callers
/// find it); returns false then (the caller exits 1).
bool finish_output(std::ostream& out, std::ostream& err, const std::string& who);

/// The files a run writes, by option ("--json" → path), checked before the work, written to
/// unique temporaries and committed together after it. Movable, not copyable; the
/// destructor removes whatever was not committed.
class output_set {
 public:
  output_set();
  output_set(output_set&&) noexcept;
  output_set& operator=(output_set&&) noexcept;
  ~output_set();

  /// A file target for `option`; throws usage_error when it breaks a rule above.
  void add_file(const std::string& option, const std::string& path);
  /// A directory `dir` (created at commit if missing) that will receive the files `names`;
  /// each of DIR/name is checked as a file target. Throws usage_error.
  void add_directory(const std::string& option, const std::string& dir,
                     const std::vector<std::string>& names);
  /// Creates every temporary (files, and a staging directory per directory output); throws
  /// std::runtime_error when one cannot be made (exit 1, still before the work).
  void open();
  /// The stream of a file output, or nullptr when the run was not asked to write it.
  std::ostream* stream(const std::string& option);
  /// The staging directory of a directory output ("" when not asked): write the files there.
  std::string staging(const std::string& option) const;
  /// Checks every stream, then renames every temporary over its target (directory outputs:
  /// the staged files among `names`), saying "wrote PATH" for each file output on `log`.
  /// Throws std::runtime_error (nothing is replaced when a write had failed).
  void commit(std::ostream& log);

 private:
  struct impl;
  std::unique_ptr<impl> p_;
};

/// The report options of audit, check and report merge, "--json" / "--markdown" / "--junit" → path.
using report_paths = std::map<std::string, std::string>;

/// Adds every report file of `paths` to `files` (usage_error when one breaks a rule).
void add_reports(output_set& files, const report_paths& paths);

/// Writes the reports asked for and commits every output of `files` together, saying
/// "wrote PATH" on `log`.
void write_reports(output_set& files, const std::vector<claim_result>& results,
                   const report_meta& meta, const program_info& info, std::ostream& log);

}  // namespace gradaudit::audit
