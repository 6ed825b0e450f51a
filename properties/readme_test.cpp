// README.md's verdict tables are written by hand for readers; this test keeps them true: every
// claim a table row names must exist and be expected to have the verdict the row states.
#include "gradaudit/testing/claim.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

using gradaudit::testing::registry;
using gradaudit::testing::verdict;

/// The ids a table cell names: `a.b.c`, `…d` (a.b.d: the first id's stem), `a.*` (all a.…).
std::vector<std::string> ids_in(const std::string& cell) {
  std::vector<std::string> out;
  std::string stem;
  static const std::regex tick("`([^`]+)`");
  for (std::sregex_iterator it(cell.begin(), cell.end(), tick), end; it != end; ++it) {
    std::string id = (*it)[1];
    static const std::regex shape(R"(^(…|[a-z_]+\.)[a-z0-9_.*]+$)");
    if (!std::regex_match(id, shape)) continue;  // code in a table of helpers, not a claim
    if (id.rfind("…", 0) == 0) id = stem + id.substr(std::string("…").size());
    else stem = id.substr(0, id.rfind('.') + 1);
    if (id.size() > 2 && id.compare(id.size() - 2, 2, ".*") == 0) {
      for (const auto& c : registry())
        if (c.id.rfind(id.substr(0, id.size() - 1), 0) == 0) out.push_back(c.id);
    } else {
      out.push_back(id);
    }
  }
  return out;
}

/// "holds", "refuted", "needs-correction" from a verdict cell ("hold", "**refuted**", …).
std::string verdict_in(const std::string& cell) {
  if (cell.find("refuted") != std::string::npos) return "refuted";
  if (cell.find("need") != std::string::npos) return "needs-correction";
  if (cell.find("hold") != std::string::npos) return "holds";
  return cell;
}

TEST(Readme, VerdictTablesStateTheExpectedVerdicts) {
  std::ifstream f(GRADAUDIT_README);
  ASSERT_TRUE(f) << "cannot read " << GRADAUDIT_README;
  std::string line;
  int rows = 0;
  static const std::regex row(R"(^\| (`[^|]*`) \| ([^|]+) \|)");
  while (std::getline(f, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    const std::string stated = verdict_in(m[2]);
    for (const auto& id : ids_in(m[1])) {
      ++rows;
      const auto* c = gradaudit::testing::find_claim(id);
      ASSERT_NE(c, nullptr) << "README names a claim that does not exist: " << id;
      ASSERT_TRUE(c->expected.has_value()) << id << " has no expected verdict";
      EXPECT_EQ(std::string(gradaudit::testing::to_string(*c->expected)), stated)
          << "README states '" << stated << "' for " << id;
    }
  }
  EXPECT_GE(rows, 60) << "README's verdict tables name fewer claims than expected: the parser broke?";
}

}  // namespace
