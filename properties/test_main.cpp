// main() of gradaudit_properties: registers the claims files linked into it (claims/article.toml,
// embedded at build time) before GoogleTest lists the tests, as every audit program does at
// start. A file that does not load stops here, and so fails the build: gtest_discover_tests runs
// this program to list the tests after every link.
#include "gradaudit/audit/claim_files.hpp"

#include <gtest/gtest.h>

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
  try {
    gradaudit::audit::register_claim_files(gradaudit::audit::linked_claim_files());
  } catch (const std::exception& e) {
    std::cerr << "gradaudit_properties: " << e.what() << "\n";
    return 1;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
