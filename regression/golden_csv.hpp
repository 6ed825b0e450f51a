#pragma once
/// \file golden_csv.hpp
/// Reader for the golden-value tables in regression/data/*.csv.
///
/// Format (written by regression/generate_reference.cpp):
///
///     # free-text comment lines, anywhere (provenance, formula, sections)
///     x,value                       <- header: input column names, then "value"
///     -0x1.2p+3,1.2339457598623172...e-04
///
/// Inputs are C99 hexadecimal floats (`%a`, so they are exact doubles; "inf", "-inf" are
/// accepted); the value is a decimal number (50 significant digits, scientific notation), or
/// "0", "-0", "inf", "-inf". Blank lines are ignored. Every malformed line -- wrong number of
/// fields, an empty field, a field that is not entirely a number -- throws `golden_csv_error`
/// whose message names the source and the 1-based line number.

#include "gradaudit/scalar.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gradaudit::regression {

/// A malformed golden table, or one that cannot be read.
class golden_csv_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One data row: the inputs (in header order) and the expected value.
struct golden_row {
  std::vector<double> inputs;
  ref_t expected;
  std::string expected_text;  ///< the value exactly as stored, for messages
  int line = 0;               ///< 1-based line number in the source
};

/// A parsed table.
struct golden_table {
  std::string source;                      ///< file name (or a label for in-memory text)
  std::vector<std::string> comments;       ///< the '#' lines, without the '#'
  std::vector<std::string> input_columns;  ///< header names before "value"
  std::vector<golden_row> rows;
};

namespace detail {

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

inline std::vector<std::string_view> split_commas(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    out.push_back(
        trim(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

[[noreturn]] inline void fail(std::string_view source, int line, const std::string& what) {
  throw golden_csv_error(std::string(source) + ", line " + std::to_string(line) + ": " + what);
}

/// A double written with %a (or decimal; strtod accepts both), the whole field consumed.
inline double parse_input(std::string_view field, std::string_view source, int line,
                          std::string_view column) {
  const std::string s(field);
  if (s.empty()) fail(source, line, "empty field '" + std::string(column) + "'");
  if (s == "nan" || s == "-nan" || s == "NAN")
    fail(source, line, "NaN input in '" + std::string(column) + "'");
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);  // hex floats are read exactly
  if (end != s.c_str() + s.size())
    fail(source, line, "'" + s + "' in column '" + std::string(column) + "' is not a number");
  if (std::isnan(v)) fail(source, line, "NaN input in '" + std::string(column) + "'");
  return v;
}

/// The expected value: [-]digits[.digits][e[+-]digits], or [-]inf. Checked character by
/// character before MPFR sees it (mpfr_set_str would also accept e.g. "@inf@" or "0x...").
inline ref_t parse_value(std::string_view field, std::string_view source, int line) {
  const std::string s(field);
  if (s == "inf" || s == "+inf") return std::numeric_limits<ref_t>::infinity();
  if (s == "-inf") return -std::numeric_limits<ref_t>::infinity();
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  bool ok = digits > 0;
  if (ok && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
    ok = exp_digits > 0;
  }
  if (!ok || i != s.size()) fail(source, line, "value '" + s + "' is not a decimal number");
  ref_t v;
  try {
    v = ref_t(s);  // mpfr_set_str: correctly rounded to 168 bits
  } catch (const std::exception& e) {
    fail(source, line, "value '" + s + "': " + e.what());
  }
  if (s.front() == '-' && v == 0 && !signbit(v)) v = -v;  // keep the sign of "-0"
  return v;
}

}  // namespace detail

/// Parses a golden table from text. `source` names it in error messages.
inline golden_table parse_golden_csv(std::string_view text, std::string_view source) {
  golden_table t;
  t.source = std::string(source);
  bool have_header = false;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view raw = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    const std::string_view line = detail::trim(raw);
    if (line.empty()) continue;
    if (line.front() == '#') {
      t.comments.emplace_back(detail::trim(line.substr(1)));
      continue;
    }
    const auto fields = detail::split_commas(line);
    if (!have_header) {
      if (fields.size() < 2 || fields.back() != "value")
        detail::fail(source, line_no,
                     "header must be 'input,...,value', got '" + std::string(line) + "'");
      for (std::size_t i = 0; i + 1 < fields.size(); ++i) {
        if (fields[i].empty()) detail::fail(source, line_no, "empty column name in header");
        t.input_columns.emplace_back(fields[i]);
      }
      have_header = true;
      continue;
    }
    if (fields.size() != t.input_columns.size() + 1)
      detail::fail(source, line_no,
                   "expected " + std::to_string(t.input_columns.size() + 1) + " fields, got " +
                       std::to_string(fields.size()));
    golden_row r;
    r.line = line_no;
    for (std::size_t i = 0; i < t.input_columns.size(); ++i)
      r.inputs.push_back(detail::parse_input(fields[i], source, line_no, t.input_columns[i]));
    r.expected = detail::parse_value(fields.back(), source, line_no);
    r.expected_text = std::string(fields.back());
    t.rows.push_back(std::move(r));
  }
  if (!have_header) detail::fail(source, line_no, "no header line");
  return t;
}

/// Reads and parses a golden table from a file; a missing or unreadable file throws.
inline golden_table load_golden_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw golden_csv_error(path + ": cannot open golden data file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw golden_csv_error(path + ": read error");
  return parse_golden_csv(ss.str(), path);
}

}  // namespace gradaudit::regression
