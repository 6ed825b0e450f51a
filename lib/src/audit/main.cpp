#include "gradaudit/audit/claim_files.hpp"
#include "gradaudit/audit/commands.hpp"
#include "gradaudit/audit/command_line.hpp"
#include "gradaudit/audit/outputs.hpp"
#include "gradaudit/audit/text.hpp"
#include "gradaudit/formula/claim.hpp"

#include <exception>
#include <stdexcept>
#include <iostream>

namespace gradaudit::audit {

namespace {

std::vector<claims_text>& linked() {
  static std::vector<claims_text> files;
  return files;
}

}  // namespace

bool link_claim_file(claims_text file) {
  linked().push_back(std::move(file));
  return true;
}

const std::vector<claims_text>& linked_claim_files() { return linked(); }

std::size_t register_claim_files(const std::vector<claims_text>& files) {
  std::size_t n = 0;
  for (const auto& f : files)
    for (auto& c : formula::claims_from_text(f.text, f.name)) {
      const std::string id = c.id;
      try {
        testing::register_claim(std::move(c));
      } catch (const std::invalid_argument&) {
        throw std::invalid_argument(f.name + ": claim " + audit::quoted(id) +
                                    " is already defined (a C++ claim or another file)");
      }
      ++n;
    }
  return n;
}

namespace {

void print_usage(std::ostream& os, const program_info& info,
                 const std::vector<named_command>& extra) {
  os << "usage: " << info.name << " COMMAND [ARGS]\n"
     << "  audit   check every claim and report the verdicts\n";
  for (const auto& c : extra)
    os << "  " << c.name << std::string(c.name.size() < 8 ? 8 - c.name.size() : 1, ' ') << c.summary
       << "\n";
  os << "  report  'report merge': join the JSON reports of audit shards\n"
     << "Run '" << info.name << " COMMAND --help' for a command's options.\n";
}

/// The command named `name`, or an empty command.
command find_command(const std::string& name, const program_info& info,
                     const std::vector<named_command>& extra, const figures_hook& figures) {
  if (name == "audit")
    return [&](std::span<const std::string> a, std::ostream& o, std::ostream& e) {
      return run_audit(a, o, e, info, figures);
    };
  if (name == "report")
    return [&](std::span<const std::string> a, std::ostream& o, std::ostream& e) {
      return run_report(a, o, e, info);
    };
  for (const auto& c : extra)
    if (c.name == name) return c.run;
  return {};
}

}  // namespace

int main_of(int argc, char** argv, const program_info& info,
            const std::vector<named_command>& extra, const figures_hook& figures) {
  prepare_process();
  if (standard_descriptor_was_closed(1)) {  // `>&-`: every line would be lost
    std::cerr << info.name << ": cannot write standard output (it was closed)\n";
    return failure;
  }
  if (argc < 2) {
    print_usage(std::cerr, info, extra);
    return usage;
  }
  try {
    register_claim_files(info.claim_files);
  } catch (const std::exception& e) {
    print_error(std::cerr, info.name, e.what());
    return failure;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(std::cout, info, extra);
    return finish_output(std::cout, std::cerr, info.name) ? ok : failure;
  }
  const command run = find_command(name, info, extra, figures);
  if (!run) {
    print_error(std::cerr, info.name, "unknown command " + audit::quoted(name));
    print_usage(std::cerr, info, extra);
    return usage;
  }
  const std::vector<std::string> args(argv + 2, argv + argc);
  int code = failure;
  try {
    code = run(args, std::cout, std::cerr);
  } catch (const std::exception& e) {
    print_error(std::cerr, info.name + " " + name, e.what());
  }
  // Every line printed must have reached standard output (`>/dev/full`: exit 1, one line).
  if (!finish_output(std::cout, std::cerr, info.name + " " + name) && code == ok) code = failure;
  return code;
}

}  // namespace gradaudit::audit
