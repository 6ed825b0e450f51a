#pragma once
/// \file atomic_file.hpp
/// Atomic file output for every file the programs write (reports, training results): a
/// temporary beside the target, renamed over it on commit, removed on failure or a signal;
/// and output_set, the report files of one run opened before the work and committed after it.
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <vector>
#include <stdexcept>
#include <string>
#include <string_view>

#include <unistd.h>

namespace gradaudit::audit {

namespace detail {

/// Temporary files of atomic_files not yet committed, for the signal handler to remove: a
/// Ctrl-C (SIGINT), SIGTERM or SIGHUP during a long audit or training leaves neither a
/// partial report nor a temporary file, and the previous report untouched. Fixed storage,
/// because the handler may only call async-signal-safe functions (unlink, signal, raise).
struct pending_files {
  static constexpr int slots = 16;
  static constexpr std::size_t max_path = 4096;
  char path[slots][max_path] = {};
  std::atomic<bool> claimed[slots] = {};  ///< slot owned by an atomic_file
  std::atomic<bool> ready[slots] = {};    ///< path complete: the handler may unlink it
};

inline pending_files& pending() {
  static pending_files p;
  return p;
}

extern "C" inline void remove_pending_and_reraise(int sig) {
  auto& p = pending();
  for (int i = 0; i < pending_files::slots; ++i)
    if (p.ready[i].load(std::memory_order_acquire)) ::unlink(p.path[i]);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

/// Registers `tmp` for removal on a signal (installing the handlers once); -1 when every slot
/// is taken or the path is too long (the file is then only removed by the destructor).
inline int register_pending(const std::string& tmp) {
  static const bool installed = [] {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, remove_pending_and_reraise);
    return true;
  }();
  (void)installed;
  auto& p = pending();
  if (tmp.size() >= pending_files::max_path) return -1;
  for (int i = 0; i < pending_files::slots; ++i) {
    bool expected = false;
    if (!p.claimed[i].compare_exchange_strong(expected, true)) continue;
    std::memcpy(p.path[i], tmp.c_str(), tmp.size() + 1);
    p.ready[i].store(true, std::memory_order_release);
    return i;
  }
  return -1;
}

inline void unregister_pending(int slot) {
  if (slot < 0) return;
  pending().ready[slot].store(false, std::memory_order_release);
  pending().claimed[slot].store(false, std::memory_order_release);
}

}  // namespace detail

/// Writes a file atomically: `begin()` creates a temporary file beside the target (so an
/// unwritable path fails before any work), `commit()` renames it over the target; the
/// destructor removes the temporary if commit was never reached, and so does a SIGINT,
/// SIGTERM or SIGHUP before the process dies of it.
class atomic_file {
 public:
  explicit atomic_file(std::string path) : path_(std::move(path)), tmp_(path_ + ".tmp-gradaudit") {}
  atomic_file(const atomic_file&) = delete;
  atomic_file& operator=(const atomic_file&) = delete;
  void begin() {
    slot_ = detail::register_pending(tmp_);
    out_.open(tmp_, std::ios::binary | std::ios::trunc);
    if (!out_) throw std::runtime_error("cannot write " + path_ + " (cannot create " + tmp_ + ")");
  }
  std::ofstream& stream() { return out_; }
  void commit() {
    out_.flush();
    if (!out_) throw std::runtime_error("writing " + path_ + " failed");
    out_.close();
    std::error_code ec;
    std::filesystem::rename(tmp_, path_, ec);
    if (ec) throw std::runtime_error("cannot move " + tmp_ + " to " + path_ + ": " + ec.message());
    committed_ = true;
    detail::unregister_pending(slot_);  // (a signal in between unlinks a name no longer there)
    slot_ = -1;
  }
  ~atomic_file() {
    if (out_.is_open()) out_.close();
    if (!committed_) {
      std::error_code ec;
      std::filesystem::remove(tmp_, ec);
    }
    detail::unregister_pending(slot_);
  }

 private:
  std::string path_, tmp_;
  std::ofstream out_;
  bool committed_ = false;
  int slot_ = -1;
};

/// The files a run was asked to write, by option ("--json" → path): opened together before
/// the work (an unwritable path fails first), written, then committed together.
class output_set {
 public:
  /// Opens a temporary for `path`; throws std::runtime_error when it cannot be written.
  void open(const std::string& option, const std::string& path) {
    auto f = std::make_unique<atomic_file>(path);
    f->begin();
    files_.emplace(option, entry{path, std::move(f)});
  }
  /// The stream for `option`, or nullptr when the run was not asked to write it.
  std::ostream* stream(const std::string& option) {
    const auto it = files_.find(option);
    return it == files_.end() ? nullptr : &it->second.file->stream();
  }
  /// Renames every temporary over its target, saying "wrote PATH" for each on `log`.
  void commit_all(std::ostream& log) {
    for (auto& [option, e] : files_) {
      e.file->commit();
      log << "wrote " << e.path << "\n";
    }
  }

 private:
  struct entry {
    std::string path;
    std::unique_ptr<atomic_file> file;
  };
  std::map<std::string, entry> files_;
};

}  // namespace gradaudit::audit
