#include "gradaudit/audit/outputs.hpp"

namespace gradaudit::audit {

output_set open_reports(const report_paths& paths) {
  output_set files;
  for (const auto& [option, path] : paths)
    files.open(option, path);
  return files;
}

void write_reports(output_set& files, const std::vector<claim_result>& results, const report_meta& meta,
                   const program_info& info, std::ostream& log) {
  if (auto* os = files.stream("--json")) write_json(*os, results, meta, info);
  if (auto* os = files.stream("--markdown")) write_markdown(*os, results, meta, info);
  if (auto* os = files.stream("--junit")) write_junit(*os, results, meta);
  files.commit_all(log);
}

}  // namespace gradaudit::audit
