#include "gradaudit/testing/claim.hpp"

#include "gradaudit/testing/ulp.hpp"
#include "recorder.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <map>
#include <sstream>
#include <stdexcept>
#include <tuple>

namespace gradaudit::testing {

std::string_view to_string(verdict v) {
  switch (v) {
    case verdict::holds:
      return "holds";
    case verdict::refuted:
      return "refuted";
    case verdict::needs_correction:
      return "needs-correction";
    case verdict::inconclusive:
      return "inconclusive";
    case verdict::not_checked:
      return "not-checked";
  }
  return "?";
}

std::optional<verdict> verdict_from_string(std::string_view text) {
  for (int k = 0; k < kVerdicts; ++k)
    if (to_string(static_cast<verdict>(k)) == text) return static_cast<verdict>(k);
  return std::nullopt;
}

std::string join_inputs(const named_values& inputs) {
  std::string s;
  for (const auto& [name, value] : inputs) s += (s.empty() ? "" : ", ") + name + " = " + value;
  return s;
}

std::string gtest_name(std::string_view id) {
  std::string s(id);
  std::replace_if(
      s.begin(), s.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); },
      '_');
  return s;
}

namespace {

std::vector<claim>& mutable_registry() {
  static std::vector<claim> claims;
  return claims;
}

bool& registry_sorted() {
  static bool sorted = false;
  return sorted;
}

/// What register_section_order was given: sections, then id families within a section.
struct section_order {
  std::vector<std::string> sections, families;
};

section_order& registered_order() {
  static section_order order;
  return order;
}

thread_local impl::recorder* current = nullptr;

}  // namespace

namespace impl {

recorder& rec() {
  if (current) return *current;
  // Helpers called outside run_claim (a benchmark, a user's own loop) record here, one case
  // at a time: nothing accumulates however often they are called.
  static thread_local recorder outside;
  outside.begin_case();
  return outside;
}

std::string describe_inputs() { return join_inputs(rec().inputs); }

void fail(const comparison& c) {
  RC_FAIL(c.what + ": claimed " + c.claimed + ", actual " + c.actual + " (allowed difference " +
          c.bound + ") at " + describe_inputs());
}

void record_inconclusive(std::string_view what, double digits, std::string_view why) {
  recorder& r = rec();
  if (!r.case_inconclusive) {
    r.case_inconclusive = true;
    ++r.inconclusive_cases;
  }
  if (r.inconclusive_at.empty() || digits < r.inconclusive_digits) {
    r.inconclusive_digits = digits;
    r.inconclusive_at = describe_inputs();
    r.inconclusive_reason = std::string(what) + ": " + std::string(why);
  }
}

void record_digits(double digits) {
  recorder& r = rec();
  if (digits < r.min_digits) {
    r.min_digits = digits;
    r.fewest_digits_at = describe_inputs();
  }
}

}  // namespace impl

