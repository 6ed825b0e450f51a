// The JSON report: to_json / from_json of the result types, and the reader of whole reports
// (`report merge`), strict about what it takes: every member present with its type, integers
// in range and exact (seeds are 64-bit), no duplicate keys, no negative times.
#include "gradaudit/audit/report_json.hpp"

#include "gradaudit/audit/report.hpp"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include <sys/stat.h>

namespace gradaudit::audit {
namespace {

using testing::property_result;

/// The member `key` of object `j`; report_error when `j` is not an object or lacks it.
const json& member(const json& j, const std::string& key) {
  if (!j.is_object()) throw report_error("not an object where \"" + key + "\" was wanted");
  const auto it = j.find(key);
  if (it == j.end()) throw report_error("missing member \"" + key + "\"");
  return *it;
}

std::string text(const json& j, const std::string& key) {
  const json& v = member(j, key);
  if (!v.is_string()) throw report_error("\"" + key + "\" is not a string");
  return v.get<std::string>();
}

/// A string member that may be null ("" then).
std::string text_or_null(const json& j, const std::string& key) {
  return member(j, key).is_null() ? std::string() : text(j, key);
}

double number(const json& j, const std::string& key) {
  const json& v = member(j, key);
  if (!v.is_number()) throw report_error("\"" + key + "\" is not a number");
  return v.get<double>();
}

double seconds(const json& j) {
  const double s = number(j, "seconds");
  if (!(s >= 0) || !std::isfinite(s))
    throw report_error("\"seconds\" is " + member(j, "seconds").dump() + ", not a time >= 0");
  return s;
}

/// An integer member in [lo, hi], exactly as written (no double in between).
template <class T>
T integer(const json& j, const std::string& key, T lo, T hi) {
  const json& v = member(j, key);
  const bool in = (v.is_number_unsigned() &&
                   v.get<std::uint64_t>() >= static_cast<std::uint64_t>(std::max<T>(lo, 0)) &&
                   v.get<std::uint64_t>() <= static_cast<std::uint64_t>(hi)) ||
                  (v.is_number_integer() && !v.is_number_unsigned() &&
                   v.get<std::int64_t>() >= static_cast<std::int64_t>(lo) &&
                   v.get<std::int64_t>() <= static_cast<std::int64_t>(hi));
  if (!in)
    throw report_error("\"" + key + "\" is " + v.dump() + ", not an integer in [" +
                       std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v.is_number_unsigned() ? static_cast<T>(v.get<std::uint64_t>())
                                : static_cast<T>(v.get<std::int64_t>());
}

int count_member(const json& j, const std::string& key, int lo = 0) {
  return integer<int>(j, key, lo, std::numeric_limits<int>::max());
}

bool boolean(const json& j, const std::string& key) {
  const json& v = member(j, key);
  if (!v.is_boolean()) throw report_error("\"" + key + "\" is not true or false");
  return v.get<bool>();
}

/// "holds" | "inconclusive" | "fails" | null: a property's outcome (ran, passed, holds()).
json outcome(const property_result& p) {
  if (!p.ran) return nullptr;
  return p.holds() ? "holds" : p.passed ? "inconclusive" : "fails";
}

void read_outcome(const json& j, const std::string& key, property_result& p) {
  const std::string v = text_or_null(j, key);
  if (v.empty()) return;
  if (v != "holds" && v != "fails" && v != "inconclusive")
    throw report_error("\"" + key + "\" is \"" + v + "\", not holds, inconclusive, fails or null");
  p.ran = true;
  p.passed = v != "fails";
  p.inconclusive_cases = v == "inconclusive" ? 1 : 0;
}

json nullable(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

/// The evidence of a checked claim: the claim as stated, and the other two properties' outcomes.
void evidence_to_json(json& j, const claim_result& r) {
  const property_result& p = r.as_stated;
  j["cases"] = p.cases;
  j["inconclusive_cases"] = p.inconclusive_cases;
  j["classes"] = json::object();
  for (const auto& [name, n] : p.classes) j["classes"][name] = n;
  j["max_error"] =
      p.max_ulps_at.empty() ? json(nullptr) : json{{"ulp", p.max_ulps}, {"at", p.max_ulps_at}};
  j["digits_verified"] =
      p.passed && p.min_digits < testing::kExactDigits
          ? json{{"min", static_cast<int>(p.min_digits)}, {"at", p.fewest_digits_at}}
          : json(nullptr);
  if (!p.passed && p.ran) {
    json inputs = json::object();
    for (const auto& [name, value] : p.counterexample) inputs[name] = value;
    j["counterexample"] = {{"inputs", inputs}, {"checks", p.counterexample_checks}};
    j["reproduce"] = p.reproduce;
  } else {
    j["counterexample"] = nullptr;
    j["reproduce"] = nullptr;
  }
  j["under_conditions"] = outcome(r.under_conditions);
  j["under_conditions_cases"] = r.under_conditions.cases;
  j["correction_checked"] = outcome(r.corrected);
  j["correction_cases"] = r.corrected.cases;
  j["correction_failure"] = r.correction_holds ? json(nullptr) : json(r.corrected.message);
}

void evidence_from_json(const json& j, claim_result& r) {
  property_result& p = r.as_stated;
  p.ran = true;
  p.cases = count_member(j, "cases");
  p.inconclusive_cases = integer<int>(j, "inconclusive_cases", 0, p.cases);
  const json& classes = member(j, "classes");
  if (!classes.is_object()) throw report_error("\"classes\" is not an object");
  for (const auto& [name, n] : classes.items()) p.classes[name] = count_member(classes, name);
  const json& ce = member(j, "counterexample");
  p.passed = ce.is_null();
  if (!p.passed) {
    const json& inputs = member(ce, "inputs");
    if (!inputs.is_object()) throw report_error("\"counterexample.inputs\" is not an object");
    for (const auto& [name, value] : inputs.items())
      p.counterexample.emplace_back(name, text(inputs, name));
    const json& checks = member(ce, "checks");
    if (!checks.is_array()) throw report_error("\"counterexample.checks\" is not an array");
    p.counterexample_checks = checks.get<std::vector<testing::comparison>>();
    p.reproduce = text(j, "reproduce");
  }
  if (const json& me = member(j, "max_error"); !me.is_null()) {
    p.max_ulps = number(me, "ulp");
    p.max_ulps_at = text(me, "at");
  }
  if (const json& dv = member(j, "digits_verified"); !dv.is_null()) {
    p.min_digits = integer<int>(dv, "min", 0, static_cast<int>(testing::kExactDigits));
    p.fewest_digits_at = text(dv, "at");
  }
  read_outcome(j, "under_conditions", r.under_conditions);
  r.under_conditions.cases = count_member(j, "under_conditions_cases");
  read_outcome(j, "correction_checked", r.corrected);
  r.corrected.cases = count_member(j, "correction_cases");
  r.corrected.message = text_or_null(j, "correction_failure");
  r.correction_holds = !r.corrected.ran || r.corrected.holds();
}

/// Parses `document`, refusing duplicate keys (which a parser would otherwise take silently,
/// one of them lost) and nesting deeper than any report has.
json parse_strict(std::string_view document) {
  constexpr int max_depth = 32;
  std::vector<std::set<std::string>> keys;  // the keys seen in each open object
  auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth > max_depth) throw report_error("nested deeper than " + std::to_string(max_depth));
    if (event == json::parse_event_t::object_start) keys.emplace_back();
    if (event == json::parse_event_t::object_end) keys.pop_back();
    if (event == json::parse_event_t::key && !keys.back().insert(parsed.get<std::string>()).second)
      throw report_error("duplicate key \"" + parsed.get<std::string>() + "\"");
    return true;
  };
  try {
    return json::parse(document.begin(), document.end(), callback);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number like 2e308
    const std::string what = e.what();
    throw report_error(
        what.substr(what.find(']') + 2));  // without "[json.exception.parse_error.101] "
  }
}

report_meta summary_from_json(const json& summary) {
  report_meta m;
  m.seed = integer<std::uint64_t>(summary, "seed", 0, std::numeric_limits<std::uint64_t>::max());
  m.cases = integer<int>(summary, "cases", 1, 100000000);
  m.seconds = seconds(summary);
  m.digits = integer<int>(summary, "digits_required", 1, static_cast<int>(testing::kExactDigits));
  if (const auto it = summary.find("shard"); it != summary.end()) {
    m.shard_total = integer<int>(*it, "total", 1, 1 << 20);
    m.shard_index = integer<int>(*it, "index", 0, m.shard_total - 1);
  }
  return m;
}

}  // namespace

read_report_result parse_json_report(std::string_view document, const std::string& name) {
  std::string where;  // "summary", "claim 3", "claim 'sigmoid.definition'"
  try {
    const json doc = parse_strict(document);
    if (!doc.is_object())
      throw report_error("not a gradaudit report (the top level is not an object)");
    const json& claims = member(doc, "claims");
    if (!claims.is_array()) throw report_error("\"claims\" is not an array");
    read_report_result out;
    out.meta = summary_from_json(member(doc, "summary"));
    for (std::size_t k = 0; k < claims.size(); ++k) {
      where = "claim " + std::to_string(k + 1);
      where = "claim '" + text(claims[k], "id") + "'";
      out.results.push_back(claims[k].get<claim_result>());
    }
    return out;
  } catch (const report_error& e) {
    throw std::runtime_error(name + ": " + (where.empty() ? "" : where + ": ") + e.what());
  }
}

/// Largest report read, in bytes (a report of every claim is ~100 KB): a device or an endless
/// file (/dev/zero) stops here instead of growing without bound (found by fuzz_cmdline).
constexpr std::size_t kMaxReportBytes = std::size_t{64} << 20;

read_report_result read_json_report(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw std::runtime_error("cannot read " + path + ": it is a directory");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::string text;
  std::vector<char> buf(1 << 16);
  while (f.read(buf.data(), static_cast<std::streamsize>(buf.size())) || f.gcount() > 0) {
    text.append(buf.data(), static_cast<std::size_t>(f.gcount()));
    if (text.size() > kMaxReportBytes)
      throw std::runtime_error(path + ": larger than 64 MiB, the limit of a report");
  }
  if (f.bad() || text.empty())
    throw std::runtime_error("cannot read " + path + (text.empty() ? ": it is empty" : ""));
  return parse_json_report(text, path);
}

}  // namespace gradaudit::audit

