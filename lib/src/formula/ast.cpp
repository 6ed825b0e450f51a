#include "gradaudit/formula/ast.hpp"

#include <algorithm>
#include <functional>

namespace gradaudit::formula {

namespace detail {

node_ptr make_number(long long num, long long den, int column) {
  auto n = std::make_shared<node>();
  n->k = kind::number;
  n->num = num;
  n->den = den;
  n->column = column;
  return n;
}

node_ptr make_variable(std::string name, int column) {
  auto n = std::make_shared<node>();
  n->k = kind::variable;
  n->name = std::move(name);
  n->column = column;
  return n;
}

node_ptr make(kind k, std::vector<node_ptr> args, int column, std::string name) {
  auto n = std::make_shared<node>();
  n->k = k;
  n->args = std::move(args);
  n->column = column;
  n->name = std::move(name);
  return n;
}

}  // namespace detail

namespace {

const char* kind_name(kind k) {
  switch (k) {
    case kind::negate:
      return "neg";
    case kind::add:
      return "add";
    case kind::sub:
      return "sub";
    case kind::mul:
      return "mul";
    case kind::div:
      return "div";
    case kind::pow:
      return "pow";
    case kind::index:
      return "index";
    default:
      return "?";
  }
}

std::string join_args(const node& n) {
  std::string s;
  for (const auto& a : n.args) s += " " + to_string(*a);
  return s;
}

}  // namespace

std::string to_string(const node& n) {
  switch (n.k) {
    case kind::number:
      return n.den == 1 ? std::to_string(n.num)
                        : std::to_string(n.num) + "/" + std::to_string(n.den);
    case kind::constant:
    case kind::variable:
      return n.name;
    case kind::call: {
      std::string f = n.name + std::string(static_cast<std::size_t>(n.order), '\'');
      if (n.sub) f += "_" + to_string(*n.sub);
      return "(" + f + join_args(n) + ")";
    }
    case kind::derivative:
      return "(d" + (n.order > 1 ? std::to_string(n.order) : std::string()) + "/d" + n.name +
             join_args(n) + ")";
    case kind::sum:
      return "(sum " + n.name + join_args(n) + ")";
    case kind::compare:
      return "(" + n.op + join_args(n) + ")";
    default:
      return std::string("(") + kind_name(n.k) + join_args(n) + ")";
  }
}

std::vector<std::string> free_variables(const node& root) {
  std::vector<std::string> out;
  std::vector<std::string> bound;
  std::function<void(const node&)> walk = [&](const node& n) {
    if (n.k == kind::variable) {
      if (std::find(bound.begin(), bound.end(), n.name) == bound.end() &&
          std::find(out.begin(), out.end(), n.name) == out.end())
        out.push_back(n.name);
      return;
    }
    if (n.k == kind::sum) {
      walk(*n.args[0]);
      walk(*n.args[1]);
      bound.push_back(n.name);
      walk(*n.args[2]);
      bound.pop_back();
      return;
    }
    if (n.k == kind::derivative && std::find(out.begin(), out.end(), n.name) == out.end() &&
        std::find(bound.begin(), bound.end(), n.name) == bound.end())
      out.push_back(n.name);
    if (n.sub) walk(*n.sub);
    for (const auto& a : n.args) walk(*a);
  };
  walk(root);
  return out;
}

}  // namespace gradaudit::formula
