#pragma once
// The audit's figures: the article's three gradient cases against ŷ, and training under
// zero, constant and random initialisation. Data files and a gnuplot script are always
// written; SVG and PNG only where gnuplot is installed (Debian gnuplot-nox).
#include <iosfwd>
#include <string>
#include <vector>

namespace gradaudit::cli {

struct figure {
  std::string file;  ///< path of the SVG, relative to the directory given
  std::string caption;
};

/// Every file write_figures may make in its directory (data, script, pictures).
std::vector<std::string> figure_files();

/// Writes the figures into `dir` (created if missing). Returns the figures drawn (empty if
/// gnuplot is missing, in which case `note` says so). Throws std::runtime_error on I/O errors.
std::vector<figure> write_figures(const std::string& dir, std::string& note);

}  // namespace gradaudit::cli
