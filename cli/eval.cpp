#include "commands.hpp"

#include "gradaudit/audit/command_line.hpp"
#include "gradaudit/audit/numbers.hpp"
#include "gradaudit/audit/outputs.hpp"
#include "gradaudit/audit/text.hpp"
#include "gradaudit/dataset.hpp"
#include "gradaudit/gradaudit.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <istream>
#include <optional>
#include <ostream>
#include <string_view>

namespace gradaudit::cli {
namespace {

struct function_info {
  std::string_view name;
  bool needs_y;
  std::string_view argument;  // what each input line is
};

constexpr std::array<function_info, 7> kFunctions{{
    {"sigmoid", false, "z"},
    {"sigmoid_grad", false, "z"},
    {"log_sigmoid", false, "z"},
    {"bce", true, "yhat"},
    {"bce_grad", true, "yhat"},
    {"bce_logits", true, "z"},
    {"bce_logits_grad", true, "z"},
}};

std::string function_list() {
  std::string s;
  for (const auto& f : kFunctions) s += (s.empty() ? "" : " ") + std::string(f.name);
  return s;
}

template <Real T>
T apply(std::string_view f, const T& x, const T& y) {
  if (f == "sigmoid") return sigmoid(x);
  if (f == "sigmoid_grad") return sigmoid_grad(x);
  if (f == "log_sigmoid") return log_sigmoid(x);
  if (f == "bce") return bce(x, y);
  if (f == "bce_grad") return bce_grad(x, y);
  if (f == "bce_logits") return bce_with_logits(x, y);
  return bce_with_logits_grad(x, y);
}

/// What the command line asked for, validated before any input is read.
struct eval_request {
  const function_info* fn = nullptr;
  double y = 0;
  bool reference = false;
};

const char* kEvalHelp =
    "Reads one number per line from standard input and writes f(number) per line: %.17g in double, "
    "or 40 "
    "significant digits from the 50-digit reference with --reference. Each input is first rounded "
    "to the nearest "
    "double in both modes. A line is a number as on the command line (decimal or 0x hexadecimal, "
    "inf, nan, an "
    "optional '-'), with blanks around it and a final CR allowed. bce and bce_grad take yhat in "
    "[0, 1]; the "
    "others a logit z. bce* need --y Y, a target in [0, 1].";

/// The function and target the command line names; usage_error when they do not fit.
eval_request request_from(const std::string& function, const std::string& y_text, bool y_given,
                          bool reference) {
  eval_request r{nullptr, 0, reference};
  for (const auto& f : kFunctions)
    if (f.name == function) r.fn = &f;
  if (!r.fn)
    throw audit::usage_error("unknown function " + audit::quoted(function) +
                             "; one of: " + function_list());
  if (r.fn->needs_y && !y_given)
    throw audit::usage_error(std::string(r.fn->name) + " needs --y Y (the target)");
  if (!r.fn->needs_y && y_given)
    throw audit::usage_error(std::string(r.fn->name) + " takes no --y");
  if (y_given)
    r.y = audit::real_option("--y", y_text, 0, 1);  // y = 2 is refused before any input is read
  return r;
}

/// Says why `in` could not be read to its end, if it could not: a read error (`< DIR`), or
/// standard input closed (`<&-`; prepare_process put /dev/null there).
bool input_error(std::istream& in, std::ostream& err) {
  const bool is_stdin = &in == &std::cin;
  std::string why;
  if (is_stdin && audit::standard_descriptor_was_closed(0))
    why = "it was closed";
  else if (in.bad() || (is_stdin && std::ferror(stdin)))
    why = std::strerror(errno ? errno : EIO);
  if (why.empty()) return false;
  audit::print_error(err, "gradaudit eval", "cannot read standard input (" + why + ")");
  return true;
}

/// Writes f(x) for each line of `in`; exit 1 at the first line that is not a number or is
/// outside the function's domain (after the results before it).
int evaluate_lines(const eval_request& r, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string line;
  long line_no = 0;
  char buf[64];
  for (line_status st; (st = read_line(in, line)) != line_status::end;) {
    ++line_no;
    if (st != line_status::line) {
      out.flush();
      audit::print_error(
          err, "gradaudit eval",
          "line " + std::to_string(line_no) + ": " +
              (st == line_status::too_long
                   ? "longer than " + std::to_string(max_line_bytes) + " bytes, the limit of a line"
                   : "cannot read standard input"));
      return failure;
    }
    const auto x = audit::parse_real(audit::strip_blanks(line));
    if (!x) {
      out.flush();
      audit::print_error(err, "gradaudit eval",
                         "line " + std::to_string(line_no) + ": " + audit::quoted(line) +
                             " is not a number (" + std::string(r.fn->argument) + ")");
      return failure;
    }
    try {
      if (r.reference) {
        out << testing::to_digits(apply<ref_t>(r.fn->name, ref_t(*x), ref_t(r.y)), 40) << '\n';
      } else {
        std::snprintf(buf, sizeof buf, "%.17g", apply<double>(r.fn->name, *x, r.y));
        out << buf << '\n';
      }
    } catch (const domain_error& e) {
      out.flush();
      audit::print_error(err, "gradaudit eval",
                         "line " + std::to_string(line_no) + ": " + e.what());
      return failure;
    }
  }
  return input_error(in, err) ? failure : ok;
}

}  // namespace

int eval(std::span<const std::string> args, std::istream& in, std::ostream& out,
         std::ostream& err) {
  CLI::App app{audit::wrapped(kEvalHelp), "gradaudit eval"};
  std::string function, y;
  bool reference = false;
  app.add_option("function", function, "one of: " + function_list())->required();
  audit::add_value(app, "--y", y,
                   "the target, in [0, 1] (bce, bce_grad, bce_logits, bce_logits_grad)")
      ->type_name("Y");
  app.add_flag("--reference", reference, "print the 50-digit reference to 40 digits")
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
  if (const auto code = audit::parse_command_line(app, args, out, err)) return *code;
  eval_request r;
  try {
    r = request_from(function, y, app.count("--y") > 0, reference);
  } catch (const audit::usage_error& e) {
    audit::print_error(err, "gradaudit eval", e.what());
    return usage;
  }
  const int code = evaluate_lines(r, in, out, err);
  if (!audit::finish_output(out, err, "gradaudit eval")) return failure;
  return code;
}

}  // namespace gradaudit::cli
