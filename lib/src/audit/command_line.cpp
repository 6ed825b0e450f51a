#include "gradaudit/audit/command_line.hpp"

#include "gradaudit/audit/commands.hpp"
#include "gradaudit/audit/text.hpp"

#include <algorithm>
#include <ostream>
#include <vector>

namespace gradaudit::audit {

std::optional<int> parse_command_line(CLI::App& app, std::span<const std::string> args,
                                      std::ostream& out, std::ostream& err) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them from the back
  try {
    app.parse(reversed);
    return std::nullopt;
  } catch (const CLI::CallForHelp&) {
    const auto subcommands = app.get_subcommands();  // `report merge --help`: merge's help
    out << (subcommands.empty() ? app.help() : subcommands.front()->help());
    return ok;
  } catch (const CLI::ParseError& e) {
    print_error(err, app.get_name(), e.what());
    err << "Run '" << app.get_name() << " --help' for its options.\n";
    return usage;
  }
}

void print_error(std::ostream& err, std::string_view who, std::string_view message) {
  err << printable(std::string(who) + ": " + std::string(message)) << "\n";
}

CLI::Option* add_value(CLI::App& app, const std::string& name, std::string& value,
                       const std::string& help) {
  return app.add_option(name, value, help)->multi_option_policy(CLI::MultiOptionPolicy::Throw);
}

}  // namespace gradaudit::audit
