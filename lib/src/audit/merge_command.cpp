// `report merge`: joins the JSON reports of audit shards into one report.
#include "gradaudit/audit/command_line.hpp"
#include "gradaudit/audit/commands.hpp"
#include "gradaudit/audit/text.hpp"
#include "gradaudit/audit/numbers.hpp"
#include "gradaudit/audit/outputs.hpp"

#include <map>
#include <ostream>
#include <stdexcept>

namespace gradaudit::audit {
namespace {

/// Reports that are not shards of one run; the message says why.
class not_one_run : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string merge_help_text(const program_info& info) {
  return "Joins the JSON reports of audit shards (GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX) into one "
         "report, "
         "claims in the registry's order, as one unsharded run would have written it. The inputs "
         "must share "
         "seed, cases and digits and hold each claim at most once. Prints one line per claim; exit "
         "0 when no "
         "verdict differs from a claim's expected verdict. (" +
         info.name + ")";
}

/// The same run split in shards: same seed, cases and digits, no claim or shard twice.
report_meta check_one_run(const std::vector<read_report_result>& parts,
                          const std::vector<std::string>& inputs,
                          std::map<std::string, std::string>& origin,
                          std::map<int, std::string>& shard_of) {
  const report_meta& first = parts[0].meta;
  report_meta meta{first.seed, first.cases, first.digits, 0, {}, {}};
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const auto& m = parts[k].meta;
    if (m.seed != meta.seed || m.cases != meta.cases || m.digits != meta.digits)
      throw not_one_run(inputs[k] + " has seed " + std::to_string(m.seed) + ", cases " +
                        std::to_string(m.cases) + " and digits " + std::to_string(m.digits) +
                        ", but " + inputs[0] + " has seed " + std::to_string(meta.seed) +
                        ", cases " + std::to_string(meta.cases) + " and digits " +
                        std::to_string(meta.digits) + ": these are not shards of one run");
    if (m.shard_total > 1 && m.shard_total != first.shard_total)
      throw not_one_run(inputs[k] + " is shard " + std::to_string(m.shard_index) + " of " +
                        std::to_string(m.shard_total) + " but " + inputs[0] + " is one of " +
                        std::to_string(first.shard_total));
    if (m.shard_total > 1 && !shard_of.emplace(m.shard_index, inputs[k]).second)
      throw not_one_run(inputs[k] + " and " + shard_of[m.shard_index] + " are both shard " +
                        std::to_string(m.shard_index));
    meta.seconds += m.seconds;
    for (const auto& r : parts[k].results)
      if (const auto [it, fresh] = origin.emplace(r.c->id, inputs[k]); !fresh)
        throw not_one_run("claim '" + r.c->id + "' is in both " + it->second + " and " + inputs[k]);
  }
  return meta;
}

/// The results in registry order, as one unsharded run reports them.
std::vector<claim_result> in_registry_order(const std::vector<read_report_result>& parts) {
  std::vector<claim_result> merged;
  for (const auto& c : testing::registry())
    for (const auto& p : parts)
      for (const auto& r : p.results)
        if (r.c == &c) merged.push_back(r);
  return merged;
}

void print_notes(std::ostream& out, const std::map<std::string, std::string>& origin,
                 const std::map<int, std::string>& shard_of, int shard_total) {
  const std::size_t missing = testing::registry().size() - origin.size();
  if (missing) {
    out << "note: " << missing << " claim(s) of the registry are in none of the inputs:";
    for (const auto& c : testing::registry())
      if (!origin.count(c.id)) out << " " << c.id;
    out << "\n";
  }
  if (!shard_of.empty() && static_cast<int>(shard_of.size()) != shard_total)
    out << "note: " << shard_of.size() << " of " << shard_total << " shards given\n";
}

}  // namespace

int run_report(std::span<const std::string> args, std::ostream& out, std::ostream& err,
               const program_info& info) {
  const std::string who = info.name + " report";
  CLI::App app{"Reports of audits.", who};
  app.require_subcommand(1);
  CLI::App* merge = app.add_subcommand("merge", wrapped(merge_help_text(info)));
  std::vector<std::string> inputs;
  report_paths reports;
  merge->add_option("reports", inputs, "the shards' JSON reports")->type_name("A.json B.json ...");
  for (const char* report : {"--json", "--markdown", "--junit"})
    add_value(*merge, report, reports[report],
              std::string("write the merged ") + (report + 2) + " report to FILE")
        ->type_name("FILE");
  if (!args.empty() && args[0] != "merge" &&
      args[0].rfind('-', 0) != 0) {  // CLI11 would only say "required"
    print_error(err, who, "unknown subcommand " + audit::quoted(args[0]) + " (known: merge)");
    return usage;
  }
  if (const auto code = parse_command_line(app, args, out, err)) return *code;
  if (inputs.empty()) {
    print_error(err, who + " merge", "no input reports");
    return usage;
  }
  report_paths asked;
  for (const auto& [option, path] : reports)
    if (merge->count(option)) asked[option] = path;
  std::map<std::string, std::string> origin;  // claim id -> file
  std::map<int, std::string> shard_of;        // shard index -> file
  output_set files;
  try {  // a bad output is a usage error before any reading
    add_reports(files, asked);
  } catch (const usage_error& e) {
    print_error(err, who + " merge", e.what());
    return usage;
  }
  try {
    files.open();
    std::vector<read_report_result> parts;
    for (const auto& in : inputs) parts.push_back(read_json_report(in));
    report_meta meta = check_one_run(parts, inputs, origin, shard_of);
    const auto merged = in_registry_order(parts);
    for (const auto& r : merged) out << testing::summary_line(r) << "\n";
    const tally t = count(merged);
    out << "\nmerged " << parts.size() << " report(s): " << t.text() << "; "
        << t.differ_from_expected << " differ from the expected verdict; seed " << meta.seed
        << "\n";
    print_notes(out, origin, shard_of, parts[0].meta.shard_total);
    write_reports(files, merged, meta, info, out);
    return t.differ_from_expected == 0 ? ok : failure;
  } catch (const std::exception& e) {
    print_error(err, who + " merge", e.what());
    return failure;
  }
}

}  // namespace gradaudit::audit
