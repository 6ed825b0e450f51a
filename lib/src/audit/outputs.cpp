// The one writer of every output file (see outputs.hpp for the rules).
#include "gradaudit/audit/outputs.hpp"

#include "gradaudit/audit/numbers.hpp"
#include "gradaudit/audit/text.hpp"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <stdexcept>

namespace gradaudit::audit {
namespace {

namespace fs = std::filesystem;

constexpr int kFatalSignals[] = {SIGINT,  SIGTERM, SIGHUP,  SIGQUIT, SIGPIPE,   SIGALRM,
                                 SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF};

/// The live temporaries, for the signal handler: fixed storage, because a handler may only
/// call async-signal-safe functions (unlink, rmdir, sigaction, raise). A slot is free (0),
/// being filled (1), a file (2) or a directory (3, removed after the files in it).
struct live_registry {
  static constexpr int slots = 64;
  char path[slots][PATH_MAX] = {};
  std::atomic<int> state[slots] = {};
};
live_registry g_live;
bool g_closed_at_start[3] = {false, false, false};
bool g_stdout_reported = false;  ///< "cannot write standard output" said once

extern "C" void remove_live_and_reraise(int sig) {
  const int saved = errno;
  for (int kind : {2, 3})
    for (int i = 0; i < live_registry::slots; ++i)
      if (g_live.state[i].load(std::memory_order_acquire) == kind)
        kind == 2 ? ::unlink(g_live.path[i]) : ::rmdir(g_live.path[i]);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(sig, &dfl, nullptr);
  ::raise(sig);  // blocked until this handler returns; then the default action: death by `sig`
  errno = saved;
}

/// Registers `path` (a file, or a directory when `dir`); -1 when it cannot be registered.
int remember(const std::string& path, bool dir) {
  if (path.size() >= PATH_MAX) return -1;
  for (int i = 0; i < live_registry::slots; ++i) {
    int expected = 0;
    if (!g_live.state[i].compare_exchange_strong(expected, 1)) continue;
    std::memcpy(g_live.path[i], path.c_str(), path.size() + 1);
    g_live.state[i].store(dir ? 3 : 2, std::memory_order_release);
    return i;
  }
  return -1;
}

void forget(int& slot) {
  if (slot >= 0) g_live.state[slot].store(0, std::memory_order_release);
  slot = -1;
}

/// Blocks the fatal signals for its lifetime: a temporary is created and registered at once.
class signals_blocked {
 public:
  signals_blocked() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : kFatalSignals) sigaddset(&set, s);
    ::pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~signals_blocked() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  signals_blocked(const signals_blocked&) = delete;
  signals_blocked& operator=(const signals_blocked&) = delete;

 private:
  sigset_t old_;
};

std::string what_it_is(mode_t m) {
  if (S_ISREG(m)) return "a regular file";
  if (S_ISDIR(m)) return "a directory";
  if (S_ISLNK(m)) return "a symbolic link";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

std::string directory_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

/// Throws usage_error unless `dir` exists, is a directory and new files can be made in it.
void check_writable_directory(const std::string& option, const std::string& path,
                              const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0)
    throw usage_error(option + ": " + audit::quoted(path) + ": its directory " +
                      audit::quoted(dir) +
                      (errno == ENOENT ? std::string(" does not exist")
                                       : " cannot be used: " + std::string(std::strerror(errno))));
  if (!S_ISDIR(st.st_mode))
    throw usage_error(option + ": " + audit::quoted(path) + ": " + audit::quoted(dir) +
                      " is not a directory");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw usage_error(option + ": " + audit::quoted(path) + ": cannot create files in " +
                      audit::quoted(dir) + " (" + std::strerror(errno) + ")");
}

/// Checks a file target (outputs.hpp); returns what identifies the file it names.
std::string check_file_target(const std::string& option, const std::string& path) {
  if (path.empty()) throw usage_error(option + ": the file name is empty");
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode))
      throw usage_error(option + ": " + audit::quoted(path) + " is " + what_it_is(st.st_mode) +
                        "; outputs are only written to regular files (name a new or regular file)");
    check_writable_directory(option, path, directory_of(path));
    return "inode " + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  }
  if (errno != ENOENT)
    throw usage_error(option + ": " + audit::quoted(path) +
                      " cannot be used: " + std::strerror(errno));
  if (path.back() == '/')
    throw usage_error(option + ": " + audit::quoted(path) + " names a directory, not a file");
  const std::string dir = directory_of(path);
  check_writable_directory(option, path, dir);
  std::error_code ec;
  const fs::path real = fs::canonical(dir, ec);
  return "path " +
         ((ec ? fs::absolute(dir) : real) / fs::path(path).filename()).lexically_normal().string();
}

