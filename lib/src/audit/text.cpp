#include "gradaudit/audit/text.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace gradaudit::audit {
namespace {

/// Length of the valid UTF-8 character at the start of `s`, or 0 when it is not one.
std::size_t utf8_length(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b = byte(0);
  if (b < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the second byte's range (RFC 3629's table)
  if (b >= 0xC2 && b <= 0xDF)
    n = 2;
  else if (b >= 0xE0 && b <= 0xEF)
    n = 3, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
  else if (b >= 0xF0 && b <= 0xF4)
    n = 4, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
  else
    return 0;
  if (s.size() < n || byte(1) < lo || byte(1) > hi) return 0;
  for (std::size_t i = 2; i < n; ++i)
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  return n;
}

std::string hex_byte(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02X", b);
  return buf;
}

/// Escapes `text`, stopping before `max_bytes` of it are used; `used` gets the bytes consumed.
std::string escape_prefix(std::string_view text, std::size_t max_bytes, bool escape_backslash,
                          std::size_t& used) {
  std::string out;
  used = 0;
  while (used < text.size()) {
    const std::string_view rest = text.substr(used);
    const std::size_t n = utf8_length(rest);
    if (used + std::max<std::size_t>(n, 1) > max_bytes) break;
    const unsigned char b = static_cast<unsigned char>(rest[0]);
    if (n == 0)
      out += hex_byte(b);
    else if (b == '\r')
      out += "\\r";
    else if (b == '\n')
      out += "\\n";
    else if (b == '\t')
      out += "\\t";
    else if (b == '\\' && escape_backslash)
      out += "\\\\";
    else if (b < 0x20 || b == 0x7F)
      out += hex_byte(b);
    else
      out += rest.substr(0, n);
    used += std::max<std::size_t>(n, 1);
  }
  return out;
}

std::string cut_note(std::size_t total) { return "… (" + std::to_string(total) + " bytes)"; }

}  // namespace

std::string escaped(std::string_view text) {
  std::size_t used = 0;
  return escape_prefix(text, text.size(), true, used);
}

std::string quoted(std::string_view text, std::size_t max_bytes) {
  std::size_t used = 0;
  const std::string body = escape_prefix(text, max_bytes, true, used);
  return "'" + body + "'" + (used < text.size() ? cut_note(text.size()) : "");
}

std::string printable(std::string_view message, std::size_t max_bytes) {
  const bool newline = !message.empty() && message.back() == '\n';
  if (newline) message.remove_suffix(1);
  std::size_t used = 0;
  std::string out = escape_prefix(message, max_bytes, false, used);
  if (used < message.size()) out += cut_note(message.size());
  return newline ? out + "\n" : out;
}

std::string wrapped(std::string_view text, std::size_t width) {
  std::string out, line;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t space = std::min(text.find(' ', start), text.size());
    const std::string_view word = text.substr(start, space - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + std::string(word);
    start = space + 1;
  }
  return out + line;
}

std::string nearest(std::string_view text, const std::vector<std::string>& candidates) {
  text = text.substr(0, 256);  // ids are short: a long value is far from all of them anyway
  // Levenshtein distance, one row at a time.
  auto distance = [&](std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= text.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (text[i - 1] != b[j - 1])});
        diagonal = up;
      }
    }
    return row[b.size()];
  };
  std::string best;
  std::size_t best_distance = static_cast<std::size_t>(-1);
  for (const auto& c : candidates)
    if (const std::size_t d = distance(c); d < best_distance) best = c, best_distance = d;
  return best;
}

}  // namespace gradaudit::audit
