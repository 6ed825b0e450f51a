#pragma once
/// \file numbers.hpp
/// The one number parser of gradaudit's command lines (options, environment variables,
/// lists such as --layers). One rule: the whole text is the number and nothing else — no
/// blanks, no '+', no trailing text, no empty list item.
///  - integers: decimal digits with an optional leading '-', within the option's range;
///  - reals: C's decimal or hexadecimal ("0x1p-3") floating notation with an optional
///    leading '-', or inf / nan (refused where a finite value is needed).
/// Data lines (eval's standard input) are the same numbers with surrounding blanks and a CR
/// allowed: they are stripped first (strip_blanks).
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gradaudit::audit {

/// A bad command line: the CLI exits 2 with this message.
class usage_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

std::optional<long long> parse_integer(std::string_view text);
std::optional<std::uint64_t> parse_unsigned(std::string_view text);
std::optional<double> parse_real(std::string_view text);

/// `text` without the blanks (space, tab) around it and a final CR.
std::string_view strip_blanks(std::string_view text);

/// The value of option `name` as an integer in [lo, hi]; usage_error otherwise
/// ("--cases: '0' is not an integer in [1, 100000000]").
long long integer_option(std::string_view name, std::string_view text, long long lo, long long hi);

/// The value of option `name` as a 64-bit unsigned integer (a seed).
std::uint64_t unsigned_option(std::string_view name, std::string_view text);

/// The value of option `name` as a finite real in [lo, hi].
double real_option(std::string_view name, std::string_view text, double lo, double hi);

/// A comma-separated list of integers in [lo, hi] ("2,8,1"), by the same rule for each item.
std::vector<long long> integer_list_option(std::string_view name, std::string_view text,
                                           long long lo, long long hi);

}  // namespace gradaudit::audit
