#include "report.hpp"

#include "json_reader.hpp"
#include "json_writer.hpp"

#include <algorithm>
#include <map>
#include <ostream>
#include <sstream>
#include <stdexcept>

namespace gradaudit::cli {
namespace {

using testing::claim_result;
using testing::property_result;
using testing::verdict;

std::string test_name(const std::string& id) {
  std::string s = id;
  std::replace_if(s.begin(), s.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
  return "Claims/Verdict.Matches/" + s;
}

std::string verdict_text(const claim_result& r) {
  return r.undetermined.empty() ? std::string(testing::to_string(r.observed)) : "not-checked";
}

/// The property whose evidence the report shows: the claim as stated.
const property_result& evidence(const claim_result& r) { return r.as_stated; }

void json_checks(std::ostream& os, const std::vector<testing::comparison>& checks) {
  os << "[";
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const auto& c = checks[i];
    os << (i ? ", " : "") << "{\"what\": " << json_string(c.what) << ", \"claimed\": " << json_string(c.claimed)
       << ", \"actual\": " << json_string(c.actual) << ", \"allowed\": " << json_string(c.bound)
       << ", \"ok\": " << (c.ok ? "true" : "false") << "}";
  }
  os << "]";
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

/// "saturated |z| > 36.7: 34, z = ±0: 5" (every class the claim names, in name order).
std::string classes_text(const property_result& p) {
  std::string s;
  for (const auto& [name, n] : p.classes) s += (s.empty() ? "" : ", ") + name + ": " + std::to_string(n);
  return s;
}

/// "holds" (conclusively), "inconclusive" (passed, not all decided), "fails", or "" (not run).
std::string outcome_text(const property_result& p) {
  if (!p.ran) return "";
  if (p.holds()) return "holds";
  return p.passed ? "inconclusive" : "fails";
}

std::string outcome_json(const property_result& p) {
  return p.ran ? json_string(outcome_text(p)) : "null";
}

std::string inputs_text(const property_result& p) {
  std::string s;
  for (const auto& [n, v] : p.counterexample) s += (s.empty() ? "" : ", ") + n + " = " + v;
  return s;
}

}  // namespace

void write_figures_section(std::ostream& os, const report_meta& meta);

long long cases_run(const std::vector<claim_result>& results) {
  long long n = 0;
  for (const auto& r : results) n += r.as_stated.cases + r.under_conditions.cases + r.corrected.cases;
  return n;
}

void write_json(std::ostream& os, const std::vector<claim_result>& results, const report_meta& meta) {
  std::map<std::string, int> counts;
  int mismatches = 0;
  os << "{\n  \"claims\": [";
  for (std::size_t k = 0; k < results.size(); ++k) {
    const auto& r = results[k];
    const auto& c = *r.c;
    const auto& p = evidence(r);
    ++counts[verdict_text(r)];
    if (!r.matches()) ++mismatches;
    os << (k ? "," : "") << "\n    {\"id\": " << json_string(c.id) << ", \"section\": " << json_string(c.section)
       << ", \"quote\": " << json_string(c.quote) << ", \"statement\": " << json_string(c.statement)
       << ", \"verdict\": " << json_string(verdict_text(r))
       << ", \"expected\": " << json_string(testing::to_string(c.expected))
       << ", \"correction\": " << (c.correction.empty() ? "null" : json_string(c.correction))
       << ", \"inconclusive\": "
       << (r.observed == verdict::inconclusive && r.undetermined.empty() ? json_string(r.inconclusive_reason) : "null");
    if (!r.undetermined.empty()) {
      os << ", \"not_checked\": " << json_string(r.undetermined);
    } else {
      os << ", \"cases\": " << p.cases << ", \"inconclusive_cases\": " << p.inconclusive_cases;
      os << ", \"classes\": {";
      bool first = true;
      for (const auto& [name, n] : p.classes) {
        os << (first ? "" : ", ") << json_string(name) << ": " << n;
        first = false;
      }
      os << "}, \"max_error\": ";
      if (!p.max_ulps_at.empty())
        os << "{\"ulp\": " << json_number(p.max_ulps) << ", \"at\": " << json_string(p.max_ulps_at) << "}";
      else
        os << "null";
      os << ", \"digits_verified\": ";
      if (p.passed && p.min_digits < testing::kExactDigits)
        os << "{\"min\": " << static_cast<int>(p.min_digits) << ", \"at\": " << json_string(p.fewest_digits_at) << "}";
      else
        os << "null";
      os << ", \"counterexample\": ";
      if (!p.passed && p.ran) {
        os << "{\"inputs\": {";
        for (std::size_t i = 0; i < p.counterexample.size(); ++i)
          os << (i ? ", " : "") << json_string(p.counterexample[i].first) << ": " << json_string(p.counterexample[i].second);
        os << "}, \"checks\": ";
        json_checks(os, p.counterexample_checks);
        os << "}, \"reproduce\": " << json_string(p.reproduce);
      } else {
        os << "null, \"reproduce\": null";
      }
      os << ", \"under_conditions\": " << outcome_json(r.under_conditions)
         << ", \"under_conditions_cases\": " << r.under_conditions.cases << ", \"correction_checked\": "
         << outcome_json(r.corrected)
         << ", \"correction_cases\": " << r.corrected.cases << ", \"correction_failure\": "
         << (r.correction_holds ? "null" : json_string(r.corrected.message));
    }
    os << ", \"seconds\": " << json_number(r.seconds);
    os << ", \"matches_expected\": " << (r.matches() ? "true" : "false") << ", \"property\": "
       << json_string(test_name(c.id)) << "}";
  }
  os << "\n  ],\n  \"summary\": {\"claims\": " << results.size() << ", \"holds\": " << counts["holds"]
     << ", \"refuted\": " << counts["refuted"] << ", \"needs_correction\": " << counts["needs-correction"]
     << ", \"inconclusive\": " << counts["inconclusive"] << ", \"not_checked\": " << counts["not-checked"]
     << ", \"differ_from_expected\": " << mismatches << ", \"digits_required\": " << meta.digits
     << ", \"seed\": " << meta.seed << ", \"cases\": " << meta.cases << ", \"cases_run\": " << cases_run(results)
     << ", \"seconds\": " << json_number(meta.seconds);
  if (meta.shard_total > 1)
    os << ", \"shard\": {\"index\": " << meta.shard_index << ", \"total\": " << meta.shard_total << "}";
  os << "}\n}\n";
}

void write_markdown(std::ostream& os, const std::vector<claim_result>& results, const report_meta& meta) {
  std::map<std::string, int> counts;
  for (const auto& r : results) ++counts[verdict_text(r)];
  os << "# gradaudit report\n\n"
     << "Every claim of the audited article (`properties/source-article.md`), the verdict its "
        "properties computed, and the evidence. Seed " << meta.seed << ", " << meta.cases
     << " cases per property unless a claim says otherwise; regenerate with\n"
        "`build/default/cli/gradaudit audit --seed " << meta.seed << " --cases " << meta.cases
     << " --markdown regression/REPORT.md`.\n\n"
     << results.size() << " claims: " << counts["holds"] << " hold, " << counts["refuted"] << " refuted, "
     << counts["needs-correction"] << " need correction";
  if (counts["inconclusive"]) os << ", " << counts["inconclusive"] << " inconclusive";
  if (counts["not-checked"]) os << ", " << counts["not-checked"] << " not checked here";
  os << ".\n";
  if (meta.shard_total > 1)
    os << "\nShard " << meta.shard_index << " of " << meta.shard_total << " (GTEST_SHARD_INDEX / GTEST_TOTAL_SHARDS): "
       << "`gradaudit report merge` joins the shards' JSON reports into the whole report.\n";
  std::string section;
  for (const auto& r : results) {
    const auto& c = *r.c;
    if (c.section != section) {
      section = c.section;
      os << "\n## " << section << "\n";
    }
    const auto& p = evidence(r);
    os << "\n### `" << c.id << "` — **" << verdict_text(r) << "**";
    if (!r.matches()) os << " (expected " << testing::to_string(c.expected) << ")";
    os << "\n\n> " << c.quote << "\n\n";
    os << "*Tested:* " << c.statement << "\n\n";
    if (!r.undetermined.empty()) {
      os << "*Not checked here:* " << r.undetermined << "\n";
      continue;
    }
    if (r.observed == verdict::inconclusive) os << "*Inconclusive:* " << r.inconclusive_reason << ".\n\n";
    if (!p.classes.empty()) os << "*Cases by class:* " << classes_text(p) << ".\n\n";
    if (p.passed) {
      os << "*Evidence:* " << p.cases << " cases passed";
      if (p.min_digits < testing::kExactDigits) os << "; at least " << static_cast<int>(p.min_digits) << " digits certified (fewest at " << p.fewest_digits_at << ")";
      if (!p.max_ulps_at.empty()) os << "; largest error " << json_number(p.max_ulps) << " ULP at " << p.max_ulps_at;
      os << ".\n";
    } else {
      os << "*Counterexample* (shrunk by RapidCheck" << (p.counterexample.empty() ? "" : ": " + inputs_text(p)) << "):\n\n";
      for (const auto& ch : p.counterexample_checks)
        if (!ch.ok)
          os << "- " << ch.what << ": claimed `" << ch.claimed << "`, actual `" << ch.actual << "`"
             << (ch.bound == "-" ? "" : " (allowed difference " + ch.bound + ")") << "\n";
      os << "\nReplay: `RC_PARAMS=\"" << p.reproduce << "\" build/default/properties/gradaudit_properties --gtest_filter=" << test_name(c.id) << "`.\n";
      if (r.under_conditions.ran)
        os << "\n*Under the conditions the article omits* it "
           << (r.under_conditions.holds() ? "holds" : r.under_conditions.passed ? "is inconclusive" : "still fails")
           << " (" << r.under_conditions.cases << " cases).\n";
    }
    if (!c.correction.empty()) {
      os << "\n*Correction:* " << c.correction;
      if (r.corrected.ran)
        os << " (checked: " << (r.corrected.holds() ? "holds" : r.corrected.passed ? "INCONCLUSIVE" : "FAILS") << ", " << r.corrected.cases << " cases)";
      os << "\n";
    }
  }
  write_figures_section(os, meta);
}

void write_figures_section(std::ostream& os, const report_meta& meta) {
  if (meta.figures.empty() && meta.figures_note.empty()) return;
  os << "\n## Figures\n\n";
  if (!meta.figures_note.empty()) os << meta.figures_note << ".\n";
  for (const auto& [path, caption] : meta.figures) os << "![" << caption << "](" << path << ")\n\n*" << caption << ".*\n\n";
}

void write_junit(std::ostream& os, const std::vector<claim_result>& results, const report_meta& meta) {
  int failures = 0, skipped = 0;
  for (const auto& r : results) {
    if (!r.undetermined.empty() || r.observed == verdict::inconclusive) ++skipped;
    else if (!r.matches()) ++failures;
  }
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"gradaudit audit\" tests=\"" << results.size()
     << "\" failures=\"" << failures << "\" skipped=\"" << skipped << "\" time=\"" << meta.seconds << "\">\n";
  for (const auto& r : results) {
    os << "  <testcase classname=\"" << xml_escape(r.c->section) << "\" name=\"" << xml_escape(r.c->id) << "\" time=\""
       << r.seconds << "\">";
    if (!r.undetermined.empty()) {
      os << "<skipped message=\"" << xml_escape(r.undetermined) << "\"/>";
    } else if (r.observed == verdict::inconclusive) {
      os << "<skipped message=\"inconclusive: " << xml_escape(r.inconclusive_reason) << "\"/>";
    } else if (!r.matches()) {
      os << "<failure message=\"verdict " << verdict_text(r) << ", expected "
         << testing::to_string(r.c->expected) << "\">" << xml_escape(testing::summary_line(r)) << "</failure>";
    } else {
      os << "<system-out>" << xml_escape(testing::summary_line(r)) << "</system-out>";
    }
    os << "</testcase>\n";
  }
  os << "</testsuite>\n";
}

namespace {

/// Typed access to a report's members, with errors naming the file and the member.
struct reader {
  const std::string& file;
  std::string where;  // e.g. "claim 'sigmoid.derivative'"

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(file + ": " + (where.empty() ? "" : where + ": ") + what);
  }
  const json_value& member(const json_value& obj, std::string_view key) const {
    const json_value* v = obj.find(key);
    if (!v) fail("missing member \"" + std::string(key) + "\"");
    return *v;
  }
  std::string str(const json_value& obj, std::string_view key) const {
    const auto& v = member(obj, key);
    if (v.type != json_value::kind::string) fail("\"" + std::string(key) + "\" is not a string");
    return v.text;
  }
  /// A string member that may be null ("" then).
  std::string str_or_null(const json_value& obj, std::string_view key) const {
    const auto& v = member(obj, key);
    return v.is_null() ? std::string() : str(obj, key);
  }
  double num(const json_value& obj, std::string_view key) const {
    const auto& v = member(obj, key);
    if (v.type != json_value::kind::number) fail("\"" + std::string(key) + "\" is not a number");
    return v.number;
  }
  long long integer(const json_value& obj, std::string_view key, long long lo, long long hi) const {
    const double d = num(obj, key);
    if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) || d != static_cast<double>(static_cast<long long>(d)))
      fail("\"" + std::string(key) + "\" is " + member(obj, key).text + ", not an integer in [" + std::to_string(lo) +
           ", " + std::to_string(hi) + "]");
    return static_cast<long long>(d);
  }
  bool boolean(const json_value& obj, std::string_view key) const {
    const auto& v = member(obj, key);
    if (v.type != json_value::kind::boolean) fail("\"" + std::string(key) + "\" is not true or false");
    return v.boolean;
  }
  /// "holds" | "inconclusive" | "fails" | null, as property_result's ran/passed/holds().
  void outcome(const json_value& obj, std::string_view key, property_result& p) const {
    const std::string v = str_or_null(obj, key);
    if (v.empty()) return;
    if (v != "holds" && v != "fails" && v != "inconclusive")
      fail("\"" + std::string(key) + "\" is \"" + v + "\", not holds, inconclusive, fails or null");
    p.ran = true;
    p.passed = v != "fails";
    p.inconclusive_cases = v == "inconclusive" ? 1 : 0;
  }
};

}  // namespace