/// mode 0666 less the umask, what a plain open(O_CREAT) would give (mkstemp makes 0600).
mode_t file_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

/// "DIR/.NAME.gradaudit-" (NAME cut to stay within a file name's 255 bytes).
std::string temporary_prefix(const std::string& path) {
  std::string base = fs::path(path).filename().string();
  if (base.size() > 200) base.resize(200);
  return (fs::path(directory_of(path)) / ("." + base + ".gradaudit-")).string();
}

}  // namespace

void prepare_process() {
  static bool done = false;
  if (done) return;
  done = true;
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    g_closed_at_start[fd] = true;
    const int got =
        ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);  // the lowest free descriptor: fd
    if (got != fd && got >= 0) ::close(got);
  }
  for (int sig : kFatalSignals) {
    struct sigaction old {};
    ::sigaction(sig, nullptr, &old);
    if (old.sa_handler == SIG_IGN) continue;  // `nohup`, a background job: keep ignoring it
    struct sigaction sa {};
    sa.sa_handler = remove_live_and_reraise;
    sigemptyset(&sa.sa_mask);
    ::sigaction(sig, &sa, nullptr);
  }
}

bool standard_descriptor_was_closed(int fd) { return fd >= 0 && fd <= 2 && g_closed_at_start[fd]; }

bool finish_output(std::ostream& out, std::ostream& err, const std::string& who) {
  out.flush();
  const bool closed = standard_descriptor_was_closed(1);
  if (out && !closed && std::fflush(stdout) == 0 && !std::ferror(stdout)) return true;
  const int e = errno;
  if (g_stdout_reported) return false;  // one line, however many callers find the failure
  g_stdout_reported = true;
  err << who << ": cannot write standard output ("
      << (closed ? std::string("it was closed") : std::string(e ? std::strerror(e) : "write error"))
      << ")\n";
  return false;
}

struct output_set::impl {
  struct file_output {
    std::string option, path, tmp;
    int slot = -1;
    std::ofstream out;
    bool committed = false;
  };
  struct directory_output {
    std::string option, dir, stage;
    std::vector<std::string> names;
    int stage_slot = -1;
    std::vector<int> name_slots;
    bool committed = false;
  };
  std::vector<std::unique_ptr<file_output>> files;
  std::vector<directory_output> dirs;
  std::map<std::string, std::string> owner;  ///< file identity → "--json 'PATH'"

  void claim(const std::string& key, const std::string& option, const std::string& path) {
    const std::string who = option + " " + audit::quoted(path);
    if (const auto [it, fresh] = owner.emplace(key, who); !fresh)
      throw usage_error(who + " is the same file as " + it->second +
                        "; each output needs its own file");
  }
  void open_file(file_output& f);
  void open_directory(directory_output& d);
  void commit_directory(directory_output& d);
  void discard();
};

void output_set::impl::open_file(file_output& f) {
  signals_blocked quiet;  // registered as soon as it exists
  std::string name = temporary_prefix(f.path) + "XXXXXX";
  const int fd = ::mkstemp(name.data());
  if (fd < 0) throw std::runtime_error("cannot write " + f.path + ": " + std::strerror(errno));
  f.tmp = name;
  f.slot = remember(f.tmp, false);
  ::fchmod(fd, file_mode());
  ::close(fd);
  if (f.slot < 0) throw std::runtime_error("cannot write " + f.path + ": too many outputs");
  f.out.open(f.tmp, std::ios::binary | std::ios::trunc);
  if (!f.out) throw std::runtime_error("cannot write " + f.path + " (cannot open " + f.tmp + ")");
}

void output_set::impl::open_directory(directory_output& d) {
  signals_blocked quiet;
  const bool exists = fs::is_directory(d.dir);
  std::string name =
      (exists ? (fs::path(d.dir) / ".gradaudit-").string() : temporary_prefix(d.dir)) + "XXXXXX";
  if (!::mkdtemp(name.data()))
    throw std::runtime_error("cannot write in " + d.dir + ": " + std::strerror(errno));
  d.stage = name;
  d.stage_slot = remember(d.stage, true);
  for (const auto& n : d.names)
    d.name_slots.push_back(remember((fs::path(d.stage) / n).string(), false));
  if (d.stage_slot < 0) throw std::runtime_error("cannot write in " + d.dir + ": too many outputs");
}

void output_set::impl::commit_directory(directory_output& d) {
  std::error_code ec;
  if (!fs::is_directory(d.dir) && ::mkdir(d.dir.c_str(), 0777) != 0)
    throw std::runtime_error("cannot create " + d.dir + ": " + std::strerror(errno));
  for (const auto& n : d.names) {
    const fs::path from = fs::path(d.stage) / n;
    if (!fs::exists(from, ec)) continue;  // not drawn (no gnuplot)
    if (::rename(from.c_str(), (fs::path(d.dir) / n).c_str()) != 0)
      throw std::runtime_error("cannot move " + from.string() + " to " + d.dir + ": " +
                               std::strerror(errno));
  }
  fs::remove_all(d.stage, ec);
  for (int& s : d.name_slots) forget(s);
  forget(d.stage_slot);
  d.committed = true;
}

