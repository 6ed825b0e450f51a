// README.md's verdict tables are written by hand for readers; this test keeps them true: every
// claim a table row names must exist and be expected to have the verdict the row states.
#include "gradaudit/testing/claim.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using gradaudit::testing::registry;
using gradaudit::testing::verdict;

/// True for a claim id or a continuation of one: "a.b_c", "a.*", "…d" (lower case, digits,
/// '_', '.', '*'; a dot after the first word) — not code such as `check_equal(what, …)`.
bool id_shaped(const std::string& t) {
  const std::string ellipsis = "…";
  const bool continued = t.rfind(ellipsis, 0) == 0;
  const std::string body = continued ? t.substr(ellipsis.size()) : t;
  if (body.empty() || (!continued && body.find('.') == std::string::npos)) return false;
  for (char c : body)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '*'))
      return false;
  return true;
}

/// The ids a table cell names: `a.b.c`, `…d` (a.b.d: the first id's stem), `a.*` (all a.…).
std::vector<std::string> ids_in(const std::string& cell) {
  std::vector<std::string> out;
  std::string stem;
  for (std::size_t open = cell.find('`'); open != std::string::npos; open = cell.find('`', open)) {
    const std::size_t close = cell.find('`', open + 1);
    if (close == std::string::npos) break;
    std::string id = cell.substr(open + 1, close - open - 1);
    open = close + 1;
    if (!id_shaped(id)) continue;  // code in a table of helpers, not a claim
    if (id.rfind("…", 0) == 0)
      id = stem + id.substr(std::string("…").size());
    else
      stem = id.substr(0, id.rfind('.') + 1);
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
  while (std::getline(f, line)) {
    // A row "| `id`, … | verdict | …": the first cell starts with a backtick.
    if (line.rfind("| `", 0) != 0) continue;
    const std::size_t end1 = line.find(" | ", 2);
    if (end1 == std::string::npos) continue;
    const std::size_t end2 = line.find(" |", end1 + 3);
    const std::string first = line.substr(2, end1 - 2);
    const std::string stated = verdict_in(line.substr(end1 + 3, end2 - end1 - 3));
    for (const auto& id : ids_in(first)) {
      ++rows;
      const auto* c = gradaudit::testing::find_claim(id);
      ASSERT_NE(c, nullptr) << "README names a claim that does not exist: " << id;
      ASSERT_TRUE(c->expected.has_value()) << id << " has no expected verdict";
      EXPECT_EQ(std::string(gradaudit::testing::to_string(*c->expected)), stated)
          << "README states '" << stated << "' for " << id;
    }
  }
  EXPECT_GE(rows, 60)
      << "README's verdict tables name fewer claims than expected: the parser broke?";
}

}  // namespace
