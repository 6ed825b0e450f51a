// libFuzzer target: the command-line parsers. The input is split at NUL bytes into
// arguments; the first byte picks `eval`, `train`, `report` or the value parsers of the
// library (initialisers, activations, losses). Every outcome must be an exit code 0, 1 or 2
// with a message for 1 and 2, or the parsers' std::invalid_argument; never a crash. Arguments
// that name files to write (--json, --markdown, --junit) or read (--data) are dropped, and
// train gets a tiny workload appended (a repeated option is a usage error, so a fuzzed
// --epochs cannot make it long).
#include "commands.hpp"

#include "gradaudit/network.hpp"
#include "gradaudit/train.hpp"

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::vector<std::string> args;
  std::string cur;
  for (std::size_t i = 1; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(cur);
      cur.clear();
    } else {
      cur += static_cast<char>(data[i]);
    }
  }
  args.push_back(cur);
  for (const auto& a : args)
    if (a == "--json" || a == "--markdown" || a == "--junit" || a == "--data" || a == "--figures")
      return 0;
  // Big networks are slow by nature (a 311 × 61121 layer is 19 M weights): not what this
  // target looks for, and the CLI refuses more than 1e8. Skip layer lists with long numbers.
  for (const auto& a : args) {
    if (a.find(',') == std::string::npos) continue;
    std::size_t run = 0;  // the longest run of digits: a width above 999 is skipped
    for (char c : a) {
      run = (c >= '0' && c <= '9') ? run + 1 : 0;
      if (run > 3) return 0;
    }
  }
  std::ostringstream out, err;
  std::istringstream in("0\n");
  int code = 0;
  switch (data[0] % 4) {
    case 0:
      code = gradaudit::cli::eval(args, in, out, err);
      break;
    case 1:
      args.insert(args.end(), {"--samples", "16", "--epochs", "2", "--threads", "1"});
      code = gradaudit::cli::train(args, out, err);
      break;
    case 2:
      code = gradaudit::cli::report(args, out, err);  // merge only reads the files it is given
      break;
    default:
      for (const auto& a : args) {
        try {
          (void)gradaudit::parse_initializer(a);
        } catch (const std::invalid_argument&) {
        }
        try {
          (void)gradaudit::parse_activation(a);
        } catch (const std::invalid_argument&) {
        }
        try {
          (void)gradaudit::parse_loss(a);
        } catch (const std::invalid_argument&) {
        }
      }
      return 0;
  }
  if (code < 0 || code > 2) std::abort();
  if (code != 0 && err.str().empty()) std::abort();
  return 0;
}
