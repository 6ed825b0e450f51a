// gradaudit: audits claims about loss gradients against a 50-digit reference.
#include "commands.hpp"

#include <exception>
#include <iostream>
#include <string>
#include <vector>

namespace {
void print_usage(std::ostream& os) {
  os << "usage: gradaudit COMMAND [ARGS]\n"
        "  audit   check every claim of the article and report the verdicts\n"
        "  eval    evaluate a function on numbers read from standard input\n"
        "  train   train a network by full-batch gradient descent\n"
        "  report  'report merge': join the JSON reports of audit shards\n"
        "Run 'gradaudit COMMAND --help' for a command's options.\n";
}
}  // namespace

int main(int argc, char** argv) {
  using namespace gradaudit::cli;
  if (argc < 2) {
    print_usage(std::cerr);
    return exit_code::usage;
  }
  const std::string cmd = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (cmd == "eval") return eval(args, std::cin, std::cout, std::cerr);
    if (cmd == "audit") return audit(args, std::cout, std::cerr);
    if (cmd == "train") return train(args, std::cout, std::cerr);
    if (cmd == "report") return report(args, std::cout, std::cerr);
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      print_usage(std::cout);
      return ok;
    }
    std::cerr << "gradaudit: unknown command '" << cmd << "'\n";
    print_usage(std::cerr);
    return exit_code::usage;
  } catch (const std::exception& e) {
    std::cerr << "gradaudit " << cmd << ": " << e.what() << "\n";
    return failure;
  }
}
