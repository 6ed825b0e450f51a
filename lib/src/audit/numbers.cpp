#include "gradaudit/audit/numbers.hpp"

#include "gradaudit/audit/text.hpp"

#include <charconv>
#include <cmath>

namespace gradaudit::audit {
namespace {

/// Parses all of `text` with std::from_chars (which takes no '+' and no blanks) or nothing.
template <class T, class... Format>
std::optional<T> whole(std::string_view text, Format... format) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, format...);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::string number_text(double v) {
  char buf[32];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ec == std::errc() ? ptr : buf);
}

}  // namespace

std::optional<long long> parse_integer(std::string_view text) { return whole<long long>(text, 10); }

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
  return whole<std::uint64_t>(text, 10);
}

std::optional<double> parse_real(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  std::string_view body = negative ? text.substr(1) : text;
  std::optional<double> v;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    body.remove_prefix(2);
    if (!body.empty() && body.front() != '-') v = whole<double>(body, std::chars_format::hex);
  } else if (!body.empty() && body.front() != '-') {
    v = whole<double>(body, std::chars_format::general);
  }
  if (!v) return std::nullopt;
  return negative ? -*v : *v;
}

std::string_view strip_blanks(std::string_view text) {
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

long long integer_option(std::string_view name, std::string_view text, long long lo, long long hi) {
  const auto v = parse_integer(text);
  if (!v || *v < lo || *v > hi)
    throw usage_error(std::string(name) + ": " + audit::quoted(text) + " is not an integer in [" +
                      std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return *v;
}

std::uint64_t unsigned_option(std::string_view name, std::string_view text) {
  const auto v = parse_unsigned(text);
  if (!v)
    throw usage_error(std::string(name) + ": " + audit::quoted(text) +
                      " is not an integer in [0, " + std::to_string(UINT64_MAX) + "]");
  return *v;
}

double real_option(std::string_view name, std::string_view text, double lo, double hi) {
  const auto v = parse_real(text);
  if (!v || !std::isfinite(*v) || *v < lo || *v > hi)
    throw usage_error(std::string(name) + ": " + audit::quoted(text) +
                      " is not a finite number in [" + number_text(lo) + ", " + number_text(hi) +
                      "]");
  return *v;
}

std::vector<long long> integer_list_option(std::string_view name, std::string_view text,
                                           long long lo, long long hi) {
  std::vector<long long> out;
  for (std::size_t start = 0;;) {
    const std::size_t comma = text.find(',', start);
    out.push_back(integer_option(name, text.substr(start, comma - start), lo, hi));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

}  // namespace gradaudit::audit
