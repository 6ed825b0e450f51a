// Every sentence accounted for: each unit of the article's body (sentences.hpp) is quoted by a
// registered claim or listed in sentence_exclusions.txt with the reason it is not checkable,
// and every exclusion still matches a unit. Prints how many assertive (not excluded) units
// the claims check.
#include "gradaudit/testing/claim.hpp"
#include "sentences.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using gradaudit::properties::read_text;
using gradaudit::properties::sentence;
using gradaudit::properties::split_sentences;

/// One line of sentence_exclusions.txt: `<unit verbatim> \t <reason>`.
struct exclusion {
  std::string unit, reason;
  int line = 0;
};

/// The exclusions, or a message per malformed line in `errors`. Blank lines are skipped.
std::vector<exclusion> read_exclusions(const std::string& text, std::vector<std::string>& errors) {
  std::vector<exclusion> out;
  std::istringstream in(text);
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (gradaudit::properties::trim(line).empty()) continue;
    const auto tab = line.rfind('\t');
    exclusion e{gradaudit::properties::trim(line.substr(0, tab == std::string::npos ? 0 : tab)),
                gradaudit::properties::trim(tab == std::string::npos ? "" : line.substr(tab + 1)),
                n};
    if (tab == std::string::npos || e.unit.empty() || e.reason.empty())
      errors.push_back("line " + std::to_string(n) + " is not `<unit> \\t <reason>`: " + line);
    else
      out.push_back(std::move(e));
  }
  return out;
}

/// The IDs of the claims about the article (not gradaudit's own, section "gradaudit …") that
/// account for unit `u` (comma-separated, "" when none).
std::string claims_quoting(const sentence& u, const std::vector<sentence>& all) {
  std::string ids;
  for (const auto& c : gradaudit::testing::registry())
    if (!c.section.starts_with("gradaudit") &&
        gradaudit::properties::claim_covers(c.section, c.quote, u, all))
      ids += (ids.empty() ? "" : ", ") + c.id;
  return ids;
}

TEST(Sentences, SplitFollowsTheRules) {
  const auto units = split_sentences(
      "# 标题\n\n甲。乙？丙\n$$a。b$$\n```\nx = 1 # 注释。还是一行\n```\n，\n编辑于 2024-06-14 "
      "不算\n后文。");
  std::vector<std::string> texts;
  for (const auto& u : units) texts.push_back(u.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"# 标题", "甲。", "乙？", "丙", "$$a。b$$",
                                             "x = 1 # 注释。还是一行"}));
  EXPECT_TRUE(gradaudit::properties::quote_covers(" 乙？丙 ", "乙？"));  // a quote spanning units
  EXPECT_TRUE(gradaudit::properties::quote_covers("b", "$$a。b$$"));     // a quote inside a unit
  EXPECT_FALSE(gradaudit::properties::quote_covers("则甲乙", "则"));  // a character is not a unit
}

TEST(Sentences, EveryUnitIsQuotedOrExcluded) {
  const std::string article = read_text(GRADAUDIT_ARTICLE);
  ASSERT_FALSE(article.empty()) << "cannot read " << GRADAUDIT_ARTICLE;
  std::vector<std::string> malformed;
  const auto exclusions = read_exclusions(read_text(GRADAUDIT_SENTENCE_EXCLUSIONS), malformed);
  for (const auto& m : malformed) ADD_FAILURE() << GRADAUDIT_SENTENCE_EXCLUSIONS << ": " << m;

  std::map<std::string, const exclusion*> excluded;
  for (const auto& e : exclusions)
    if (!excluded.emplace(e.unit, &e).second)
      ADD_FAILURE() << "sentence_exclusions.txt line " << e.line << ": listed twice: " << e.unit;

  const auto units = split_sentences(article);
  ASSERT_GT(units.size(), 50u);
  // A unit quoted by a claim is checked; otherwise it must be excluded. An exclusion matches
  // every unit with its text; it is stale when it matches none, and redundant when claims
  // quote every unit it matches.
  std::set<std::string> matched, needed;
  std::map<std::string, int> by_reason;
  int assertive = 0, checked = 0, excluded_units = 0;
  for (const sentence& u : units) {
    const std::string ids = claims_quoting(u, units);
    const auto ex = excluded.find(u.text);
    if (ex != excluded.end()) matched.insert(u.text);
    if (!ids.empty()) {
      ++assertive;
      ++checked;
    } else if (ex != excluded.end()) {
      needed.insert(u.text);
      ++by_reason[ex->second->reason];
      ++excluded_units;
    } else {
      ++assertive;
      ADD_FAILURE() << "article line " << u.line << " (" << u.section
                    << "): no claim quotes this unit and it is not excluded: " << u.text;
    }
  }
  for (const auto& e : exclusions) {
    EXPECT_TRUE(matched.count(e.unit)) << "sentence_exclusions.txt line " << e.line
                                       << ": stale, matches no unit of the article: " << e.unit;
    EXPECT_TRUE(!matched.count(e.unit) || needed.count(e.unit))
        << "sentence_exclusions.txt line " << e.line
        << ": redundant, claims quote every unit it matches: " << e.unit;
  }

  std::cout << units.size() << " units; " << excluded_units << " excluded:\n";
  for (const auto& [reason, n] : by_reason) std::cout << "  " << n << "  " << reason << "\n";
  std::cout << checked << " of " << assertive << " assertive sentences checked\n";
  // The count the gradaudit CLI's report states is this one.
  std::vector<std::pair<std::string, std::string>> quotes;
  for (const auto& c : gradaudit::testing::registry())
    if (!c.section.starts_with("gradaudit")) quotes.emplace_back(c.section, c.quote);
  const auto cov = gradaudit::properties::measure_coverage(
      article, read_text(GRADAUDIT_SENTENCE_EXCLUSIONS), quotes);
  EXPECT_EQ(cov.checked, checked);
  EXPECT_EQ(cov.excluded, excluded_units);
  EXPECT_EQ(cov.checked + cov.uncovered, assertive);
}

}  // namespace