namespace {

using impl::describe_inputs;
using impl::fail;
using impl::rec;

class counting_listener : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

property_result run_property(const std::string& id, const property& p, const run_options& opt,
                             int cases) {
  property_result out;
  if (!p) return out;
  out.ran = true;
  impl::recorder r;
  impl::recorder* saved = current;
  current = &r;
  struct restore {
    impl::recorder* saved;
    ~restore() { current = saved; }
  } guard{saved};

  auto prop = rc::detail::toProperty([&p] {
    rec().begin_case();
    p();
  });
  rc::detail::TestMetadata meta;
  meta.id = id;
  meta.description = id;
  rc::detail::TestParams params;
  params.seed = opt.seed;
  params.maxSuccess = cases > 0 ? cases : opt.cases;
  params.maxSize = 100;  // larger sizes hit undefined behaviour in this RapidCheck
  counting_listener listener;
  std::unordered_map<std::string, rc::detail::Reproduce> replay;
  if (std::getenv("RC_PARAMS")) {  // (configuration() prints a seed of its own: only if asked)
    const auto& env = rc::detail::configuration().reproduce;
    if (auto it = env.find(id); it != env.end()) replay.insert(*it);
  }

  const auto result = rc::detail::checkProperty(prop, meta, params, listener, replay);
  if (result.is<rc::detail::SuccessResult>()) {
    out.passed = true;
    out.cases = result.get<rc::detail::SuccessResult>().numSuccess;
    out.min_digits = r.min_digits;
    out.max_ulps = r.max_ulps;
    out.fewest_digits_at = r.fewest_digits_at;
    out.max_ulps_at = r.max_ulps_at;
    out.formula_checks = r.formula_checks;
    out.inconclusive_cases = r.inconclusive_cases;
    out.inconclusive_digits = r.inconclusive_digits;
    out.inconclusive_at = r.inconclusive_at;
    out.inconclusive_reason = r.inconclusive_reason;
    out.classes = r.classes;
  } else if (result.is<rc::detail::FailureResult>()) {
    const auto& f = result.get<rc::detail::FailureResult>();
    out.cases = f.numSuccess + 1;
    out.message = f.description;
    rc::detail::Configuration cfg;
    cfg.testParams.seed = opt.seed;
    cfg.reproduce[id] = f.reproduce;
    out.reproduce = rc::detail::configToMinimalString(cfg);
    // Replay the shrunk case once to capture its inputs and both sides of each check.
    std::unordered_map<std::string, rc::detail::Reproduce> one{{id, f.reproduce}};
    (void)rc::detail::checkProperty(prop, meta, params, listener, one);
    out.counterexample = r.inputs;
    out.counterexample_checks = r.checks;
    // A proof is a failed check; an exception or an RC_ASSERT outside the helpers is not.
    out.proven =
        std::any_of(r.checks.begin(), r.checks.end(), [](const comparison& c) { return !c.ok; });
  } else if (result.is<rc::detail::GaveUpResult>()) {
    const auto& g = result.get<rc::detail::GaveUpResult>();
    out.gave_up = true;
    out.cases = g.numSuccess;
    out.message = "gave up: " + g.description;
  } else {
    out.message = "error: " + result.get<rc::detail::Error>().description;
  }
  return out;
}

/// Shortens a 50-digit "d.ddd…e±XX" to 7 significant digits, or to two digits past the
/// first one where it differs from `other`, so that two shortened values never look equal
/// when they are not.
std::string abbreviate(const std::string& s, const std::string& other) {
  const auto e = s.find('e'), oe = other.find('e');
  char* end = nullptr;
  (void)std::strtod(s.c_str(), &end);
  if (e == std::string::npos || s.empty() || end != s.c_str() + s.size()) return s;  // not a number
  if (oe == std::string::npos || other.substr(oe) != s.substr(e))  // other exponent: 7 digits do
    return e <= 8 ? s : s.substr(0, 8) + "…" + s.substr(e);
  // The first digit where they differ, reading a shorter significand as padded with zeros.
  std::size_t k = 0;
  auto digit = [](const std::string& t, std::size_t i, std::size_t te) {
    return i < te ? t[i] : '0';
  };
  while (k < std::max(e, oe) && digit(s, k, e) == digit(other, k, oe)) ++k;
  const std::size_t keep = std::max<std::size_t>(8, k + 3);
  return keep >= e ? s : s.substr(0, keep) + "…" + s.substr(e);
}

}  // namespace

const std::vector<claim>& registry() {
  // Sorted once, on the first call after the last registration (registrations happen during
  // static initialisation): pointers to claims (find_claim) stay valid afterwards.
  auto& claims = mutable_registry();
  if (registry_sorted()) return claims;
  registry_sorted() = true;
  const auto& order = registered_order();
  // Listed sections first, in their order; the others after them by name; then id families.
  auto rank = [&](const claim& c) {
    const auto it = std::find(order.sections.begin(), order.sections.end(), c.section);
    const auto fam =
        std::find(order.families.begin(), order.families.end(), c.id.substr(0, c.id.find('.')));
    return std::tuple{static_cast<std::size_t>(it - order.sections.begin()),
                      it == order.sections.end() ? c.section : "",
                      static_cast<std::size_t>(fam - order.families.begin()),
                      std::string_view(c.defined_in), c.defined_at};
  };
  std::stable_sort(claims.begin(), claims.end(),
                   [&](const claim& a, const claim& b) { return rank(a) < rank(b); });
  return claims;
}

bool register_section_order(std::vector<std::string> sections,
                            std::vector<std::string> id_families) {
  registered_order() = {std::move(sections), std::move(id_families)};
  registry_sorted() = false;
  return true;
}

bool register_claim(claim c, std::source_location where) {
  if (c.id.empty()) throw std::invalid_argument("register_claim: empty id");
  if (c.defined_in.empty()) {
    const std::string_view file = where.file_name();  // a path, as the compiler was given it
    c.defined_in = file.substr(file.find_last_of("/\\") + 1);
    c.defined_at = static_cast<int>(where.line());
  }
  for (const auto& other : mutable_registry())
    if (other.id == c.id) throw std::invalid_argument("register_claim: duplicate id " + c.id);
  if (!c.as_stated) throw std::invalid_argument("register_claim: " + c.id + " has no property");
  mutable_registry().push_back(std::move(c));
  registry_sorted() = false;
  return true;
}

const claim* find_claim(std::string_view id) {
  for (const auto& c : registry())
    if (c.id == id) return &c;
  return nullptr;
}

