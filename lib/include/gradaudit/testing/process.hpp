#pragma once
/// \file process.hpp
/// The one way gradaudit starts another program: an argument vector, never a shell (no quoting,
/// no injection), standard input from /dev/null, output to a file or /dev/null, and signals
/// passed on. A child killed by SIGINT, SIGTERM, SIGHUP or SIGQUIT is an interruption of the
/// whole run (Ctrl-C reaches the process group): the caller dies of the same signal, after its
/// own handlers (report temporaries) have run, instead of mistaking it for a failed check.

#include <string>
#include <vector>

namespace gradaudit::testing {

/// How a child ended: exited with `code`, or killed by `signal` (then code is -1), or could
/// not be started (`started` false, `error` says why).
struct process_status {
  bool started = false;
  int code = -1;
  int signal = 0;
  std::string error;
  bool ok() const { return started && signal == 0 && code == 0; }
};

/// Runs argv[0] (a path, or a name looked up in PATH) with arguments argv[1..], in the
/// working directory `directory` ("" for this process's). Its standard output and error go to
/// `output` (created or truncated; "" for /dev/null). While it runs,
/// SIGINT, SIGTERM, SIGHUP and SIGQUIT received by this process are forwarded to it; if it dies
/// of one of them, this process re-raises that signal on itself (see the file comment).
process_status run_process(const std::vector<std::string>& argv, const std::string& output = "",
                           const std::string& directory = "");

}  // namespace gradaudit::testing
