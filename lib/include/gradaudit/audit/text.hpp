#pragma once
/// \file text.hpp
/// Values and messages made safe to print: what a user typed or a file held is echoed in an
/// error message quoted, with control bytes and invalid UTF-8 escaped (a CR from a CRLF file,
/// an ESC that would drive the terminal, a NUL) and cut when long (saying how long), so that
/// a 10 MB bad line gives a one-line message.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gradaudit::audit {

/// Longest value quoted whole in a message, in bytes.
inline constexpr std::size_t kQuotedBytes = 200;

/// `text` escaped: \r \n \t, other control bytes, DEL and bytes that are not valid UTF-8 as
/// \xNN, and `\` as `\\` so that the escapes cannot be confused with the text.
std::string escaped(std::string_view text);

/// 'text', escaped; past `max_bytes` cut at a character and followed by "… (N bytes)".
std::string quoted(std::string_view text, std::size_t max_bytes = kQuotedBytes);

/// A whole message (which may hold text of any origin, e.g. from CLI11 or a data file's
/// reader) made safe for a terminal: control bytes other than the final newline and invalid
/// UTF-8 escaped; past `max_bytes` cut with "… (N bytes)".
std::string printable(std::string_view message, std::size_t max_bytes = 4 * kQuotedBytes);

/// `text` broken into lines of at most `width` columns at spaces (for --help texts).
std::string wrapped(std::string_view text, std::size_t width = 90);

/// The candidate closest to `text` in edit distance (the first of equals), or "" when there
/// is none: for "did you mean …?" after a mistyped name.
std::string nearest(std::string_view text, const std::vector<std::string>& candidates);

}  // namespace gradaudit::audit
