// The order of the audited article (properties/source-article.md) for the registry and the
// reports: its sections as they come, then anything else (our own accuracy claims,
// extensions) by name; within a section formulas, then the initialisation argument, then the
// code, as the article goes (by the id's first component). The library knows no article.
#include "gradaudit/testing/claim.hpp"

namespace {
namespace article_order_claims {

[[maybe_unused]] const bool article_order = gradaudit::testing::register_section_order(
    {"前置知识", "MSE", "MSE › 如果最后一层是sigmoid层", "MSE › 如果最后一层是全连接层",
     "Cross Entropy", "Cross Entropy › 如果最后一层是sigmoid层",
     "Cross Entropy › 如果最后一层是全连接层"},
    {"sigmoid", "mse", "ce", "init", "code"});

}  // namespace article_order_claims
}  // namespace
