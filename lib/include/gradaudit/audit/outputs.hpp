#pragma once
/// \file outputs.hpp
/// The reports a run was asked for, opened before the work and written and committed together
/// after it (audit, report merge and check share it).
#include "gradaudit/audit/atomic_file.hpp"
#include "gradaudit/audit/report.hpp"

#include <map>
#include <string>

namespace gradaudit::audit {

/// The report options of both commands, "--json" / "--markdown" / "--junit" → path.
using report_paths = std::map<std::string, std::string>;

/// Opens every report file before the work: an unwritable path fails first.
output_set open_reports(const report_paths& paths);

/// Writes the reports asked for and commits them together, saying "wrote PATH" on `log`.
void write_reports(output_set& files, const std::vector<claim_result>& results, const report_meta& meta,
                   const program_info& info, std::ostream& log);

}  // namespace gradaudit::audit
