// The committed claims files: the article's formula claims and the example about other losses
// get their expected verdicts, and the article's quotes are verbatim.
#include "gradaudit/formula/claim.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

namespace ga = gradaudit::testing;
using namespace gradaudit::formula;

const std::string kRoot = GRADAUDIT_SOURCE_DIR;

void expect_file_verdicts(const std::string& path) {
  static std::vector<std::vector<ga::claim>> keep;  // results point at their claims
  keep.push_back(claims_from_file(path));
  ASSERT_FALSE(keep.back().empty());
  for (const auto& c : keep.back()) {
    ASSERT_TRUE(c.expected.has_value()) << c.id << " states no expected verdict";
    const auto r = ga::run_claim(c, ga::run_options{});
    EXPECT_TRUE(r.matches()) << c.id << ": expected " << ga::to_string(*c.expected) << ", got "
                             << ga::summary_line(r);
  }
}

TEST(FormulaFiles, ArticleClaimsGetTheirVerdicts) { expect_file_verdicts(kRoot + "/properties/claims/article.toml"); }

TEST(FormulaFiles, SecondArticleClaimsGetTheirVerdicts) {
  expect_file_verdicts(kRoot + "/examples/claims/second_article.toml");
}

TEST(FormulaFiles, ArticleQuotesAreVerbatim) {
  std::ifstream in(kRoot + "/properties/source-article.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string article = ss.str();
  for (const auto& c : load_claims(kRoot + "/properties/claims/article.toml")) {
    EXPECT_EQ(c.id.substr(c.id.size() - 8), ".formula") << c.id;
    if (c.section.rfind("gradaudit", 0) == 0) continue;  // our extensions quote no article
    EXPECT_NE(article.find(c.quote), std::string::npos) << c.id << ": " << c.quote;
  }
}

}  // namespace