void output_set::impl::discard() {
  for (auto& f : files) {
    if (f->out.is_open()) f->out.close();
    if (!f->committed && !f->tmp.empty()) ::unlink(f->tmp.c_str());
    forget(f->slot);
  }
  for (auto& d : dirs) {
    std::error_code ec;
    if (!d.committed && !d.stage.empty()) fs::remove_all(d.stage, ec);
    for (int& s : d.name_slots) forget(s);
    forget(d.stage_slot);
  }
}

output_set::output_set() : p_(std::make_unique<impl>()) {}
output_set::output_set(output_set&&) noexcept = default;
output_set& output_set::operator=(output_set&& o) noexcept {
  if (p_) p_->discard();
  p_ = std::move(o.p_);
  return *this;
}
output_set::~output_set() {
  if (p_) p_->discard();
}

void output_set::add_file(const std::string& option, const std::string& path) {
  p_->claim(check_file_target(option, path), option, path);
  auto f = std::make_unique<impl::file_output>();
  f->option = option;
  f->path = path;
  p_->files.push_back(std::move(f));
}

void output_set::add_directory(const std::string& option, const std::string& given,
                               const std::vector<std::string>& names) {
  if (given.empty()) throw usage_error(option + ": the directory name is empty");
  std::string dir = given;  // "figs/" is "figs"
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  struct stat st {};
  const bool exists = ::stat(dir.c_str(), &st) == 0;
  if (exists && !S_ISDIR(st.st_mode))
    throw usage_error(option + ": " + audit::quoted(dir) + " is " + what_it_is(st.st_mode) +
                      ", not a directory");
  const std::string parent = directory_of(fs::path(dir).lexically_normal().string());
  check_writable_directory(option, dir, exists ? dir : parent);
  std::error_code ec;
  const fs::path real = fs::weakly_canonical(fs::absolute(dir), ec);
  for (const auto& n : names) {
    const std::string path = (fs::path(dir) / n).string();
    // A new directory holds no files yet: its files are named by path.
    p_->claim(
        exists ? check_file_target(option, path) : "path " + (real / n).lexically_normal().string(),
        option, path);
  }
  p_->dirs.push_back({option, dir, "", names, -1, {}, false});
}

void output_set::open() {
  for (auto& f : p_->files) p_->open_file(*f);
  for (auto& d : p_->dirs) p_->open_directory(d);
}

std::ostream* output_set::stream(const std::string& option) {
  for (auto& f : p_->files)
    if (f->option == option) return &f->out;
  return nullptr;
}

std::string output_set::staging(const std::string& option) const {
  for (const auto& d : p_->dirs)
    if (d.option == option) return d.stage;
  return "";
}

void output_set::commit(std::ostream& log) {
  log.flush();
  if (!log && !(p_->files.empty() && p_->dirs.empty())) {
    g_stdout_reported = true;  // this message is the one line finish_output would print
    throw std::runtime_error("cannot write standard output (" +
                             std::string(std::strerror(errno ? errno : EIO)) +
                             "); no output file was replaced");
  }
  for (auto& f : p_->files) {
    f->out.flush();
    if (!f->out)
      throw std::runtime_error("writing " + f->path + " failed: " + std::strerror(errno));
    f->out.close();
    if (!f->out)
      throw std::runtime_error("writing " + f->path + " failed: " + std::strerror(errno));
  }
  for (auto& f : p_->files) {
    if (::rename(f->tmp.c_str(), f->path.c_str()) != 0)
      throw std::runtime_error("cannot move " + f->tmp + " to " + f->path + ": " +
                               std::strerror(errno));
    f->committed = true;
    forget(f->slot);
  }
  for (auto& d : p_->dirs) p_->commit_directory(d);
  for (const auto& f : p_->files) log << "wrote " << f->path << "\n";
}

void add_reports(output_set& files, const report_paths& paths) {
  for (const auto& [option, path] : paths) files.add_file(option, path);
}

void write_reports(output_set& files, const std::vector<claim_result>& results,
                   const report_meta& meta, const program_info& info, std::ostream& log) {
  if (auto* os = files.stream("--json")) write_json(*os, results, meta, info);
  if (auto* os = files.stream("--markdown")) write_markdown(*os, results, meta, info);
  if (auto* os = files.stream("--junit")) write_junit(*os, results, meta);
  files.commit(log);
}

}  // namespace gradaudit::audit
