// libFuzzer target: whole command lines of `audit`, `report merge`, `train`, `check` and
// `eval` whose file arguments point at special files prepared in a scratch directory: a
// directory, a FIFO (never opened by this target, and a run that opens it would hang: the
// fuzzer's -timeout reports it), a symbolic link, a device (/dev/null, /dev/full, and a
// mknod copy of /dev/null when running as root), a read-only directory, a missing parent,
// an empty name, the same file twice. The input is split at NUL bytes into arguments; the
// first byte picks the command. The value after every file option (--json, --markdown,
// --junit, --figures, --data) and every input of `report merge` is replaced by a path of the
// tables below, picked by its first byte (all absolute paths), so nothing is written outside
// the scratch directory ("--json=PATH" and claims files are skipped). After each run: the exit code
// is 0, 1 or 2 with a message for 1 and 2; the special files are still what they were; no temporary
// (".gradaudit-") is left; then whatever the run created is removed.
#include "check.hpp"
#include "commands.hpp"

#include "gradaudit/audit/commands.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct scratch {
  std::string root;
  std::set<std::string> initial;  ///< every path under root before any run
  std::vector<std::string> outputs, inputs;
};

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

/// Lists every path under `root` (symlinks not followed).
std::set<std::string> listing(const std::string& root) {
  std::set<std::string> out;
  for (auto it =
           fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied);
       it != fs::recursive_directory_iterator(); ++it)
    out.insert(it->path().string());
  return out;
}

scratch make_scratch() {
  scratch s;
  char tmpl[] = "/tmp/gradaudit-fuzz-cmdline-XXXXXX";
  if (!::mkdtemp(tmpl)) std::abort();
  s.root = tmpl;
  const std::string r = s.root + "/";
  fs::create_directories(r + "dir");
  fs::create_directories(r + "ro");
  write(r + "regular", "previous\n");
  write(r + "data.csv", "x1,x2,y\n0.5,-1,1\n2,3,0\n");
  fs::create_symlink(r + "regular", r + "link");
  fs::create_symlink(r + "data.csv", r + "link.csv");
  if (::mkfifo((r + "fifo").c_str(), 0600) != 0) std::abort();
  const bool root = ::geteuid() == 0;
  if (root && ::mknod((r + "null").c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) std::abort();
  ::chmod((r + "ro").c_str(), 0555);
  // A valid report to merge: an audit of no claims (this target links none).
  std::ostringstream out, err;
  gradaudit::audit::program_info info;
  if (gradaudit::audit::run_audit(std::vector<std::string>{"--json", r + "report.json"}, out, err,
                                  info) != 0)
    std::abort();
  s.outputs = {r + "out.json",
               r + "regular",
               r + "dir",
               r + "dir/",
               r + "fifo",
               r + "link",
               r + "ro/x",
               r + "missing/x",
               "",
               "/dev/null",
               "/dev/full",
               r + "out.json",
               r + "dir/out.md",
               root ? r + "null" : r + "out2.json",
               r + "regular/x"};
  s.inputs = {r + "data.csv", r + "report.json",
              r + "dir",      r + "link.csv",
              r + "missing",  "",
              "/dev/null",    "/dev/zero",
              r + "regular",  root ? r + "null" : r + "data.csv"};
  s.initial = listing(s.root);
  return s;
}

scratch& the_scratch() {
  static scratch s = make_scratch();
  return s;
}

/// The special files are what they were, no temporary is left, and what the run made is gone.
void check_and_clean(const scratch& s) {
  const std::string r = s.root + "/";
  struct stat st {};
  if (::lstat((r + "fifo").c_str(), &st) != 0 || !S_ISFIFO(st.st_mode)) std::abort();
  if (::lstat((r + "link").c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) std::abort();
  if (::lstat((r + "dir").c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) std::abort();
  if (::geteuid() == 0 && (::lstat((r + "null").c_str(), &st) != 0 || !S_ISCHR(st.st_mode)))
    std::abort();
  if (::lstat("/dev/null", &st) != 0 || !S_ISCHR(st.st_mode)) std::abort();
  for (const auto& p : listing(s.root)) {
    if (p.find(".gradaudit-") != std::string::npos) std::abort();  // a temporary left behind
    if (!s.initial.count(p)) {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  }
  write(r + "regular", "previous\n");  // (replacing it is allowed; the next run starts the same)
}

/// Figures that cost nothing: the output machinery of --figures without the article's training.
gradaudit::audit::figures_hook cheap_figures() {
  gradaudit::audit::figures_hook hook;
  hook.names = {"a.dat", "b.svg"};
  hook.write = [](const std::string& dir, std::string& note) {
    write(dir + "/a.dat", "1 2\n");
    note = "no pictures";
    return std::vector<std::pair<std::string, std::string>>{};
  };
  return hook;
}

bool is_file_option(const std::string& a) {
  return a == "--json" || a == "--markdown" || a == "--junit" || a == "--figures" || a == "--data";
}

/// Replaces file arguments by table paths; false when the line cannot be made safe.
bool make_safe(std::vector<std::string>& args, const scratch& s, bool positionals_are_inputs) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.find('=') != std::string::npos && a.rfind("--", 0) == 0) return false;  // --json=PATH
    if (a.size() > 6 && a.substr(a.size() - 5) == ".toml") return false;  // a claims file to read
    auto pick = [&](const std::vector<std::string>& table, const std::string& v) {
      return table[(v.empty() ? 0u : static_cast<unsigned char>(v[0])) % table.size()];
    };
    if (is_file_option(a) && i + 1 < args.size()) {
      args[i + 1] = pick(a == "--data" ? s.inputs : s.outputs, args[i + 1]);
      ++i;
    } else if (positionals_are_inputs && !a.empty() && a[0] != '-') {
      args[i] = pick(s.inputs, a);
    }
  }
  return true;
}

/// Skips layer lists with a width above 999 (big networks are slow by nature).
bool small_layers(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    std::size_t run = 0;
    for (char c : a) {
      run = (c >= '0' && c <= '9') ? run + 1 : 0;
      if (run > 3 && a.find(',') != std::string::npos) return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  scratch& s = the_scratch();
  std::vector<std::string> args{std::string()};
  for (std::size_t i = 1; i < size; ++i) {
    if (data[i] == 0)
      args.emplace_back();
    else
      args.back() += static_cast<char>(data[i]);
  }
  const int which = data[0] % 5;
  if (!make_safe(args, s, which == 1) || !small_layers(args)) return 0;
  std::ostringstream out, err;
  int code = 0;
  gradaudit::audit::program_info info;
  switch (which) {
    case 0:
      args.insert(args.end(), {"--cases", "2"});
      code = gradaudit::audit::run_audit(args, out, err, info, cheap_figures());
      break;
    case 1:
      args.insert(args.begin(), "merge");
      code = gradaudit::audit::run_report(args, out, err, info);
      break;
    case 2:
      args.insert(args.end(), {"--epochs", "2", "--threads", "1"});
      code = gradaudit::cli::train(args, out, err);
      break;
    case 3:
      args.insert(args.end(), {"--cases", "2"});
      code = gradaudit::cli::check(args, out, err);
      break;
    default: {
      std::ifstream in(
          s.inputs[args[0].empty() ? 0 : static_cast<unsigned char>(args[0][0]) % s.inputs.size()],
          std::ios::binary);
      args.erase(args.begin());
      code = gradaudit::cli::eval(args, in, out, err);
    }
  }
  if (code < 0 || code > 2) std::abort();
  if (code != 0 && err.str().empty()) std::abort();
  check_and_clean(s);
  return 0;
}
