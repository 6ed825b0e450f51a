// The committed claims files: the article's formula claims and the example about other losses
// get their expected verdicts (cross_check.toml's against their C++ claims: properties/
// formula_test.cpp), and the article's quotes are verbatim.
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

TEST(FormulaFiles, ArticleClaimsGetTheirVerdicts) {
  expect_file_verdicts(kRoot + "/properties/claims/article.toml");
}

TEST(FormulaFiles, SecondArticleClaimsGetTheirVerdicts) {
  expect_file_verdicts(kRoot + "/examples/claims/second_article.toml");
}

// The article's claims files quote it verbatim; article.toml's ids are the audit's own,
// cross_check.toml's restate a C++ claim's id with ".formula".
TEST(FormulaFiles, ArticleQuotesAreVerbatim) {
  std::ifstream in(kRoot + "/properties/source-article.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string article = ss.str();
  for (const char* file : {"article.toml", "cross_check.toml"}) {
    const bool restated = std::string(file) == "cross_check.toml";
    for (const auto& c : load_claims(kRoot + "/properties/claims/" + file)) {
      const bool suffix = c.id.size() > 8 && c.id.substr(c.id.size() - 8) == ".formula";
      EXPECT_EQ(suffix, restated) << file << ": " << c.id;
      if (c.section.rfind("gradaudit", 0) == 0) continue;  // our extensions quote no article
      EXPECT_NE(article.find(c.quote), std::string::npos) << c.id << ": " << c.quote;
    }
  }
}

}  // namespace
