#pragma once
/// \file command_line.hpp
/// Command lines with CLI11, the same way for every command: --help prints the command's help
/// and exits 0; a usage error prints "<command>: <message>" and exits 2; every message is made
/// printable (text.hpp) since it may echo any argument.
#include <CLI/CLI.hpp>

#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gradaudit::audit {

/// Parses `args` (after the command's name) with `app`: nothing when the command should go
/// on, else its exit code (0 after --help, 2 after a usage error, with the message printed).
std::optional<int> parse_command_line(CLI::App& app, std::span<const std::string> args,
                                      std::ostream& out, std::ostream& err);

/// Prints "<who>: <message>\n" to `err`, made printable.
void print_error(std::ostream& err, std::string_view who, std::string_view message);

/// An option that takes one value, given at most once (CLI11 refuses a second).
CLI::Option* add_value(CLI::App& app, const std::string& name, std::string& value,
                       const std::string& help);

}  // namespace gradaudit::audit
