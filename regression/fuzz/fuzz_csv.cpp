// libFuzzer target: the CSV reader (gradaudit::read_csv). Any input must either give a
// batch — finite values, one target row, as many targets as samples, and a write/read round
// trip that returns the same doubles bit for bit — or throw data_error. Anything else (another
// exception, a crash, a sanitizer report) is a bug.
#include "gradaudit/dataset.hpp"

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  gradaudit::batch<double> b;
  try {
    b = gradaudit::read_csv(in, "fuzz.csv");
  } catch (const gradaudit::data_error&) {
    return 0;
  }
  if (b.x.cols() == 0 || b.y.rows() != 1 || b.y.cols() != b.x.cols() || b.x.rows() < 1)
    std::abort();
  if (!b.x.allFinite() || !b.y.allFinite()) std::abort();
  std::stringstream again;
  gradaudit::write_csv(again, b);
  const auto c = gradaudit::read_csv(again, "round trip");
  if (c.x.rows() != b.x.rows() || c.x.cols() != b.x.cols()) std::abort();
  for (Eigen::Index i = 0; i < b.x.size(); ++i)
    if (c.x.data()[i] != b.x.data()[i] ||
        std::signbit(c.x.data()[i]) != std::signbit(b.x.data()[i]))
      std::abort();
  for (Eigen::Index i = 0; i < b.y.size(); ++i)
    if (c.y.data()[i] != b.y.data()[i]) std::abort();
  return 0;
}
