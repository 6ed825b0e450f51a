// The three reports' writers and the verdict tally they share with the terminal summaries.
#include "gradaudit/audit/report.hpp"

#include "gradaudit/audit/report_json.hpp"

#include <cstdio>
#include <ostream>

namespace gradaudit::audit {
namespace {

using testing::property_result;

std::string verdict_text(const claim_result& r) {
  return std::string(testing::to_string(r.observed));
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// "saturated |z| > 36.7: 34, z = ±0: 5" (every class the claim names, in name order).
std::string classes_text(const property_result& p) {
  std::string s;
  for (const auto& [name, n] : p.classes)
    s += (s.empty() ? "" : ", ") + name + ": " + std::to_string(n);
  return s;
}

/// A double in 17 significant digits (reads back to the same value).
std::string digits17_text(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void markdown_header(std::ostream& os, const std::vector<claim_result>& results,
                     const report_meta& meta, const program_info& info) {
  const tally t = count(results);
  os << "# gradaudit report\n\n"
     << "Every claim of " << info.source
     << ", the verdict its properties computed, and the evidence. Seed " << meta.seed << ", "
     << meta.cases << " cases per property unless a claim says otherwise; regenerate with\n`"
     << (info.regenerate.empty() ? info.program() + " audit" : info.regenerate) << " --seed "
     << meta.seed << " --cases " << meta.cases << " --markdown " << info.markdown_path << "`.\n\n"
     << results.size() << " claims: " << t[verdict::holds] << " hold, " << t[verdict::refuted]
     << " refuted, " << t[verdict::needs_correction] << " need correction";
  if (t[verdict::inconclusive]) os << ", " << t[verdict::inconclusive] << " inconclusive";
  if (t[verdict::not_checked]) os << ", " << t[verdict::not_checked] << " not checked here";
  os << ".\n";
  if (info.notes)
    for (const auto& note : info.notes()) os << "\n" << note << ".\n";
  if (meta.shard_total > 1)
    os << "\nShard " << meta.shard_index << " of " << meta.shard_total
       << " (GTEST_SHARD_INDEX / GTEST_TOTAL_SHARDS): "
       << "`" << info.name
       << " report merge` joins the shards' JSON reports into the whole report.\n";
}

void markdown_evidence(std::ostream& os, const claim_result& r, const program_info& info) {
  const property_result& p = r.as_stated;
  if (p.passed) {
    os << "*Evidence:* " << p.cases << " cases passed";
    if (p.min_digits < testing::kExactDigits)
      os << "; at least " << static_cast<int>(p.min_digits) << " digits certified (fewest at "
         << p.fewest_digits_at << ")";
    if (!p.max_ulps_at.empty())
      os << "; largest error " << digits17_text(p.max_ulps) << " ULP at " << p.max_ulps_at;
    os << ".\n";
    return;
  }
  const std::string inputs = testing::join_inputs(p.counterexample);
  os << "*Counterexample* (shrunk by RapidCheck" << (inputs.empty() ? "" : ": " + inputs)
     << "):\n\n";
  for (const auto& ch : p.counterexample_checks)
    if (!ch.ok)
      os << "- " << ch.what << ": claimed `" << ch.claimed << "`, actual `" << ch.actual << "`"
         << (ch.bound == "-" ? "" : " (allowed difference " + ch.bound + ")") << "\n";
  os << "\nReplay: `" << info.replay_line(r.c->id, p.reproduce) << "`.\n";
  if (r.under_conditions.ran)
    os << "\n*Under the conditions " << info.source_noun << " omits* it "
       << (r.under_conditions.holds()  ? "holds"
           : r.under_conditions.passed ? "is inconclusive"
                                       : "still fails")
       << " (" << r.under_conditions.cases << " cases).\n";
}

void markdown_claim(std::ostream& os, const claim_result& r, const program_info& info) {
  const auto& c = *r.c;
  os << "\n### `" << c.id << "` — **" << verdict_text(r) << "**";
  if (!r.matches()) os << " (expected " << testing::to_string(*c.expected) << ")";
  os << "\n\n> " << c.quote << "\n\n";
  os << "*Tested:* " << c.statement << "\n\n";
  if (!r.checked()) {
    os << "*Not checked here:* " << r.reason << "\n";
    return;
  }
  if (r.observed == verdict::inconclusive) os << "*Inconclusive:* " << r.reason << ".\n\n";
  if (!r.as_stated.classes.empty())
    os << "*Cases by class:* " << classes_text(r.as_stated) << ".\n\n";
  markdown_evidence(os, r, info);
  if (!c.correction.empty()) {
    os << "\n*Correction:* " << c.correction;
    if (r.corrected.ran)
      os << " (checked: "
         << (r.corrected.holds()  ? "holds"
             : r.corrected.passed ? "INCONCLUSIVE"
                                  : "FAILS")
         << ", " << r.corrected.cases << " cases)";
    os << "\n";
  }
}

void markdown_figures(std::ostream& os, const report_meta& meta) {
  if (meta.figures.empty() && meta.figures_note.empty()) return;
  os << "\n## Figures\n\n";
  if (!meta.figures_note.empty()) os << meta.figures_note << ".\n";
  for (const auto& [path, caption] : meta.figures)
    os << "![" << caption << "](" << path << ")\n\n*" << caption << ".*\n\n";
}

json summary_json(const std::vector<claim_result>& results, const report_meta& meta) {
  const tally t = count(results);
  json s{{"claims", results.size()},
         {"holds", t[verdict::holds]},
         {"refuted", t[verdict::refuted]},
         {"needs_correction", t[verdict::needs_correction]},
         {"inconclusive", t[verdict::inconclusive]},
         {"not_checked", t[verdict::not_checked]},
         {"differ_from_expected", t.differ_from_expected},
         {"digits_required", meta.digits},
         {"seed", meta.seed},
         {"cases", meta.cases},
         {"cases_run", cases_run(results)},
         {"seconds", meta.seconds}};
  if (meta.shard_total > 1) s["shard"] = {{"index", meta.shard_index}, {"total", meta.shard_total}};
  return s;
}

}  // namespace

std::string program_info::replay_line(std::string_view id, std::string_view reproduce) const {
  const std::string env = "RC_PARAMS=\"" + std::string(reproduce) + "\" ";
  if (!regenerate.empty()) return env + regenerate;
  if (!gtest_binary.empty())
    return env + gtest_binary + " --gtest_filter=Claims/Verdict.Matches/" + testing::gtest_name(id);
  return env + program() + " audit --only " + std::string(id);
}

void tally::add(const claim_result& r) {
  ++claims;
  ++by_verdict[static_cast<std::size_t>(r.observed)];
  if (!r.matches()) ++differ_from_expected;
}

std::string tally::text() const {
  std::string s = std::to_string(claims) + " claims: " + std::to_string((*this)[verdict::holds]) +
                  " hold, " + std::to_string((*this)[verdict::refuted]) + " refuted, " +
                  std::to_string((*this)[verdict::needs_correction]) + " need correction";
  if ((*this)[verdict::inconclusive])
    s += ", " + std::to_string((*this)[verdict::inconclusive]) + " inconclusive";
  if ((*this)[verdict::not_checked])
    s += ", " + std::to_string((*this)[verdict::not_checked]) + " not checked here";
  return s;
}

tally count(const std::vector<claim_result>& results) {
  tally t;
  for (const auto& r : results) t.add(r);
  return t;
}

long long cases_run(const std::vector<claim_result>& results) {
  long long n = 0;
  for (const auto& r : results)
    n += static_cast<long long>(r.as_stated.cases) + r.under_conditions.cases + r.corrected.cases;
  return n;
}

void write_json(std::ostream& os, const std::vector<claim_result>& results, const report_meta& meta,
                const program_info& info) {
  json claims = json::array();
  for (const auto& r : results) {
    json j = r;
    j["property"] = info.gtest_binary.empty()
                        ? json(nullptr)
                        : json("Claims/Verdict.Matches/" + testing::gtest_name(r.c->id));
    claims.push_back(std::move(j));
  }
  const json doc{{"claims", std::move(claims)}, {"summary", summary_json(results, meta)}};
  os << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

void write_markdown(std::ostream& os, const std::vector<claim_result>& results,
                    const report_meta& meta, const program_info& info) {
  markdown_header(os, results, meta, info);
  std::string section;
  for (const auto& r : results) {
    if (r.c->section != section) {
      section = r.c->section;
      os << "\n## " << section << "\n";
    }
    markdown_claim(os, r, info);
  }
  markdown_figures(os, meta);
}

void write_junit(std::ostream& os, const std::vector<claim_result>& results,
                 const report_meta& meta) {
  const tally t = count(results);
  const int skipped = t[verdict::not_checked] + t[verdict::inconclusive];
  int failures = 0;  // JUnit's rule: a skipped test is not a failure
  for (const auto& r : results)
    failures += r.checked() && r.observed != verdict::inconclusive && !r.matches();
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"gradaudit audit\" tests=\""
     << results.size() << "\" failures=\"" << failures << "\" skipped=\"" << skipped << "\" time=\""
     << meta.seconds << "\">\n";
  for (const auto& r : results) {
    os << "  <testcase classname=\"" << xml_escape(r.c->section) << "\" name=\""
       << xml_escape(r.c->id) << "\" time=\"" << r.seconds << "\">";
    if (!r.checked()) {
      os << "<skipped message=\"" << xml_escape(r.reason) << "\"/>";
    } else if (r.observed == verdict::inconclusive) {
      os << "<skipped message=\"inconclusive: " << xml_escape(r.reason) << "\"/>";
    } else if (!r.matches()) {
      os << "<failure message=\"verdict " << verdict_text(r) << ", expected "
         << testing::to_string(*r.c->expected) << "\">" << xml_escape(testing::summary_line(r))
         << "</failure>";
    } else {
      os << "<system-out>" << xml_escape(testing::summary_line(r)) << "</system-out>";
    }
    os << "</testcase>\n";
  }
  os << "</testsuite>\n";
}

}  // namespace gradaudit::audit
