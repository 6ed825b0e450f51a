#pragma once
/// \file dataset.hpp
/// The article's data set, and CSV reading and writing.

#include "gradaudit/network.hpp"
#include "gradaudit/train.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>

namespace gradaudit {

/// n samples of two standard-normal features, label = (x2 > 0.5), as the article's
/// `torch.randn(n, 2)` and `(x[:, 1] > 0.5).float()`, drawn from `seed` with our own stream.
batch<double> article_data(std::size_t n, std::uint64_t seed);

/// Thrown for a malformed CSV: the message names the source, the line and what is wrong.
class data_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Longest line read_csv and `gradaudit eval` accept, in bytes without the line end: a
/// longer line (or /dev/zero, one endless line) is an error naming its line number, never
/// unbounded memory.
inline constexpr std::size_t max_line_bytes = std::size_t{1} << 20;

/// How read_line ended.
enum class line_status { line, end, too_long, read_error };

/// Reads the next line of `in` (without its '\n') into `line`: `line` (a last line without
/// '\n' included), `end` when nothing is left, `too_long` after `limit` bytes without a line
/// end, `read_error` when the stream cannot be read (a directory; the stream's badbit is
/// set). Reads the stream buffer directly, so memory stays within `limit`.
line_status read_line(std::istream& in, std::string& line, std::size_t limit = max_line_bytes);

/// Reads a CSV with a header "x1,x2,…,y" (the last column is the target, the others the
/// features): numbers in decimal or hex, CRLF and a UTF-8 BOM accepted, blank lines not, at
/// most max_line_bytes per line. `source` names the input in messages; a read error or an
/// overlong line is a data_error naming the line.
batch<double> read_csv(std::istream& in, const std::string& source);

/// Writes the same format with %.17g, so that read_csv gives back the same doubles.
void write_csv(std::ostream& out, const batch<double>& data);

}  // namespace gradaudit

// ---- implementation ----------------------------------------------------------------------

#include <cstdio>
#include <cstdlib>
#include <istream>
#include <ostream>
#include <sstream>
#include <vector>

namespace gradaudit {

inline batch<double> article_data(std::size_t n, std::uint64_t seed) {
  random_stream rng(seed);
  batch<double> b;
  b.x.resize(2, static_cast<Eigen::Index>(n));
  b.y.resize(1, static_cast<Eigen::Index>(n));
  for (Eigen::Index s = 0; s < static_cast<Eigen::Index>(n); ++s) {
    b.x(0, s) = rng.normal();
    b.x(1, s) = rng.normal();
    b.y(0, s) = b.x(1, s) > 0.5 ? 1.0 : 0.0;
  }
  return b;
}

namespace detail {
inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream is(line);
  while (std::getline(is, cell, ',')) out.push_back(cell);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}
}  // namespace detail

inline line_status read_line(std::istream& in, std::string& line, std::size_t limit) {
  line.clear();
  std::streambuf* sb = in.rdbuf();
  bool any = false;
  for (;;) {
    int c = EOF;
    try {
      c = sb ? sb->sbumpc() : EOF;  // libstdc++'s filebuf throws on a read error (EISDIR)
    } catch (const std::exception&) {
      in.setstate(std::ios::badbit);
      return line_status::read_error;
    }
    if (c == std::char_traits<char>::eof()) return any ? line_status::line : line_status::end;
    any = true;
    if (c == '\n') return line_status::line;
    if (line.size() >= limit) return line_status::too_long;
    line.push_back(static_cast<char>(c));
  }
}

inline batch<double> read_csv(std::istream& in, const std::string& source) {
  std::string line;
  long line_no = 0;
  auto fail = [&](const std::string& what) -> data_error {
    return data_error(source + ", line " + std::to_string(line_no) + ": " + what);
  };
  auto next_line = [&]() -> bool {
    const line_status st = read_line(in, line);
    if (st == line_status::end) return false;
    ++line_no;
    if (st == line_status::read_error) throw fail("cannot be read (is it a directory?)");
    if (st == line_status::too_long)
      throw fail("longer than " + std::to_string(max_line_bytes) + " bytes, the limit of a line");
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  };
  if (!next_line()) throw data_error(source + ": empty file (expected a header x1,…,y)");
  const auto header = detail::split_csv_line(line);
  if (header.size() < 2 || header.back() != "y")
    throw fail("the header must name the features and end with y, got '" + line + "'");
  const std::size_t d = header.size() - 1;
  std::vector<double> xs, ys;
  while (next_line()) {
    if (line.empty()) throw fail("blank line");
    const auto cells = detail::split_csv_line(line);
    if (cells.size() != d + 1)
      throw fail(std::to_string(cells.size()) + " cells, the header has " + std::to_string(d + 1));
    for (std::size_t c = 0; c <= d; ++c) {
      const std::string& cell = cells[c];
      char* end = nullptr;
      const double v = std::strtod(cell.c_str(), &end);
      if (cell.empty() || end != cell.c_str() + cell.size())
        throw fail("column " + header[c] + ": '" + cell + "' is not a number");
      if (!std::isfinite(v)) throw fail("column " + header[c] + ": " + cell + " is not finite");
      (c < d ? xs : ys).push_back(v);
    }
  }
  if (ys.empty()) throw fail("no data rows after the header");
  batch<double> b;
  const auto n = static_cast<Eigen::Index>(ys.size());
  b.x.resize(static_cast<Eigen::Index>(d), n);
  b.y.resize(1, n);
  for (Eigen::Index s = 0; s < n; ++s) {
    for (std::size_t c = 0; c < d; ++c)
      b.x(static_cast<Eigen::Index>(c), s) = xs[static_cast<std::size_t>(s) * d + c];
    b.y(0, s) = ys[static_cast<std::size_t>(s)];
  }
  return b;
}

inline void write_csv(std::ostream& out, const batch<double>& data) {
  for (Eigen::Index c = 0; c < data.x.rows(); ++c) out << "x" << c + 1 << ",";
  out << "y\n";
  char buf[40];
  for (Eigen::Index s = 0; s < data.x.cols(); ++s) {
    for (Eigen::Index c = 0; c < data.x.rows(); ++c) {
      std::snprintf(buf, sizeof buf, "%.17g,", data.x(c, s));
      out << buf;
    }
    std::snprintf(buf, sizeof buf, "%.17g\n", data.y(0, s));
    out << buf;
  }
}

}  // namespace gradaudit
