// The gradaudit CLI as an audit program: its reports name the article and replay through
// the property tests; `audit --figures` draws the article's figures.
#include "commands.hpp"
#include "figures.hpp"

#include "gradaudit/audit/claim_files.hpp"
#include "sentences.hpp"

#include <fstream>
#include <sstream>

namespace gradaudit::cli {

namespace {

/// "Sentence coverage: 61 of 61 assertive sentences checked (…)", or "" when the article or
/// the exclusions are not where this build left them (an installed gradaudit elsewhere). The
/// quotes are the registry's: the C++ claims and those of the claims files, which main_of
/// registers before any command runs.
std::string sentence_coverage() {
  const std::string article = properties::read_text(GRADAUDIT_ARTICLE),
                    exclusions = properties::read_text(GRADAUDIT_SENTENCE_EXCLUSIONS);
  if (article.empty() || exclusions.empty()) return "";
  std::vector<std::pair<std::string, std::string>> quotes;
  for (const auto& c : testing::registry())
    if (!c.section.starts_with("gradaudit")) quotes.emplace_back(c.section, c.quote);
  return "Sentence coverage: " +
         properties::measure_coverage(article, exclusions, quotes).summary();
}

}  // namespace

audit::program_info program() {
  audit::program_info info;
  info.name = "gradaudit";
  info.command = "build/default/cli/gradaudit";
  info.source = "the audited article (`properties/source-article.md`)";
  info.source_noun = "the article";
  info.markdown_path = "regression/REPORT.md";
  info.gtest_binary = "build/default/properties/gradaudit_properties";
  info.claim_files = audit::linked_claim_files();  // properties/claims/article.toml, embedded
  info.notes = [] {
    std::vector<std::string> notes;
    if (auto note = sentence_coverage(); !note.empty()) notes.push_back(std::move(note));
    return notes;
  };
  return info;
}

audit::figures_hook article_figures() {
  audit::figures_hook hook;
  hook.names = figure_files();
  hook.write = [](const std::string& dir, std::string& note) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& f : write_figures(dir, note)) out.emplace_back(f.file, f.caption);
    return out;
  };
  return hook;
}

int audit(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  return audit::run_audit(args, out, err, program(), article_figures());
}

int report(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  return audit::run_report(args, out, err, program());
}

}  // namespace gradaudit::cli
