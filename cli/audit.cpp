#include "commands.hpp"
#include "args.hpp"

#include "gradaudit/testing/certify.hpp"
#include "gradaudit/testing/claim.hpp"
#include "json_writer.hpp"
#include "report.hpp"
#include "figures.hpp"

#include <filesystem>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>
#include <cstdlib>
#include <map>
#include <memory>
#include <ostream>
#include <string_view>
#include <unistd.h>

namespace gradaudit::cli {

namespace {

/// GoogleTest's sharding variables: both unset (one shard), or GTEST_TOTAL_SHARDS >= 1 and
/// 0 <= GTEST_SHARD_INDEX < GTEST_TOTAL_SHARDS. nullopt (after a message) when malformed.
std::optional<std::pair<int, int>> shard_from_environment(std::ostream& err) {
  const char* total = std::getenv("GTEST_TOTAL_SHARDS");
  const char* index = std::getenv("GTEST_SHARD_INDEX");
  if (!total && !index) return std::pair{0, 1};
  if (!total || !index) {
    err << "gradaudit audit: " << (total ? "GTEST_TOTAL_SHARDS" : "GTEST_SHARD_INDEX") << " is set but "
        << (total ? "GTEST_SHARD_INDEX" : "GTEST_TOTAL_SHARDS") << " is not; set both or neither\n";
    return std::nullopt;
  }
  const auto t = parse_int(total);
  if (!t || *t < 1 || *t > 1000000) {
    err << "gradaudit audit: GTEST_TOTAL_SHARDS='" << total << "' is not an integer in [1, 1000000]\n";
    return std::nullopt;
  }
  const auto i = parse_int(index);
  if (!i || *i < 0 || *i >= *t) {
    err << "gradaudit audit: GTEST_SHARD_INDEX='" << index << "' is not an integer in [0, " << *t - 1
        << "] (GTEST_TOTAL_SHARDS=" << *t << ")\n";
    return std::nullopt;
  }
  return std::pair{static_cast<int>(*i), static_cast<int>(*t)};
}

}  // namespace

int audit(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  auto opt = testing::options_from_environment();
  std::vector<std::string> only;
  bool seed_given = false, cases_given = false, digits_given = false;
  std::map<std::string, std::string> outputs;  // --json / --markdown / --junit -> path
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* name) -> const std::string* {
      if (i + 1 >= args.size()) {
        err << "gradaudit audit: " << name << " needs a value\n";
        return nullptr;
      }
      return &args[++i];
    };
    if (a == "--help" || a == "-h") {
      out << "usage: gradaudit audit [--seed S] [--cases N] [--digits D] [--only ID]... [--json FILE]\n"
             "                       [--markdown FILE] [--junit FILE] [--figures DIR]\n"
             "  Checks every claim of the article and prints one line per claim: the verdict\n"
             "  computed by its properties, and the evidence. A claim holds only when every case\n"
             "  agreed to at least D significant digits (default 17) in certified arithmetic;\n"
             "  where that cannot be reached it is inconclusive. Exit 0 when every verdict equals\n"
             "  the expected one. The report files are written atomically; a path that cannot\n"
             "  be written is an error before any claim runs. With GTEST_TOTAL_SHARDS=N and\n"
             "  GTEST_SHARD_INDEX=I set it runs shard I of N (claims I, I+N, ...); 'gradaudit\n"
             "  report merge' joins the shards' JSON reports.\n";
      return ok;
    } else if (a == "--seed") {
      const auto* v = value("--seed");
      if (!v) return usage;
      const auto s = parse_int(*v);
      if (!s || *s < 0 || seed_given) {
        err << "gradaudit audit: --seed: " << (seed_given ? "given twice" : "'" + *v + "' is not a non-negative integer") << "\n";
        return usage;
      }
      seed_given = true;
      opt.seed = static_cast<std::uint64_t>(*s);
    } else if (a == "--cases") {
      const auto* v = value("--cases");
      if (!v) return usage;
      const auto n = parse_int(*v);
      if (!n || *n < 1 || *n > 100000000 || cases_given) {
        err << "gradaudit audit: --cases: " << (cases_given ? "given twice" : "'" + *v + "' is not an integer in [1, 1e8]") << "\n";
        return usage;
      }
      cases_given = true;
      opt.cases = static_cast<int>(*n);
    } else if (a == "--digits") {
      const auto* v = value("--digits");
      if (!v) return usage;
      const auto d = parse_int(*v);
      if (!d || *d < 1 || *d > 300 || digits_given) {
        err << "gradaudit audit: --digits: " << (digits_given ? "given twice" : "'" + *v + "' is not an integer in [1, 300]") << "\n";
        return usage;
      }
      digits_given = true;
      testing::settings().digits = static_cast<int>(*d);
    } else if (a == "--only") {
      const auto* v = value("--only");
      if (!v) return usage;
      if (!testing::find_claim(*v)) {
        err << "gradaudit audit: --only: no claim '" << *v << "'; the claims are:\n";
        for (const auto& c : testing::registry()) err << "  " << c.id << "\n";
        return usage;
      }
      only.push_back(*v);
    } else if (a == "--json" || a == "--markdown" || a == "--junit" || a == "--figures") {
      const auto* v = value(a.c_str());
      if (!v) return usage;
      if (outputs.count(a)) {
        err << "gradaudit audit: " << a << " given twice\n";
        return usage;
      }
      outputs[a] = *v;
    } else {
      err << "gradaudit audit: unknown argument '" << a << "'\n";
      return usage;
    }
  }
  const auto shard = shard_from_environment(err);
  if (!shard) return usage;
  const auto [shard_index, shard_total] = *shard;
  std::map<std::string, std::unique_ptr<atomic_file>> files;
  try {
    for (const auto& [flag, path] : outputs) {
      if (flag == "--figures") {  // a directory, written after the claims: check it now
        std::error_code ec;
        std::filesystem::create_directories(path, ec);
        atomic_file probe((std::filesystem::path(path) / "gradients.dat").string());
        probe.begin();  // throws if the folder cannot be written; removed again on scope exit
        continue;
      }
      files[flag] = std::make_unique<atomic_file>(path);
      files[flag]->begin();
    }
  } catch (const std::exception& e) {
    err << "gradaudit audit: " << e.what() << "\n";
    return failure;
  }
  std::vector<testing::claim_result> results;

  const bool tty = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
  auto colour = [&](testing::verdict v) -> std::string_view {
    if (!tty) return "";
    switch (v) {
      case testing::verdict::holds: return "\033[32m";
      case testing::verdict::refuted: return "\033[31m";
      case testing::verdict::needs_correction: return "\033[33m";
      case testing::verdict::inconclusive: return "\033[35m";
    }
    return "";
  };
  const std::string_view reset = tty ? "\033[0m" : "";

  const auto t0 = std::chrono::steady_clock::now();
  std::map<testing::verdict, int> counts;
  int mismatches = 0, total = 0, undetermined = 0;
  const auto& claims = testing::registry();
  out << "gradaudit audit: seed=" << opt.seed << " cases=" << opt.cases << " (replay with --seed "
      << opt.seed << ")";
  if (shard_total > 1) out << "; shard " << shard_index << " of " << shard_total << " (GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS)";
  out << "\n";
  int selected = 0;
  for (const auto& c : claims) {
    if (!only.empty() && std::find(only.begin(), only.end(), c.id) == only.end()) continue;
    // The k-th selected claim belongs to shard k mod total, as GoogleTest deals out tests.
    if (selected++ % shard_total != shard_index) continue;
    ++total;
    const auto r = testing::run_claim(c, opt);
    results.push_back(r);
    if (!r.undetermined.empty()) {
      ++undetermined;
      out << testing::summary_line(r) << "\n";
      continue;
    }
    ++counts[r.observed];
    if (!r.matches()) ++mismatches;
    out << colour(r.observed) << testing::summary_line(r) << reset << "\n";
    out.flush();
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const long long cases = cases_run(results);
  out << "\n" << total << " claims: " << counts[testing::verdict::holds] << " hold, "
      << counts[testing::verdict::refuted] << " refuted, "
      << counts[testing::verdict::needs_correction] << " need correction";
  if (counts[testing::verdict::inconclusive])
    out << ", " << counts[testing::verdict::inconclusive] << " inconclusive";
  if (undetermined) out << ", " << undetermined << " not checked here";
  out << "; " << mismatches
      << " differ from the expected verdict; seed " << opt.seed << "; " << cases << " cases in " << secs
      << " s (" << static_cast<long long>(static_cast<double>(cases) / std::max(secs, 1e-9))
      << " cases/s)\n";
  report_meta meta{opt.seed, opt.cases, testing::settings().digits, secs, {}, {}, shard_index, shard_total};
  try {
    if (outputs.count("--figures")) {
      const std::string dir = outputs["--figures"];
      const auto figs = write_figures(dir, meta.figures_note);
      // Links relative to the Markdown report's folder, so the report can be moved with them.
      const auto base = outputs.count("--markdown")
                            ? std::filesystem::absolute(outputs["--markdown"]).parent_path()
                            : std::filesystem::current_path();
      for (const auto& f : figs)
        meta.figures.emplace_back(
            std::filesystem::relative(std::filesystem::absolute(std::filesystem::path(dir) / f.file), base).string(),
            f.caption);
      out << (figs.empty() ? meta.figures_note : "wrote figures to " + dir) << "\n";
    }
    if (files.count("--json")) write_json(files["--json"]->stream(), results, meta);
    if (files.count("--markdown")) write_markdown(files["--markdown"]->stream(), results, meta);
    if (files.count("--junit")) write_junit(files["--junit"]->stream(), results, meta);
    for (auto& [flag, f] : files) {
      f->commit();
      out << "wrote " << outputs[flag] << "\n";
    }
  } catch (const std::exception& e) {
    err << "gradaudit audit: " << e.what() << "\n";
    return failure;
  }
  return mismatches == 0 ? ok : failure;
}

}  // namespace gradaudit::cli
