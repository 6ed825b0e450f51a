// libFuzzer target: the formula language's parser and evaluator (lib/src/formula), in-process.
// The first byte picks what the rest is read as (a claim, a --where clause, an expression) and
// which names are declared; a parsed claim's sides are then evaluated in balls and in double at
// one fixed point. Bad input must end in an exception derived from std::exception with a
// one-line message (parse_error, eval_error, domain_violation, undecided); no crash, no
// sanitizer report, no hang.
#include "gradaudit/formula/evaluate.hpp"
#include "gradaudit/formula/parse.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

using namespace gradaudit::formula;

/// The point every parsed formula is evaluated at.
const point& fixed_point() {
  static const point p{{"K", {3}, false, true},        {"x", {0.5}, false, false},
                       {"y", {1}, false, false},       {"yhat", {0.25}, false, false},
                       {"z", {1, -2, 3}, true, false}, {"w", {0.5, -1, 2}, true, false}};
  return p;
}

parse_options declared(std::uint8_t pick) {
  parse_options o;
  if (pick & 0x10) o.variables = {"K", "x", "y", "yhat", "z", "w"};
  if (pick & 0x20) o.functions = {"f"};
  return o;
}

void evaluate(const node& n, const definitions& defs) {
  try {
    (void)evaluate_ball(n, fixed_point(), defs);
  } catch (const std::exception& e) {
    if (std::string(e.what()).empty()) std::abort();  // every refusal says why
  }
  try {
    (void)evaluate_double(n, fixed_point(), defs);
  } catch (const std::exception& e) {
    if (std::string(e.what()).empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t pick = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  const parse_options opt = declared(pick);
  definitions defs;
  if (pick & 0x20) defs["f"] = function_def{{"t"}, parse_expression("1/(1+exp(-t))")};
  try {
    switch (pick & 3) {
      case 0: {
        const statement s = parse_statement(text, opt);
        for (const auto& side : s.sides) evaluate(*side, defs);
        break;
      }
      case 1: {
        const where_clause w = parse_where(text, opt);
        if (w.body) evaluate(*w.body, defs);
        break;
      }
      default:
        evaluate(*parse_expression(text, opt), defs);
        break;
    }
  } catch (const std::exception& e) {
    const std::string m = e.what();
    if (m.empty() || m.find('\n') != std::string::npos) std::abort();  // one line, never empty
  }
  return 0;
}
