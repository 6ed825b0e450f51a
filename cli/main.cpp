// gradaudit: audits claims about loss gradients against a 50-digit reference.
#include "check.hpp"
#include "commands.hpp"

#include <iostream>

int main(int argc, char** argv) {
  using namespace gradaudit;
  const std::vector<audit::named_command> extra{
      {"eval", "evaluate a function on numbers read from standard input",
       [](std::span<const std::string> a, std::ostream& o, std::ostream& e) {
         return cli::eval(a, std::cin, o, e);
       }},
      {"train", "train a network by full-batch gradient descent", cli::train},
      {"check", "audit a claim stated as a formula, or a claims file (.toml)", cli::check}};
  return audit::main_of(argc, argv, cli::program(), extra, cli::article_figures());
}
