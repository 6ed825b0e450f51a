#pragma once
// A minimal JSON writer (numbers as %.17g, so doubles round-trip) and atomic file output.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gradaudit::cli {

inline std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";  // JSON has no NaN/inf; callers never write them
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

inline std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

/// Writes a file atomically: `begin()` creates a temporary file beside the target (so an
/// unwritable path fails before any work), `commit()` renames it over the target; the
/// destructor removes the temporary if commit was never reached.
class atomic_file {
 public:
  explicit atomic_file(std::string path) : path_(std::move(path)), tmp_(path_ + ".tmp-gradaudit") {}
  void begin() {
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
  }
  ~atomic_file() {
    if (out_.is_open()) out_.close();
    if (!committed_) {
      std::error_code ec;
      std::filesystem::remove(tmp_, ec);
    }
  }

 private:
  std::string path_, tmp_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace gradaudit::cli
