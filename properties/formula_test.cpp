// The formula claims of the article's audit (claims/article.toml) and their restatements
// (claims/cross_check.toml):
//  - the audit registers article.toml as it stands in the tree (the embedded text is the file),
//    with its ids, quotes and expected verdicts;
//  - `gradaudit check claims/article.toml` (formula::claims_from_file, run as the command runs
//    it) gives each claim the verdict the committed report (regression/REPORT.md) shows for its
//    id, so the check and the audit's report cannot part (ctest check.article_claims runs the
//    command itself with --expect);
//  - each cross-check formula gets the verdict of the C++ claim it restates: the formula language
//    and the C++ claims end in the same engine and may not disagree.
#include "gradaudit/audit/claim_files.hpp"
#include "gradaudit/formula/claim.hpp"
#include "gradaudit/testing/claim.hpp"
#include "sentences.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

namespace {

namespace audit = gradaudit::audit;
namespace formula = gradaudit::formula;
namespace testing = gradaudit::testing;
using gradaudit::properties::read_text;

/// The verdict of each claim in a Markdown report: "### `id` — **verdict**".
std::map<std::string, std::string> report_verdicts(const std::string& md) {
  std::map<std::string, std::string> out;
  std::istringstream in(md);
  const std::string open = "### `", middle = "` — **";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(open, 0) != 0) continue;
    const auto m = line.find(middle);
    const auto end = line.find("**", m + middle.size());
    if (m == std::string::npos || end == std::string::npos) continue;
    out[line.substr(open.size(), m - open.size())] =
        line.substr(m + middle.size(), end - m - middle.size());
  }
  return out;
}

TEST(ArticleClaimsFile, IsLinkedAsItStandsAndRegistered) {
  const auto& linked = audit::linked_claim_files();
  ASSERT_EQ(linked.size(), 1u);
  EXPECT_EQ(linked[0].name, "properties/claims/article.toml");
  EXPECT_EQ(linked[0].text, read_text(GRADAUDIT_ARTICLE_CLAIMS))
      << "the embedded text is stale: re-run CMake";
  const auto claims = formula::load_claims(GRADAUDIT_ARTICLE_CLAIMS);
  EXPECT_GE(claims.size(), 3u);
  for (const auto& fc : claims) {
    const testing::claim* c = testing::find_claim(fc.id);
    ASSERT_NE(c, nullptr) << fc.id << " is not in the registry";
    EXPECT_EQ(c->quote, fc.quote) << fc.id;
    EXPECT_EQ(c->section, fc.section) << fc.id;
    EXPECT_EQ(c->expected, fc.expected) << fc.id;
    EXPECT_FALSE(fc.classes.empty()) << fc.id << " names no input class its cases must reach";
  }
}

TEST(ArticleClaimsFile, CheckGivesTheReportsVerdicts) {
  const auto report = report_verdicts(read_text(GRADAUDIT_REPORT));
  ASSERT_GE(report.size(), 60u) << "cannot read the claims of " << GRADAUDIT_REPORT;
  const auto opt = testing::options_from_environment();
  const auto claims = formula::claims_from_file(GRADAUDIT_ARTICLE_CLAIMS);
  for (const auto& c : claims) {
    const auto r = testing::run_claim(c, opt);
    std::cout << testing::summary_line(r) << "\n";
    ASSERT_TRUE(report.count(c.id)) << c.id << " is not in " << GRADAUDIT_REPORT;
    EXPECT_EQ(testing::to_string(r.observed), report.at(c.id)) << c.id;
    EXPECT_TRUE(r.matches()) << c.id;
  }
}

TEST(CrossCheckClaims, SameVerdictAsTheirCppClaim) {
  const auto opt = testing::options_from_environment();
  int compared = 0;
  for (const auto& fc : formula::load_claims(GRADAUDIT_CROSS_CHECK_CLAIMS)) {
    const std::string suffix = ".formula";
    ASSERT_GT(fc.id.size(), suffix.size()) << fc.id;
    ASSERT_EQ(fc.id.substr(fc.id.size() - suffix.size()), suffix)
        << fc.id << " does not end in .formula";
    const std::string cpp_id = fc.id.substr(0, fc.id.size() - suffix.size());
    const testing::claim* cpp = testing::find_claim(cpp_id);
    ASSERT_NE(cpp, nullptr) << fc.id << ": no C++ claim " << cpp_id;
    EXPECT_EQ(fc.quote, cpp->quote) << fc.id << " quotes another sentence than " << cpp_id;
    const testing::claim c = formula::to_claim(fc);
    const auto r = testing::run_claim(c, opt);
    std::cout << testing::summary_line(r) << "\n";
    ASSERT_TRUE(cpp->expected.has_value()) << cpp_id;
    EXPECT_EQ(testing::to_string(r.observed), testing::to_string(*cpp->expected))
        << fc.id << " (formula) and " << cpp_id << " (C++) disagree";
    ++compared;
  }
  EXPECT_GE(compared, 16);
}

}  // namespace
