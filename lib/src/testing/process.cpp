#include "gradaudit/testing/process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace gradaudit::testing {
namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
volatile sig_atomic_t child_pid = 0;

extern "C" void forward_to_child(int sig) {
  if (child_pid > 0) ::kill(child_pid, sig);
}

/// Installs the forwarding handlers for its lifetime, then restores the previous ones.
class forwarding {
 public:
  explicit forwarding(pid_t pid) {
    child_pid = pid;
    struct sigaction sa {};
    sa.sa_handler = forward_to_child;
    sigemptyset(&sa.sa_mask);
    for (std::size_t i = 0; i < std::size(kForwarded); ++i)
      sigaction(kForwarded[i], &sa, &saved_[i]);
  }
  ~forwarding() {
    for (std::size_t i = 0; i < std::size(kForwarded); ++i)
      sigaction(kForwarded[i], &saved_[i], nullptr);
    child_pid = 0;
  }
  forwarding(const forwarding&) = delete;
  forwarding& operator=(const forwarding&) = delete;

 private:
  struct sigaction saved_[std::size(kForwarded)]{};
};

bool is_interruption(int sig) {
  for (int s : kForwarded)
    if (s == sig) return true;
  return false;
}

}  // namespace

process_status run_process(const std::vector<std::string>& argv, const std::string& output,
                           const std::string& directory) {
  process_status st;
  if (argv.empty()) {
    st.error = "no program given";
    return st;
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  const char* out = output.empty() ? "/dev/null" : output.c_str();
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
  if (!directory.empty()) posix_spawn_file_actions_addchdir_np(&fa, directory.c_str());
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    st.error = std::string("cannot start ") + argv[0] + ": " + std::strerror(rc);
    return st;
  }
  st.started = true;
  int status = 0;
  {
    forwarding guard(pid);
    while (::waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) {
        st.error = std::string("waitpid: ") + std::strerror(errno);
        return st;
      }
    }
  }
  if (WIFEXITED(status)) st.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) st.signal = WTERMSIG(status);
  if (is_interruption(st.signal)) ::raise(st.signal);  // the previous handlers are back
  return st;
}

}  // namespace gradaudit::testing
