#pragma once
/// \file sentences.hpp
/// The audited article cut into units ("sentences"), so that a test can check that every one
/// is either quoted by a claim or excluded with a reason (coverage_test.cpp), and the CLI can
/// report the same count. Header-only: it needs nothing but the standard library.
///
/// The rules, applied to the body (everything before the line that starts with
/// "编辑于 2024-06-14", the page's edit stamp after which comments and recommendations follow):
///  - the text is read line by line; a Markdown heading line (`#…`), a LaTeX display line
///    (`$$…`) and each line inside a ``` code block is one unit, whatever it contains;
///  - any other line is cut after each 。！？； (the mark stays with its sentence);
///  - units are trimmed of white space (ASCII, no-break and ideographic spaces), and empty
///    units and units of punctuation alone (a code fence, "，") are dropped;
///  - each unit carries the section it is in, spelled as the claims spell it: the article
///    marks its sections ("MSE") and their sub-sections ("如果最后一层是sigmoid层") with the
///    same `##`, and a heading starting with "如果" is a sub-section: "MSE ›
///    如果最后一层是sigmoid层".

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace gradaudit::properties {

/// The whole text of the file at `path` (the article, the exclusions, a claims file), or ""
/// when it cannot be read.
inline std::string read_text(const char* path) {
  std::ifstream f(path);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

/// One unit of the article: its text and the 1-based line it is on.
struct sentence {
  std::string text;
  int line = 0;
  std::string section;  ///< "" before the first `##` heading
};

/// The line that ends the audited body.
inline constexpr std::string_view kBodyEnd = "编辑于 2024-06-14";

namespace detail {

/// The code point at s[i] (UTF-8), and its length in bytes in `len`; a malformed byte is
/// returned as itself with length 1.
inline char32_t code_point(std::string_view s, std::size_t i, std::size_t& len) {
  const auto b = static_cast<unsigned char>(s[i]);
  const std::size_t n = b < 0x80           ? 1
                        : (b >> 5) == 0x6  ? 2
                        : (b >> 4) == 0xE  ? 3
                        : (b >> 3) == 0x1E ? 4
                                           : 1;
  if (i + n > s.size() || n == 1) {
    len = 1;
    return b;
  }
  char32_t cp = n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (std::size_t k = 1; k < n; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  len = n;
  return cp;
}

/// White space: ASCII, U+00A0 (no-break) and U+3000 (ideographic).
inline bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0 ||
         c == 0x3000;
}

/// Punctuation and symbols that carry no words: ASCII punctuation, general punctuation
/// (U+2000–U+206F), CJK punctuation (U+3000–U+303F) and the full-width forms of ASCII
/// punctuation (U+FF01–U+FF0F, U+FF1A–U+FF20, U+FF3B–U+FF40, U+FF5B–U+FF65).
inline bool is_punctuation(char32_t c) {
  if (c < 0x80)
    return !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z');
  return (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) ||
         (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
         (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) || c == 0xA0;
}

/// The sentence-ending marks: 。！？；
inline bool ends_sentence(char32_t c) {
  return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B;
}

}  // namespace detail

/// `s` without leading and trailing white space.
inline std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e) {
    std::size_t n = 0;
    if (!detail::is_space(detail::code_point(s, b, n))) break;
    b += n;
  }
  while (e > b) {
    std::size_t start = e - 1;  // back up to the first byte of the last code point
    while (start > b && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    std::size_t n = 0;
    if (!detail::is_space(detail::code_point(s, start, n))) break;
    e = start;
  }
  return std::string(s.substr(b, e - b));
}

/// True when `s` has a letter, digit or ideograph (is not punctuation and space alone).
inline bool has_words(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = 0;
    const char32_t c = detail::code_point(s, i, n);
    if (!detail::is_space(c) && !detail::is_punctuation(c)) return true;
    i += n;
  }
  return false;
}

/// Cuts a line of prose after each 。！？； into trimmed units with words.
inline std::vector<std::string> split_prose(std::string_view line) {
  std::vector<std::string> out;
  auto emit = [&](std::string_view piece) {
    std::string t = trim(piece);
    if (has_words(t)) out.push_back(std::move(t));
  };
  std::size_t start = 0;
  for (std::size_t i = 0; i < line.size();) {
    std::size_t n = 0;
    const char32_t c = detail::code_point(line, i, n);
    i += n;
    if (detail::ends_sentence(c)) {
      emit(line.substr(start, i - start));
      start = i;
    }
  }
  emit(line.substr(start));
  return out;
}

/// The article's body: `article` up to (not including) the line starting with kBodyEnd, or
/// all of it when there is no such line.
inline std::string_view body(std::string_view article) {
  for (std::size_t pos = 0; pos < article.size();) {
    if (article.substr(pos).starts_with(kBodyEnd)) return article.substr(0, pos);
    const std::size_t nl = article.find('\n', pos);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return article;
}

/// The units of the article's body, in order (the rules at the top of this file).
inline std::vector<sentence> split_sentences(std::string_view article) {
  const std::string_view text = body(article);
  std::vector<sentence> out;
  bool in_code = false;
  int line_no = 0;
  std::string top, section;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view raw = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    const std::string line = trim(raw);
    const bool fence = line.starts_with("```");
    if (fence) in_code = !in_code;
    if (fence || !has_words(line)) continue;
    if (!in_code && line.starts_with("## ")) {
      const std::string heading = trim(std::string_view(line).substr(3));
      if (heading.starts_with("如果")) {
        section = top + " › " + heading;
      } else {
        top = heading;
        section = heading;
      }
    }
    if (in_code || line.starts_with("#") || line.starts_with("$$")) {
      out.push_back({line, line_no, section});
    } else {
      for (auto& s : split_prose(line)) out.push_back({std::move(s), line_no, section});
    }
  }
  return out;
}

/// True when a claim quoting `quote` accounts for `unit`: the quote (trimmed) stands in the
/// unit, or the unit is one of the quote's own units (a quote spanning several sentences
/// covers each of them). Mere containment of the unit in the quote is not enough: it would
/// let a unit like "则" be "covered" by any quote with that character in it.
inline bool quote_covers(std::string_view quote, std::string_view unit) {
  const std::string q = trim(quote);
  if (q.empty()) return false;
  if (unit.find(q) != std::string_view::npos) return true;
  for (const auto& part : split_prose(q))
    if (part == unit) return true;
  return false;
}

/// True when a claim (its section and quote) accounts for unit `u` of `all`: the quote covers
/// the unit's text and, when the same text stands more than once in the body (a repeated
/// formula, "这是符合直觉的。"), the claim is in the unit's section — a claim of one section
/// does not account for the same words in another.
inline bool claim_covers(std::string_view claim_section, std::string_view quote, const sentence& u,
                         const std::vector<sentence>& all) {
  if (!quote_covers(quote, u.text)) return false;
  int same = 0;
  for (const auto& v : all) same += v.text == u.text;
  return same == 1 || claim_section == u.section;
}

/// The unit texts listed in an exclusions file (`<unit verbatim> \t <reason>` per line).
inline std::vector<std::string> excluded_units(std::string_view exclusions) {
  std::vector<std::string> out;
  for (std::size_t pos = 0; pos < exclusions.size();) {
    std::size_t nl = exclusions.find('\n', pos);
    if (nl == std::string_view::npos) nl = exclusions.size();
    const std::string_view line = exclusions.substr(pos, nl - pos);
    pos = nl + 1;
    const std::size_t tab = line.rfind('\t');
    if (tab != std::string_view::npos) out.push_back(trim(line.substr(0, tab)));
  }
  return out;
}

/// How the article's units are accounted for: quoted by a claim (checked), excluded with a
/// reason, or neither (each a defect the coverage test names).
struct coverage {
  int units = 0, checked = 0, excluded = 0, uncovered = 0;
  /// "61 of 61 assertive sentences checked (163 units of the article: 102 excluded with a
  /// reason in properties/sentence_exclusions.txt)".
  std::string summary() const {
    return std::to_string(checked) + " of " + std::to_string(checked + uncovered) +
           " assertive sentences checked (" + std::to_string(units) +
           " units of the article: " + std::to_string(excluded) +
           " excluded with a reason in properties/sentence_exclusions.txt)";
  }
};

/// Counts the coverage of `article`'s units by claims, given as (section, quote) pairs of the
/// claims about the article, and by the exclusions file's text.
inline coverage measure_coverage(std::string_view article, std::string_view exclusions,
                                 const std::vector<std::pair<std::string, std::string>>& claims) {
  const auto units = split_sentences(article);
  const auto listed = excluded_units(exclusions);
  coverage c;
  c.units = static_cast<int>(units.size());
  for (const sentence& u : units) {
    bool quoted = false;
    for (const auto& [section, quote] : claims)
      quoted = quoted || claim_covers(section, quote, u, units);
    if (quoted)
      ++c.checked;
    else if (std::find(listed.begin(), listed.end(), u.text) != listed.end())
      ++c.excluded;
    else
      ++c.uncovered;
  }
  return c;
}

}  // namespace gradaudit::properties
