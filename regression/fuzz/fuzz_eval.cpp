// libFuzzer target: `gradaudit eval`'s number parser and functions, in-process. The first
// byte picks the function and whether --reference (50 digits) is used; the rest is standard
// input. Exit codes must be 0 (every line a number) or 1 (a bad line or a domain error, with
// a message naming it); no crash, no sanitizer report, no output after a failing line.
#include "commands.hpp"

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const functions[] = {"sigmoid",  "sigmoid_grad", "log_sigmoid",    "bce",
                                          "bce_grad", "bce_logits",   "bce_logits_grad"};
  const std::uint8_t pick = data[0];
  std::vector<std::string> args{functions[pick % 7]};
  if (pick & 0x80) args.push_back("--reference");
  if (pick % 7 >= 3)  // the bce family needs its target
    args.insert(args.end(), {"--y", (pick & 0x40) ? "0" : (pick & 0x20) ? "1" : "0.25"});
  // The reference path costs ~2 µs per number: keep its inputs short.
  const std::size_t n = (pick & 0x80) ? std::min<std::size_t>(size - 1, 512) : size - 1;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data + 1), n));
  std::ostringstream out, err;
  const int code = gradaudit::cli::eval(args, in, out, err);
  if (code != 0 && code != 1) std::abort();
  if (code == 1 && err.str().empty()) std::abort();  // a failure always says why
  return 0;
}