namespace gradaudit::testing {

void to_json(audit::json& j, const comparison& c) {
  j = {{"what", c.what},
       {"claimed", c.claimed},
       {"actual", c.actual},
       {"allowed", c.bound},
       {"ok", c.ok}};
}

void from_json(const audit::json& j, comparison& c) {
  c = {audit::text(j, "what"), audit::text(j, "claimed"), audit::text(j, "actual"),
       audit::text(j, "allowed"), audit::boolean(j, "ok")};
}

void to_json(audit::json& j, const claim_result& r) {
  const claim& c = *r.c;
  j = audit::json::object();
  j["id"] = c.id;
  j["section"] = c.section;
  j["quote"] = c.quote;
  j["statement"] = c.statement;
  j["verdict"] = to_string(r.observed);
  j["expected"] = c.expected ? audit::json(to_string(*c.expected)) : audit::json(nullptr);
  j["correction"] = audit::nullable(c.correction);
  j["inconclusive"] =
      r.observed == verdict::inconclusive ? audit::json(r.reason) : audit::json(nullptr);
  if (r.checked())
    audit::evidence_to_json(j, r);
  else
    j["not_checked"] = r.reason;
  j["seconds"] = r.seconds;
  j["matches_expected"] = r.matches();
}

void from_json(const audit::json& j, claim_result& r) {
  r = {};
  r.c = find_claim(audit::text(j, "id"));
  if (!r.c)
    throw audit::report_error("not a claim of this program (a report from another version?)");
  if (audit::text(j, "quote") != r.c->quote || audit::text(j, "statement") != r.c->statement)
    throw audit::report_error(
        "its quote or statement differ from this program's (a report from another version?)");
  const std::string word = audit::text(j, "verdict");
  const auto v = verdict_from_string(word);
  if (!v)
    throw audit::report_error(
        "\"verdict\" is \"" + word +
        "\", not holds, refuted, needs-correction, inconclusive or not-checked");
  r.observed = *v;
  if (r.observed == verdict::not_checked) {
    r.reason = audit::text(j, "not_checked");
    if (r.reason.empty()) throw audit::report_error("\"not_checked\" gives no reason");
  } else {
    r.reason = audit::text_or_null(j, "inconclusive");
    if ((r.observed == verdict::inconclusive) != !r.reason.empty())
      throw audit::report_error(
          "\"inconclusive\" must give a reason exactly when the verdict is inconclusive");
    audit::evidence_from_json(j, r);
  }
  r.seconds = audit::seconds(j);
  if (r.matches() != audit::boolean(j, "matches_expected"))
    throw audit::report_error(
        "\"matches_expected\" disagrees with its verdict and this program's expected verdict");
}

}  // namespace gradaudit::testing
