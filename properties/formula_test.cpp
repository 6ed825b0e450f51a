// The article's formula claims, written a second time as formulas (properties/claims/
// article.toml, for `gradaudit check`), must get the verdict their C++ claim gets: the formula
// language and the C++ claims end in the same engine and may not disagree.
#include "gradaudit/formula/claim.hpp"
#include "gradaudit/testing/claim.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

namespace formula = gradaudit::formula;
namespace testing = gradaudit::testing;

TEST(FormulaClaims, SameVerdictAsTheirCppClaim) {
  const auto opt = testing::options_from_environment();
  int compared = 0;
  for (const auto& fc : formula::load_claims(GRADAUDIT_ARTICLE_CLAIMS)) {
    const std::string suffix = ".formula";
    ASSERT_GT(fc.id.size(), suffix.size()) << fc.id;
    ASSERT_EQ(fc.id.substr(fc.id.size() - suffix.size()), suffix) << fc.id << " does not end in .formula";
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
  EXPECT_GE(compared, 15);
}

}  // namespace
