#include "commands.hpp"

#include "gradaudit/gradaudit.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
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

/// The whole of `text` (surrounding blanks allowed) as a double, or nothing.
std::optional<double> parse_double(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  const std::string s(text);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  // Out of range: strtod returns ±HUGE_VAL or a rounded tiny value with ERANGE; both are
  // the correctly rounded double of the text, which is what we want.
  return v;
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

void usage_text(std::ostream& err) {
  err << "usage: gradaudit eval FUNCTION [--y Y] [--reference]\n"
         "  FUNCTION: " << function_list() << "\n"
         "  Reads one number per line from standard input and writes f(number) per line:\n"
         "  %.17g in double, or 40 significant digits from the 50-digit reference with\n"
         "  --reference. Each input is first rounded to the nearest double in both modes.\n"
         "  bce and bce_grad take yhat in [0, 1]; the others a logit z. bce* need --y Y.\n";
}

}  // namespace

int eval(std::span<const std::string> args, std::istream& in, std::ostream& out, std::ostream& err) {
  const function_info* fn = nullptr;
  std::optional<double> y;
  bool reference = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      usage_text(out);
      return ok;
    } else if (a == "--reference") {
      if (reference) {
        err << "gradaudit eval: --reference given twice\n";
        return usage;
      }
      reference = true;
    } else if (a == "--y") {
      if (y) {
        err << "gradaudit eval: --y given twice\n";
        return usage;
      }
      if (i + 1 >= args.size()) {
        err << "gradaudit eval: --y needs a value\n";
        return usage;
      }
      y = parse_double(args[++i]);
      if (!y) {
        err << "gradaudit eval: --y: '" << args[i] << "' is not a number\n";
        return usage;
      }
    } else if (!a.empty() && a[0] == '-' && !parse_double(a)) {
      err << "gradaudit eval: unknown option '" << a << "'\n";
      usage_text(err);
      return usage;
    } else if (!fn) {
      for (const auto& f : kFunctions)
        if (f.name == a) fn = &f;
      if (!fn) {
        err << "gradaudit eval: unknown function '" << a << "'; one of: " << function_list() << "\n";
        return usage;
      }
    } else {
      err << "gradaudit eval: unexpected argument '" << a << "'\n";
      return usage;
    }
  }
  if (!fn) {
    err << "gradaudit eval: which function? one of: " << function_list() << "\n";
    usage_text(err);
    return usage;
  }
  if (fn->needs_y && !y) {
    err << "gradaudit eval: " << fn->name << " needs --y Y (the target)\n";
    return usage;
  }
  if (!fn->needs_y && y) {
    err << "gradaudit eval: " << fn->name << " takes no --y\n";
    return usage;
  }
  const double yv = y.value_or(0.0);
  std::string line;
  long line_no = 0;
  char buf[64];
  while (std::getline(in, line)) {
    ++line_no;
    const auto x = parse_double(line);
    if (!x) {
      out.flush();
      err << "gradaudit eval: line " << line_no << ": '" << line << "' is not a number ("
          << fn->argument << ")\n";
      return failure;
    }
    try {
      if (reference) {
        out << testing::to_digits(apply<ref_t>(fn->name, ref_t(*x), ref_t(yv)), 40) << '\n';
      } else {
        std::snprintf(buf, sizeof buf, "%.17g", apply<double>(fn->name, *x, yv));
        out << buf << '\n';
      }
    } catch (const domain_error& e) {
      out.flush();
      err << "gradaudit eval: line " << line_no << ": " << e.what() << "\n";
      return failure;
    }
  }
  out.flush();
  if (!out) {
    err << "gradaudit eval: could not write the output\n";
    return failure;
  }
  return ok;
}

}  // namespace gradaudit::cli
