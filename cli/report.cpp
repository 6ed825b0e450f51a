#include "report.hpp"

#include "json_writer.hpp"

#include <algorithm>
#include <map>
#include <ostream>
#include <sstream>

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

std::string inputs_text(const property_result& p) {
  std::string s;
  for (const auto& [n, v] : p.counterexample) s += (s.empty() ? "" : ", ") + n + " = " + v;
  return s;
}

}  // namespace

void write_figures_section(std::ostream& os, const report_meta& meta);

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
       << ", \"correction\": " << (c.correction.empty() ? "null" : json_string(c.correction));
    if (!r.undetermined.empty()) {
      os << ", \"not_checked\": " << json_string(r.undetermined);
    } else {
      os << ", \"cases\": " << p.cases;
      os << ", \"max_error\": ";
      if (!p.max_ulps_at.empty())
        os << "{\"ulp\": " << json_number(p.max_ulps) << ", \"at\": " << json_string(p.max_ulps_at) << "}";
      else
        os << "null";
      os << ", \"digits_verified\": ";
      if (p.passed && p.min_digits < 50)
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
      os << ", \"under_conditions\": "
         << (r.under_conditions.ran ? (r.under_conditions.passed ? "\"holds\"" : "\"fails\"") : "null")
         << ", \"correction_checked\": "
         << (r.corrected.ran ? (r.corrected.passed ? "\"holds\"" : "\"fails\"") : "null");
    }
    os << ", \"matches_expected\": " << (r.matches() ? "true" : "false") << ", \"property\": "
       << json_string(test_name(c.id)) << "}";
  }
  os << "\n  ],\n  \"summary\": {\"claims\": " << results.size() << ", \"holds\": " << counts["holds"]
     << ", \"refuted\": " << counts["refuted"] << ", \"needs_correction\": " << counts["needs-correction"]
     << ", \"not_checked\": " << counts["not-checked"] << ", \"differ_from_expected\": " << mismatches
     << ", \"seed\": " << meta.seed << ", \"cases\": " << meta.cases << ", \"seconds\": " << json_number(meta.seconds)
     << "}\n}\n";
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
  if (counts["not-checked"]) os << ", " << counts["not-checked"] << " not checked here";
  os << ".\n";
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
    if (p.passed) {
      os << "*Evidence:* " << p.cases << " cases passed";
      if (p.min_digits < 50) os << "; at least " << static_cast<int>(p.min_digits) << " digits certified (fewest at " << p.fewest_digits_at << ")";
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
        os << "\n*Under the conditions the article omits* it " << (r.under_conditions.passed ? "holds" : "still fails")
           << " (" << r.under_conditions.cases << " cases).\n";
    }
    if (!c.correction.empty()) {
      os << "\n*Correction:* " << c.correction;
      if (r.corrected.ran) os << " (checked: " << (r.corrected.passed ? "holds" : "FAILS") << ", " << r.corrected.cases << " cases)";
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
    if (!r.undetermined.empty()) ++skipped;
    else if (!r.matches()) ++failures;
  }
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"gradaudit audit\" tests=\"" << results.size()
     << "\" failures=\"" << failures << "\" skipped=\"" << skipped << "\" time=\"" << meta.seconds << "\">\n";
  for (const auto& r : results) {
    os << "  <testcase classname=\"" << xml_escape(r.c->section) << "\" name=\"" << xml_escape(r.c->id) << "\" time=\""
       << r.seconds << "\">";
    if (!r.undetermined.empty()) {
      os << "<skipped message=\"" << xml_escape(r.undetermined) << "\"/>";
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

}  // namespace gradaudit::cli
