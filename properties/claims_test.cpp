// Runs every registered claim as one GoogleTest test (Claims/Verdict.Matches/<id>): the
// test passes when the verdict computed by the claim's properties equals the expected one
// and our correction (if any) holds. The seed is printed; RC_PARAMS="seed=…" replays a run.
#include "gradaudit/testing/certify.hpp"
#include "gradaudit/testing/claim.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>

namespace {

using gradaudit::testing::claim;

class Verdict : public ::testing::TestWithParam<const claim*> {};

TEST_P(Verdict, Matches) {
  const claim& c = *GetParam();
  const auto opt = gradaudit::testing::options_from_environment();
  std::cout << "seed=" << opt.seed << " cases=" << opt.cases << "\n";
  const auto r = gradaudit::testing::run_claim(c, opt);
  std::cout << gradaudit::testing::summary_line(r) << "\n";
  if (!r.checked()) GTEST_SKIP() << c.id << " not checked: " << r.reason;
  for (const auto* p : {&r.as_stated, &r.under_conditions, &r.corrected}) {
    if (p->ran && !p->passed && !p->reproduce.empty())
      std::cout << "  replay: RC_PARAMS=\"" << p->reproduce << "\"\n";
    if (p->gave_up || (!p->passed && p->ran && p->reproduce.empty()))
      std::cout << "  " << p->message << "\n";
  }
  ASSERT_TRUE(c.expected) << c.id << ": the article's claims carry an expected verdict";
  EXPECT_EQ(gradaudit::testing::to_string(r.observed), gradaudit::testing::to_string(*c.expected))
      << "claim " << c.id << ": " << c.statement << "\n"
      << r.as_stated.message;
  EXPECT_TRUE(r.correction_holds) << "our correction of " << c.id
                                  << " does not hold: " << r.corrected.message;
  // Every input class the claim names was reached (else its "covered" would be a promise).
  if (r.as_stated.passed) {
    for (const auto& [name, n] : r.as_stated.classes)
      EXPECT_GT(n, 0) << c.id << ": no case fell in the class '" << name << "' it names";
  }
}

// Teeth: a claim that holds with a formula must be refuted when its claimed side is multiplied
// by 1 + 10^-20 (certify.hpp's mutant). One that survives proves nothing at that size.
class Mutant : public ::testing::TestWithParam<const claim*> {};

TEST_P(Mutant, IsRefuted) {
  const claim& c = *GetParam();
  if (c.expected != gradaudit::testing::verdict::holds)
    GTEST_SKIP() << c.id << " is not expected to hold";
  auto opt = gradaudit::testing::options_from_environment();
  gradaudit::testing::impl::mutate_claims() = true;
  const auto r = gradaudit::testing::run_claim(c, opt);
  gradaudit::testing::impl::mutate_claims() = false;
  if (!r.checked()) GTEST_SKIP() << c.id << " not checked: " << r.reason;
  if (r.as_stated.passed && r.as_stated.formula_checks == 0)
    GTEST_SKIP() << c.id << " compares no formula";
  std::cout << "mutant: " << gradaudit::testing::summary_line(r) << "\n";
  EXPECT_EQ(r.observed, gradaudit::testing::verdict::refuted)
      << c.id << " survives its mutant (claimed side × (1 + 1e-20))";
}

/// The same name the reports' replay lines give (gradaudit::testing::gtest_name).
std::string test_name(const ::testing::TestParamInfo<const claim*>& info) {
  return gradaudit::testing::gtest_name(info.param->id);
}

std::vector<const claim*> all_claims() {
  std::vector<const claim*> out;
  for (const auto& c : gradaudit::testing::registry()) out.push_back(&c);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Claims, Verdict, ::testing::ValuesIn(all_claims()), test_name);
INSTANTIATE_TEST_SUITE_P(Teeth, Mutant, ::testing::ValuesIn(all_claims()), test_name);

// Every quote stands verbatim in the article (properties/source-article.md is a byte copy of
// the audited text) unless the claim is our own (section "gradaudit …"), and every claim says
// what it tests and, unless it holds, how to fix it.
TEST(Registry, QuotesAreVerbatimAndClaimsComplete) {
  std::ifstream f(GRADAUDIT_ARTICLE);
  ASSERT_TRUE(f) << "cannot read " << GRADAUDIT_ARTICLE;
  const std::string article((std::istreambuf_iterator<char>(f)), {});
  const auto& claims = gradaudit::testing::registry();
  ASSERT_GE(claims.size(), 20u);
  for (const auto& c : claims) {
    EXPECT_FALSE(c.quote.empty()) << c.id;
    const bool ours = c.section.rfind("gradaudit", 0) == 0;  // our own claims and extensions
    if (!ours) {
      EXPECT_NE(article.find(c.quote), std::string::npos)
          << c.id << ": quote not in the article: " << c.quote;
    }
    // Sections are the article's headings ("MSE › 如果最后一层是sigmoid层": the last part is
    // a heading), except gradaudit's own ("gradaudit (…)").
    const auto last = c.section.rfind("› ");
    const std::string heading = last == std::string::npos ? c.section : c.section.substr(last + 4);
    if (!ours) {
      EXPECT_NE(article.find("## " + heading), std::string::npos)
          << c.id << ": section heading not in the article: " << c.section;
    }
    EXPECT_FALSE(c.statement.empty()) << c.id;
    EXPECT_TRUE(c.expected) << c.id << ": the article's claims keep their expected verdicts";
    if (c.expected != gradaudit::testing::verdict::holds) {
      EXPECT_FALSE(c.correction.empty()) << c.id;
    }
    if (c.expected == gradaudit::testing::verdict::needs_correction) {
      EXPECT_TRUE(static_cast<bool>(c.under_conditions)) << c.id;
    }
  }
}

// The article's order (properties/article_order.cpp) reaches the registry: its first section
// comes first, and a claim of the last article section precedes gradaudit's own sections.
TEST(Registry, FollowsTheArticlesOrder) {
  const auto& claims = gradaudit::testing::registry();
  ASSERT_FALSE(claims.empty());
  EXPECT_EQ(claims.front().section, "前置知识");
  EXPECT_EQ(claims.back().section.rfind("gradaudit", 0), 0u) << claims.back().section;
}

}  // namespace