read_report_result read_json_report(const std::string& path) {
  const json_value doc = read_json_file(path);
  reader rd{path, ""};
  if (doc.type != json_value::kind::object) rd.fail("not a gradaudit report (the top level is not an object)");
  const auto& claims = rd.member(doc, "claims");
  const auto& summary = rd.member(doc, "summary");
  if (claims.type != json_value::kind::array) rd.fail("\"claims\" is not an array");
  read_report_result out;
  out.meta.seed = static_cast<std::uint64_t>(rd.integer(summary, "seed", 0, (1LL << 53)));
  out.meta.cases = static_cast<int>(rd.integer(summary, "cases", 1, 100000000));
  out.meta.seconds = rd.num(summary, "seconds");
  out.meta.digits = static_cast<int>(rd.integer(summary, "digits_required", 1, static_cast<long long>(testing::kExactDigits)));
  if (const auto* shard = summary.find("shard")) {
    reader sr{path, "summary.shard"};
    out.meta.shard_total = static_cast<int>(sr.integer(*shard, "total", 1, 1 << 20));
    out.meta.shard_index = static_cast<int>(sr.integer(*shard, "index", 0, out.meta.shard_total - 1));
  }
  for (std::size_t k = 0; k < claims.items.size(); ++k) {
    const json_value& j = claims.items[k];
    reader cr{path, "claim " + std::to_string(k + 1)};
    if (j.type != json_value::kind::object) cr.fail("not an object");
    const std::string id = cr.str(j, "id");
    cr.where = "claim '" + id + "'";
    const testing::claim* c = testing::find_claim(id);
    if (!c) cr.fail("not a claim of this gradaudit (a report from another version?)");
    if (cr.str(j, "quote") != c->quote || cr.str(j, "statement") != c->statement)
      cr.fail("its quote or statement differ from this gradaudit's (a report from another version?)");
    claim_result r;
    r.c = c;
    const std::string v = cr.str(j, "verdict");
    if (v == "not-checked") {
      r.undetermined = cr.str(j, "not_checked");
      if (r.undetermined.empty()) cr.fail("\"not_checked\" gives no reason");
      r.seconds = cr.num(j, "seconds");
      out.results.push_back(std::move(r));
      continue;
    }
    if (v == "holds") r.observed = verdict::holds;
    else if (v == "refuted") r.observed = verdict::refuted;
    else if (v == "needs-correction") r.observed = verdict::needs_correction;
    else if (v == "inconclusive") r.observed = verdict::inconclusive;
    else cr.fail("\"verdict\" is \"" + v + "\", not holds, refuted, needs-correction, inconclusive or not-checked");
    r.inconclusive_reason = cr.str_or_null(j, "inconclusive");
    if ((r.observed == verdict::inconclusive) != !r.inconclusive_reason.empty())
      cr.fail("\"inconclusive\" must give a reason exactly when the verdict is inconclusive");
    property_result& p = r.as_stated;
    p.ran = true;
    p.cases = static_cast<int>(cr.integer(j, "cases", 0, (1LL << 31) - 1));
    p.inconclusive_cases = static_cast<int>(cr.integer(j, "inconclusive_cases", 0, p.cases));
    const auto& classes = cr.member(j, "classes");
    if (classes.type != json_value::kind::object) cr.fail("\"classes\" is not an object");
    for (const auto& [name, n] : classes.members) {
      (void)n;
      p.classes[name] = static_cast<int>(cr.integer(classes, name, 0, (1LL << 31) - 1));
    }
    const auto& ce = cr.member(j, "counterexample");
    p.passed = ce.is_null();
    if (!p.passed) {
      const auto& inputs = cr.member(ce, "inputs");
      if (inputs.type != json_value::kind::object) cr.fail("\"counterexample.inputs\" is not an object");
      for (const auto& [name, value] : inputs.members) {
        if (value.type != json_value::kind::string) cr.fail("counterexample input '" + name + "' is not a string");
        p.counterexample.emplace_back(name, value.text);
      }
      const auto& checks = cr.member(ce, "checks");
      if (checks.type != json_value::kind::array) cr.fail("\"counterexample.checks\" is not an array");
      for (const auto& ch : checks.items)
        p.counterexample_checks.push_back(
            {cr.str(ch, "what"), cr.str(ch, "claimed"), cr.str(ch, "actual"), cr.str(ch, "allowed"), cr.boolean(ch, "ok")});
      p.reproduce = cr.str(j, "reproduce");
    }
    if (const auto& me = cr.member(j, "max_error"); !me.is_null()) {
      p.max_ulps = cr.num(me, "ulp");
      p.max_ulps_at = cr.str(me, "at");
    }
    if (const auto& dv = cr.member(j, "digits_verified"); !dv.is_null()) {
      p.min_digits = static_cast<double>(cr.integer(dv, "min", 0, static_cast<long long>(testing::kExactDigits)));
      p.fewest_digits_at = cr.str(dv, "at");
    }
    cr.outcome(j, "under_conditions", r.under_conditions);
    r.under_conditions.cases = static_cast<int>(cr.integer(j, "under_conditions_cases", 0, (1LL << 31) - 1));
    cr.outcome(j, "correction_checked", r.corrected);
    r.corrected.cases = static_cast<int>(cr.integer(j, "correction_cases", 0, (1LL << 31) - 1));
    r.corrected.message = cr.str_or_null(j, "correction_failure");
    r.correction_holds = !r.corrected.ran || r.corrected.holds();
    r.seconds = cr.num(j, "seconds");
    if (r.matches() != cr.boolean(j, "matches_expected"))
      cr.fail("\"matches_expected\" disagrees with its verdict and this gradaudit's expected verdict");
    out.results.push_back(std::move(r));
  }
  return out;
}

}  // namespace gradaudit::cli
