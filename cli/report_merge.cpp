// `gradaudit report merge`: joins the JSON reports of audit shards into one report.
#include "commands.hpp"

#include "json_writer.hpp"
#include "report.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <ostream>
#include <set>

namespace gradaudit::cli {

namespace {
void merge_usage(std::ostream& os) {
  os << "usage: gradaudit report merge A.json B.json ... [--json OUT] [--markdown OUT] [--junit OUT]\n"
        "  Joins the JSON reports of audit shards (GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX) into\n"
        "  one report, claims in the registry's order, as one unsharded run would have written\n"
        "  it. The inputs must share seed and cases and hold each claim at most once. Prints\n"
        "  one line per claim; exit 0 when every verdict equals the expected one.\n";
}
}  // namespace

int report(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    merge_usage(args.empty() ? err : out);
    return args.empty() ? usage : ok;
  }
  if (args[0] != "merge") {
    err << "gradaudit report: unknown subcommand '" << args[0] << "' (known: merge)\n";
    merge_usage(err);
    return usage;
  }
  std::vector<std::string> inputs;
  std::map<std::string, std::string> outputs;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      merge_usage(out);
      return ok;
    }
    if (a == "--json" || a == "--markdown" || a == "--junit") {
      if (i + 1 >= args.size()) {
        err << "gradaudit report merge: " << a << " needs a value\n";
        return usage;
      }
      if (outputs.count(a)) {
        err << "gradaudit report merge: " << a << " given twice\n";
        return usage;
      }
      outputs[a] = args[++i];
    } else if (a.rfind("--", 0) == 0) {
      err << "gradaudit report merge: unknown option '" << a << "'\n";
      return usage;
    } else {
      inputs.push_back(a);
    }
  }
  if (inputs.empty()) {
    err << "gradaudit report merge: no input reports\n";
    merge_usage(err);
    return usage;
  }
  std::map<std::string, std::unique_ptr<atomic_file>> files;
  std::vector<read_report_result> parts;
  try {
    for (const auto& [flag, path] : outputs) {  // an unwritable output fails before any reading
      files[flag] = std::make_unique<atomic_file>(path);
      files[flag]->begin();
    }
    for (const auto& in : inputs) parts.push_back(read_json_report(in));
  } catch (const std::exception& e) {
    err << "gradaudit report merge: " << e.what() << "\n";
    return failure;
  }

  // The same run split in shards: same seed and cases, no claim twice, no shard twice.
  report_meta meta{parts[0].meta.seed, parts[0].meta.cases, parts[0].meta.digits, 0, {}, {}};
  std::map<std::string, std::string> origin;  // claim id -> file
  std::map<int, std::string> shard_of;        // shard index -> file
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const auto& m = parts[k].meta;
    if (m.seed != meta.seed || m.cases != meta.cases || m.digits != meta.digits) {
      err << "gradaudit report merge: " << inputs[k] << " has seed " << m.seed << ", cases " << m.cases << " and digits "
          << m.digits << ", but " << inputs[0] << " has seed " << meta.seed << ", cases " << meta.cases << " and digits "
          << meta.digits << ": these are not shards of one run\n";
      return failure;
    }
    if (m.shard_total > 1) {
      if (m.shard_total != parts[0].meta.shard_total) {
        err << "gradaudit report merge: " << inputs[k] << " is shard " << m.shard_index << " of " << m.shard_total
            << " but " << inputs[0] << " is one of " << parts[0].meta.shard_total << "\n";
        return failure;
      }
      if (!shard_of.emplace(m.shard_index, inputs[k]).second) {
        err << "gradaudit report merge: " << inputs[k] << " and " << shard_of[m.shard_index] << " are both shard "
            << m.shard_index << "\n";
        return failure;
      }
    }
    meta.seconds += m.seconds;
    for (const auto& r : parts[k].results) {
      if (const auto [it, fresh] = origin.emplace(r.c->id, inputs[k]); !fresh) {
        err << "gradaudit report merge: claim '" << r.c->id << "' is in both " << it->second << " and " << inputs[k]
            << "\n";
        return failure;
      }
    }
  }
  // Registry order, as one unsharded run reports.
  std::vector<testing::claim_result> merged;
  for (const auto& c : testing::registry())
    for (const auto& p : parts)
      for (const auto& r : p.results)
        if (r.c == &c) merged.push_back(r);

  int mismatches = 0, undetermined = 0;
  std::map<testing::verdict, int> counts;
  for (const auto& r : merged) {
    out << testing::summary_line(r) << "\n";
    if (!r.undetermined.empty()) {
      ++undetermined;
      continue;
    }
    ++counts[r.observed];
    if (!r.matches()) ++mismatches;
  }
  out << "\nmerged " << parts.size() << " report(s): " << merged.size() << " claims: " << counts[testing::verdict::holds]
      << " hold, " << counts[testing::verdict::refuted] << " refuted, " << counts[testing::verdict::needs_correction]
      << " need correction";
  if (counts[testing::verdict::inconclusive]) out << ", " << counts[testing::verdict::inconclusive] << " inconclusive";
  if (undetermined) out << ", " << undetermined << " not checked";
  out << "; " << mismatches << " differ from the expected verdict; seed " << meta.seed << "\n";
  const std::size_t missing = testing::registry().size() - merged.size();
  if (missing) {
    out << "note: " << missing << " claim(s) of the registry are in none of the inputs:";
    for (const auto& c : testing::registry())
      if (!origin.count(c.id)) out << " " << c.id;
    out << "\n";
  }
  if (!shard_of.empty() && static_cast<int>(shard_of.size()) != parts[0].meta.shard_total)
    out << "note: " << shard_of.size() << " of " << parts[0].meta.shard_total << " shards given\n";
  try {
    if (files.count("--json")) write_json(files["--json"]->stream(), merged, meta);
    if (files.count("--markdown")) write_markdown(files["--markdown"]->stream(), merged, meta);
    if (files.count("--junit")) write_junit(files["--junit"]->stream(), merged, meta);
    for (auto& [flag, f] : files) {
      f->commit();
      out << "wrote " << outputs[flag] << "\n";
    }
  } catch (const std::exception& e) {
    err << "gradaudit report merge: " << e.what() << "\n";
    return failure;
  }
  return mismatches == 0 ? ok : failure;
}

}  // namespace gradaudit::cli