run_options options_from_environment() {
  run_options opt;
  const char* env = std::getenv("RC_PARAMS");
  if (!env) return opt;
  const std::string s(env);
  const auto& params = rc::detail::configuration().testParams;
  if (s.find("seed=") != std::string::npos) opt.seed = params.seed;
  if (s.find("max_success=") != std::string::npos) opt.cases = params.maxSuccess;
  return opt;
}

namespace {

/// Why a property that did not fail is still not a proof of the claim ("" when it is one).
std::string not_conclusive(const property_result& p) {
  if (p.gave_up) return p.message;
  if (!p.passed && !p.proven) return "stopped without a proof: " + p.message;
  if (p.cases == 0) return "0 cases ran";
  if (p.inconclusive_cases > 0)
    return std::to_string(p.inconclusive_cases) + " of " + std::to_string(p.cases) +
           " cases undecided (fewest digits " +
           std::to_string(static_cast<int>(p.inconclusive_digits)) + " at " + p.inconclusive_at +
           "; " + p.inconclusive_reason + ")";
  return "";
}

}  // namespace

claim_result run_claim(const claim& c, const run_options& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  claim_result r;
  r.c = &c;
  if (c.unavailable) {
    r.reason = c.unavailable();
    if (!r.reason.empty()) {
      r.observed = verdict::not_checked;
      return r;
    }
  }
  r.as_stated = run_property(c.id + "/as_stated", c.as_stated, opt, c.cases);
  r.reason = not_conclusive(r.as_stated);
  if (!r.reason.empty()) {
    r.observed = verdict::inconclusive;
  } else if (r.as_stated.passed) {
    r.observed = verdict::holds;
  } else {
    r.observed = verdict::refuted;
    if (c.under_conditions) {
      r.under_conditions =
          run_property(c.id + "/under_conditions", c.under_conditions, opt, c.cases);
      const std::string why = not_conclusive(r.under_conditions);
      if (!why.empty()) {
        r.observed = verdict::inconclusive;
        r.reason = "refuted as stated; under the conditions: " + why;
      } else if (r.under_conditions.passed) {
        r.observed = verdict::needs_correction;
      }
    }
  }
  if (c.corrected) {
    r.corrected = run_property(c.id + "/corrected", c.corrected, opt, c.cases);
    r.correction_holds = r.corrected.holds();
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

std::string summary_line(const claim_result& r) {
  std::ostringstream os;
  os << to_string(r.observed) << "  " << r.c->id << "  ";
  if (!r.checked()) return os.str() + "(" + r.reason + ")";
  const auto& p = r.as_stated;
  if (r.observed == verdict::inconclusive) {
    os << "(" << r.reason << ")";
  } else if (p.passed) {
    os << "(" << p.cases << " cases";
    if (p.min_digits < kExactDigits)
      os << ", >= " << static_cast<int>(p.min_digits) << " digits certified, fewest at "
         << p.fewest_digits_at;
    if (!p.max_ulps_at.empty()) os << ", max " << p.max_ulps << " ULP at " << p.max_ulps_at;
    os << ")";
  } else {
    const std::string in = join_inputs(p.counterexample);
    os << (in.empty() ? "(evidence" : "(counterexample " + in);
    if (!p.counterexample_checks.empty()) {
      for (const auto& ch : p.counterexample_checks)
        if (!ch.ok) {
          os << ": " << ch.what << " claimed " << abbreviate(ch.claimed, ch.actual) << ", actual "
             << abbreviate(ch.actual, ch.claimed);
          break;
        }
    }
    os << ")";
  }
  if (!r.correction_holds)
    os << "  [our correction FAILED: "
       << (r.corrected.message.empty() ? not_conclusive(r.corrected) : r.corrected.message) << "]";
  if (r.c->expected && r.observed != *r.c->expected)
    os << "  [expected " << to_string(*r.c->expected) << "]";
  return os.str();
}

void input(std::string_view name, double value) {
  rec().inputs.emplace_back(std::string(name), shortest(value));
}

void input(std::string_view name, const std::vector<double>& value) {
  std::string s = "[";
  for (std::size_t i = 0; i < value.size(); ++i) s += (i ? ", " : "") + shortest(value[i]);
  rec().inputs.emplace_back(std::string(name), s + "]");
}

void classify(std::string_view name, bool in) {
  int& n = rec().classes[std::string(name)];
  if (in) ++n;
}

void check_that(std::string_view what, bool ok, std::string observed, std::string required) {
  comparison c{std::string(what), std::move(required), std::move(observed), "-", ok};
  rec().checks.push_back(c);
  if (!c.ok) fail(c);
}

}  // namespace gradaudit::testing
