#pragma once
// Parsing of command-line values shared by the subcommands.
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>

namespace gradaudit::cli {

/// The whole of `s` as a decimal integer, or nothing (empty, trailing text, out of range).
inline std::optional<long long> parse_int(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

}  // namespace gradaudit::cli
