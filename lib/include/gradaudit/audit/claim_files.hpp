#pragma once
/// \file claim_files.hpp
/// Claims files (TOML, gradaudit/formula/claim.hpp) built into an audit program. CMake embeds
/// each file's text at build time (gradaudit_add_audit's CLAIM_FILES, or
/// gradaudit_embed_claim_files) in a generated source that links it in with link_claim_file;
/// main_of registers the claims of program_info::claim_files when the program starts, beside
/// the C++ claims (the registry orders both by section). An installed or copied program thus
/// needs no source tree.
#include <cstddef>
#include <string>
#include <vector>

namespace gradaudit::audit {

/// A claims file's text and the name that stands for it in messages (its source path).
struct claims_text {
  std::string name;
  std::string text;
};

/// Links a claims file into the program (called from a static initialiser of the generated
/// source; it only stores the text: nothing is parsed before main).
bool link_claim_file(claims_text file);
/// The claims files linked into the program, in link order.
const std::vector<claims_text>& linked_claim_files();

/// Registers every claim of each file (testing::register_claim). Throws formula::file_error
/// naming the file and the claim for a file or formula that cannot be read, and
/// std::invalid_argument for an id that is already registered.
std::size_t register_claim_files(const std::vector<claims_text>& files);

}  // namespace gradaudit::audit
