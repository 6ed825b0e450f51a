// The formula evaluator: one template over the scalar S, instantiated here (and only here) for
// double, ball, jet<ball> and jet<jet<ball>>.
#include "gradaudit/formula/evaluate.hpp"

#include "gradaudit/formula/parse.hpp"
#include "gradaudit/formula/vocabulary.hpp"

#include <arb.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <set>
#include <type_traits>

namespace gradaudit::formula {

namespace detail {

using testing::ball;
using testing::jet;

/// How deeply S nests jets: derivatives may nest while this is below 2.
/// Whether d/dx of an S-valued expression is evaluated (on jet<S>): in balls, nested at most
/// twice; never in double (the double side of a claim is what naive code computes).
template <class S>
inline constexpr bool differentiable = std::is_same_v<S, ball> || std::is_same_v<S, jet<ball>>;

/// A scalar or a vector of S.
template <class S>
struct value {
  std::vector<S> v;
  bool vec = false;
  const S& scalar(const char* what) const {
    if (vec) throw eval_error(std::string(what) + " needs a number, not a vector");
    return v.at(0);
  }
};

template <class S>
value<S> scalar_value(S x) {
  return value<S>{{std::move(x)}, false};
}

/// Variables in scope while evaluating.
template <class S>
struct env {
  std::map<std::string, value<S>, std::less<>> bound;
  std::map<std::string, long, std::less<>> ints;
  const definitions* defs = nullptr;
  int depth = 0;  ///< definition nesting, against cycles
};

// ---- scalars ---------------------------------------------------------------------------

template <class S>
S from_double(double x) {
  return S(x);
}

template <class S>
S rational(long long num, long long den) {
  if constexpr (std::is_same_v<S, double>) {
    return static_cast<double>(num) / static_cast<double>(den);
  } else if constexpr (std::is_same_v<S, ball>) {
    if (den == 1 && std::llabs(num) < (1LL << 53)) return ball(static_cast<double>(num));
    return ball::ratio(static_cast<long>(num), static_cast<long>(den));
  } else {
    using T = decltype(S().v);
    return S(rational<T>(num, den));
  }
}

template <class S>
S constant(const std::string& name) {
  if constexpr (std::is_same_v<S, double>) {
    if (name == "e") return std::numbers::e;
    if (name == "pi") return std::numbers::pi;
  } else if constexpr (std::is_same_v<S, ball>) {
    if (name == "e") return exp(ball(1));
    if (name == "pi") {
      ball b;
      arb_const_pi(b.raw(), testing::working_precision());
      return b;
    }
  } else {
    using T = decltype(S().v);
    return S(constant<T>(name));
  }
  throw eval_error("'" + name + "' (infinity) is only a limit point or a domain bound");
}

/// Certain domain checks in balls; double computes what IEEE gives.
template <class S>
void require(const S& x, const char* fn, int sign_needed /* +1: > 0, 0: >= 0, 2: != 0 */,
             const std::string& what_needed) {
  if constexpr (std::is_same_v<S, double>) {
    (void)x, (void)fn, (void)sign_needed, (void)what_needed;
  } else {
    const ball& b = real::value_of(x);
    const arb_srcptr r = b.raw();
    bool ok, bad;
    if (sign_needed > 1) {
      ok = !arb_contains_zero(r);
      bad = arb_is_zero(r);
    } else if (sign_needed == 1) {
      ok = arb_is_positive(r);
      bad = arb_is_nonpositive(r);
    } else {
      ok = arb_is_nonnegative(r);
      bad = arb_is_negative(r);
    }
    if (ok) return;
    if (bad)
      throw domain_violation(std::string(fn) + " needs " + what_needed + ", got " + b.str(17));
    throw testing::undecided(std::string(fn) + ": the argument's enclosure " + b.str(10) +
                             " straddles " + (sign_needed > 1 ? "0" : "the domain's boundary"));
  }
}

template <class S>
S checked_log(const S& x) {
  require(x, "log", 1, "a positive argument");
  return real::log(x);
}
template <class S>
S checked_log1p(const S& x) {
  require(S(x + S(1)), "log1p", 1, "an argument > -1");
  return real::log1p(x);
}
template <class S>
S checked_sqrt(const S& x) {
  require(x, "sqrt", 0, "a non-negative argument");
  return real::sqrt(x);
}
template <class S>
S checked_div(const S& a, const S& b) {
  require(b, "division", 2, "a non-zero divisor");
  return a / b;
}

/// The unary built-ins.
template <class S>
S apply_unary(const std::string& f, const S& x) {
  if (f == "exp") return real::exp(x);
  if (f == "log") return checked_log(x);
  if (f == "log1p") return checked_log1p(x);
  if (f == "expm1") return real::expm1(x);
  if (f == "sqrt") return checked_sqrt(x);
  if (f == "tanh") return real::tanh(x);
  if (f == "sigmoid") return vocab::sigmoid(x);
  if (f == "softplus") return vocab::softplus(x);
  if (f == "log_sigmoid") return vocab::log_sigmoid(x);
  if (f == "relu") return vocab::relu(x);
  if (f == "abs") return real::abs(x);
  throw eval_error("'" + f + "' is not a function of one number");
}

bool is_unary(const std::string& f) {
  static const std::set<std::string> s{"exp",         "log",  "log1p",   "expm1",
                                       "sqrt",        "tanh", "sigmoid", "softplus",
                                       "log_sigmoid", "relu", "abs"};
  return s.count(f) > 0;
}

// ---- the evaluator ---------------------------------------------------------------------

template <class S>
value<S> eval(const node& n, env<S>& e);
template <class S>
bool truth(const node& n, env<S>& e);

template <class S>
long eval_int(const node& n, env<S>& e) {
  switch (n.k) {
    case kind::number:
      if (n.den == 1) return static_cast<long>(n.num);
      break;
    case kind::variable:
      if (auto it = e.ints.find(n.name); it != e.ints.end()) return it->second;
      throw eval_error("index '" + n.name + "' is not an integer variable (declare it: " + n.name +
                       " in 1..K)");
    case kind::add:
      return eval_int(*n.args[0], e) + eval_int(*n.args[1], e);
    case kind::sub:
      return eval_int(*n.args[0], e) - eval_int(*n.args[1], e);
    case kind::mul:
      return eval_int(*n.args[0], e) * eval_int(*n.args[1], e);
    case kind::negate:
      return -eval_int(*n.args[0], e);
    default:
      break;
  }
  throw eval_error("an index must be an integer: '" + to_string(n) + "'");
}

template <class S>
const S& element(const value<S>& v, long i, const std::string& name) {
  if (!v.vec)
    throw eval_error("'" + name + "' is a number, not a vector: it has no element " +
                     std::to_string(i));
  if (i < 1 || static_cast<std::size_t>(i) > v.v.size())
    throw eval_error(name + "_" + std::to_string(i) + ": index out of 1.." +
                     std::to_string(v.v.size()));
  return v.v[static_cast<std::size_t>(i - 1)];
}

template <class S>
value<S> lookup(const std::string& name, env<S>& e, int column) {
  if (auto it = e.bound.find(name); it != e.bound.end()) return it->second;
  if (auto it = e.ints.find(name); it != e.ints.end())
    return scalar_value(S(static_cast<int>(it->second)));
  if (e.defs) {
    if (auto it = e.defs->find(name); it != e.defs->end() && it->second.params.empty()) {
      if (++e.depth > 64) throw eval_error("definition of '" + name + "' refers to itself");
      value<S> r = eval(*it->second.body, e);
      --e.depth;
      return r;
    }
  }
  if (const auto u = name.rfind('_'); u != std::string::npos && u > 0) {  // w_1, y_i
    const std::string base = name.substr(0, u), sub = name.substr(u + 1);
    if (e.bound.count(base) || (e.defs && e.defs->count(base))) {
      const value<S> b = lookup(base, e, column);
      long i;
      if (auto it = e.ints.find(sub); it != e.ints.end())
        i = it->second;
      else if (!sub.empty() && sub.find_first_not_of("0123456789") == std::string::npos)
        i = std::stol(sub.substr(0, 9));
      else
        throw eval_error("index '" + sub + "' of '" + name + "' is not an integer variable");
      return scalar_value(element(b, i, base));
    }
  }
  throw eval_error("column " + std::to_string(column) + ": undefined variable '" + name +
                   "' (declare it with --where '" + name + " in [a, b]' or define it)");
}

/// a op b with broadcasting; the product of two vectors is their dot product.
template <class S>
value<S> arithmetic(kind k, const value<S>& a, const value<S>& b) {
  auto op = [k](const S& x, const S& y) -> S {
    switch (k) {
      case kind::add:
        return x + y;
      case kind::sub:
        return x - y;
      case kind::mul:
        return x * y;
      default:
        return checked_div(x, y);
    }
  };
  if (a.vec && b.vec && a.v.size() != b.v.size())
    throw eval_error("vectors of lengths " + std::to_string(a.v.size()) + " and " +
                     std::to_string(b.v.size()));
  if (k == kind::mul && a.vec && b.vec) {
    S s(0);
    for (std::size_t i = 0; i < a.v.size(); ++i) s += a.v[i] * b.v[i];
    return scalar_value(std::move(s));
  }
  value<S> r;
  r.vec = a.vec || b.vec;
  const std::size_t n = std::max(a.v.size(), b.v.size());
  for (std::size_t i = 0; i < n; ++i) r.v.push_back(op(a.v[a.vec ? i : 0], b.v[b.vec ? i : 0]));
  return r;
}

template <class S, class F>
value<S> map(const value<S>& a, F f) {
  value<S> r{{}, a.vec};
  for (const S& x : a.v) r.v.push_back(f(x));
  return r;
}

template <class S>
value<S> power(const node& n, env<S>& e) {
  const value<S> base = eval(*n.args[0], e);
  const node& ex = *n.args[1];
  const bool small_int = ex.k == kind::number && ex.den == 1 && std::llabs(ex.num) <= 64;
  const bool neg_int = ex.k == kind::negate && ex.args[0]->k == kind::number &&
                       ex.args[0]->den == 1 && ex.args[0]->num <= 64;
  if (small_int || neg_int) {
    const int k = small_int ? static_cast<int>(ex.num) : -static_cast<int>(ex.args[0]->num);
    return map(base, [k](const S& x) {
      if (k < 0) require(x, "a negative power", 2, "a non-zero base");
      return real::powi(x, k);
    });
  }
  const S p = eval(ex, e).scalar("an exponent");  // (a copy: the value is a temporary)
  return map(base, [&p](const S& x) {
    require(x, "a real power", 1, "a positive base");
    return real::pow(x, p);
  });
}

/// jet<S> environment with every bound value a constant.
template <class S>
env<jet<S>> lifted(const env<S>& e) {
  env<jet<S>> j;
  for (const auto& [name, v] : e.bound) {
    value<jet<S>> lv{{}, v.vec};
    for (const S& x : v.v) lv.v.push_back(jet<S>(x));
    j.bound.emplace(name, std::move(lv));
  }
  j.ints = e.ints;
  j.defs = e.defs;
  return j;
}

/// d/d(name) of the scalar expression f: a gradient when name is a vector.
template <class S>
value<S> derivative(const node& f, const std::string& name, env<S>& e, int column) {
  if constexpr (!differentiable<S>) {
    (void)f, (void)name, (void)e, (void)column;
    throw eval_error("derivatives nest at most twice, and are not evaluated in double");
  } else {
    using J = jet<S>;
    env<J> je = lifted(e);
    std::string var = name;
    long component = 0;  // 0: every component of `var`
    value<S> at;
    if (e.bound.count(name) || (e.defs && e.defs->count(name)) || e.ints.count(name)) {
      at = lookup(name, e, column);
    } else if (const auto u = name.rfind('_'); u != std::string::npos && u > 0) {
      var = name.substr(0, u);
      const std::string sub = name.substr(u + 1);
      at = lookup(var, e, column);
      if (auto it = e.ints.find(sub); it != e.ints.end())
        component = it->second;
      else if (!sub.empty() && sub.find_first_not_of("0123456789") == std::string::npos)
        component = std::stol(sub.substr(0, 9));
      else
        throw eval_error("d/d" + name + ": '" + sub + "' is not an index");
      (void)element(at, component, var);
    } else {
      throw eval_error("column " + std::to_string(column) + ": d/d" + name + ": '" + name +
                       "' is not a variable");
    }
    const std::size_t n = component ? 1 : at.v.size();
    value<J> seeded{{}, at.vec};
    for (std::size_t i = 0; i < at.v.size(); ++i) {
      if (component == 0)
        seeded.v.push_back(J::variable(at.v[i], i, n));
      else if (static_cast<long>(i) + 1 == component)
        seeded.v.push_back(J::variable(at.v[i], 0, 1));
      else
        seeded.v.push_back(J(at.v[i]));
    }
    je.bound[var] = std::move(seeded);
    const value<J> r = eval(f, je);
    const J& y = r.scalar("a derivative's operand");
    value<S> out{{}, at.vec && component == 0};
    for (std::size_t i = 0; i < n; ++i) out.v.push_back(i < y.d.size() ? y.d[i] : S(0));
    return out;
  }
}

/// f^(order)(x) for a built-in or user function of one argument.
template <class S>
S function_value(const node& call, const S& x, env<S>& e, int order);

template <class S>
S user_function(const function_def& def, const std::vector<value<S>>& args, env<S>& e,
                const std::string& name) {
  if (def.params.size() != args.size())
    throw eval_error(name + " takes " + std::to_string(def.params.size()) + " argument(s), not " +
                     std::to_string(args.size()));
  env<S> inner;
  inner.bound = e.bound;
  inner.ints = e.ints;
  inner.defs = e.defs;
  inner.depth = e.depth + 1;
  if (inner.depth > 64) throw eval_error("function '" + name + "' calls itself");
  for (std::size_t i = 0; i < args.size(); ++i) inner.bound[def.params[i]] = args[i];
  return eval(*def.body, inner).scalar(name.c_str());
}

template <class S>
S function_value(const node& call, const S& x, env<S>& e, int order) {
  if (order == 0) {
    if (e.defs)
      if (auto it = e.defs->find(call.name); it != e.defs->end() && !it->second.params.empty())
        return user_function(it->second, {scalar_value(x)}, e, call.name);
    return apply_unary(call.name, x);
  }
  if constexpr (!differentiable<S>) {
    throw eval_error("derivatives nest at most twice, and are not evaluated in double");
  } else {
    using J = jet<S>;
    env<J> je = lifted(e);
    const J y = function_value(call, J::variable(x, 0, 1), je, order - 1);
    return y.d.empty() ? S(0) : y.d[0];
  }
}

template <class S>
std::vector<S> vector_arg(const node& n, env<S>& e, const std::string& f) {
  value<S> v = eval(n, e);
  if (!v.vec) throw eval_error(f + " needs a vector argument, not a number");
  return v.v;
}

template <class S>
S scalar_arg(const node& n, env<S>& e, const std::string& f) {
  return eval(n, e).scalar(f.c_str());
}

/// y is exactly `c` (a coefficient 1 - y or y that drops a term).
template <class S>
bool certainly_zero_or(const S& y, int c) {
  return real::certainly_zero(S(y - S(c)));
}

/// The many-argument built-ins (losses, vector functions).
template <class S>
value<S> call_builtin(const node& n, env<S>& e) {
  const std::string& f = n.name;
  auto a = [&](std::size_t i) { return scalar_arg(*n.args.at(i), e, f); };
  if (f == "min") return scalar_value(real::min(a(0), a(1)));
  if (f == "max") return scalar_value(real::max(a(0), a(1)));
  if (f == "clamp") return scalar_value(real::min(real::max(a(0), a(1)), a(2)));
  if (f == "where") return truth(*n.args[0], e) ? eval(*n.args[1], e) : eval(*n.args[2], e);
  if (f == "logsumexp") return scalar_value(vocab::logsumexp(vector_arg(*n.args[0], e, f)));
  if (f == "softmax" || f == "log_softmax") {
    const long i = eval_int(*n.sub, e);
    const auto z = vector_arg(*n.args[0], e, f);
    if (i < 1 || static_cast<std::size_t>(i) > z.size())
      throw eval_error(f + "_" + std::to_string(i) + ": index out of 1.." +
                       std::to_string(z.size()));
    return scalar_value(f == "softmax" ? vocab::softmax(z, static_cast<std::size_t>(i))
                                       : vocab::log_softmax(z, static_cast<std::size_t>(i)));
  }
  if (f == "dot") return arithmetic(kind::mul, eval(*n.args[0], e), eval(*n.args[1], e));
  if (f == "bce") {
    const S yhat = a(0), y = a(1);
    if (!certainly_zero_or(y, 0)) require(yhat, "bce: log ŷ", 1, "ŷ > 0");
    if (!certainly_zero_or(y, 1)) require(S(S(1) - yhat), "bce: log(1 - ŷ)", 1, "ŷ < 1");
    return scalar_value(vocab::bce(yhat, y));
  }
  if (f == "bce_logits")
    return scalar_value(n.args.size() == 3 ? vocab::bce_logits(a(0), a(1), a(2))
                                           : vocab::bce_logits(a(0), a(1)));
  if (f == "ce" || f == "label_smoothing") {
    const auto z = vector_arg(*n.args[0], e, f);
    const value<S> t = eval(*n.args[1], e);
    if (t.vec) {
      if (f != "ce") throw eval_error("label_smoothing takes a class index, not a vector");
      return scalar_value(vocab::cross_entropy(z, t.v));
    }
    const long c = eval_int(*n.args[1], e);
    if (c < 1 || static_cast<std::size_t>(c) > z.size())
      throw eval_error(f + ": class " + std::to_string(c) + " out of 1.." +
                       std::to_string(z.size()));
    if (f == "ce") return scalar_value(vocab::cross_entropy(z, static_cast<std::size_t>(c)));
    return scalar_value(vocab::label_smoothing(z, static_cast<std::size_t>(c), a(2)));
  }
  if (f == "kl") {
    const auto p = vector_arg(*n.args[0], e, f), q = vector_arg(*n.args[1], e, f);
    for (std::size_t i = 0; i < p.size() && i < q.size(); ++i)
      if (!real::certainly_zero(p[i])) {
        require(p[i], "kl: log p_i", 1, "p_i > 0");
        require(q[i], "kl: log q_i", 1, "q_i > 0");
      }
    return scalar_value(vocab::kl(p, q));
  }
  if (f == "mse") return scalar_value(vocab::mse(a(0), a(1)));
  if (f == "mae") return scalar_value(vocab::mae(a(0), a(1)));
  if (f == "huber") return scalar_value(vocab::huber(a(0), a(1), a(2)));
  if (f == "smooth_l1") return scalar_value(vocab::smooth_l1(a(0), a(1), a(2)));
  if (f == "focal") return scalar_value(vocab::focal(a(0), a(1), a(2), a(3)));
  if (f == "hinge") return scalar_value(vocab::hinge(a(0), a(1)));
  if (f == "poisson_nll") return scalar_value(vocab::poisson_nll(a(0), a(1)));
  if (f == "gaussian_nll") {
    const S var = a(2);
    require(var, "gaussian_nll: log σ²", 1, "σ² > 0");
    return scalar_value(vocab::gaussian_nll(a(0), a(1), var));
  }
  throw eval_error("unknown function '" + f + "'");
}

template <class S>
value<S> call(const node& n, env<S>& e) {
  const bool user = e.defs && e.defs->count(n.name) && !e.defs->at(n.name).params.empty();
  if (user && n.order == 0) {
    std::vector<value<S>> args;
    for (const auto& a : n.args) args.push_back(eval(*a, e));
    return scalar_value(user_function(e.defs->at(n.name), args, e, n.name));
  }
  if (user || is_unary(n.name)) {
    if (n.args.size() != 1) throw eval_error(n.name + "' with primes takes one argument");
    return map(eval(*n.args[0], e), [&](const S& x) { return function_value(n, x, e, n.order); });
  }
  if (n.order > 0) throw eval_error("primes are for functions of one number, not '" + n.name + "'");
  if (!is_known_function(n.name)) {
    std::string list;
    for (const auto& k : known_functions()) list += (list.empty() ? "" : ", ") + k;
    throw eval_error("unknown function '" + n.name + "'; known functions: " + list);
  }
  return call_builtin(n, e);
}

template <class S>
value<S> sum(const node& n, env<S>& e) {
  const long lo = eval_int(*n.args[0], e), hi = eval_int(*n.args[1], e);
  if (hi - lo > 100000) throw eval_error("a sum of more than 100000 terms");
  // The index may shadow an integer variable of the same name: restore it afterwards. (Kept
  // as a flag and a plain long: GCC 12 warns falsely about an std::optional<long> here.)
  const auto outer = e.ints.find(n.name);
  const bool shadows = outer != e.ints.end();
  const long saved = shadows ? outer->second : 0;
  S s(0);
  for (long i = lo; i <= hi; ++i) {
    e.ints[n.name] = i;
    s += eval(*n.args[2], e).scalar("a sum's term");
  }
  if (shadows)
    e.ints[n.name] = saved;
  else
    e.ints.erase(n.name);
  return scalar_value(std::move(s));
}

template <class S>
value<S> eval(const node& n, env<S>& e) {
  switch (n.k) {
    case kind::number:
      return scalar_value(rational<S>(n.num, n.den));
    case kind::constant:
      return scalar_value(constant<S>(n.name));
    case kind::variable:
      return lookup(n.name, e, n.column);
    case kind::index: {
      const value<S> b = lookup(n.args[0]->name, e, n.column);
      return scalar_value(element(b, eval_int(*n.args[1], e), n.args[0]->name));
    }
    case kind::negate:
      return map(eval(*n.args[0], e), [](const S& x) { return S(-x); });
    case kind::add:
    case kind::sub:
    case kind::mul:
    case kind::div:
      return arithmetic(n.k, eval(*n.args[0], e), eval(*n.args[1], e));
    case kind::pow:
      return power(n, e);
    case kind::call:
      return call(n, e);
    case kind::derivative:
      if (n.order == 2) {
        node inner = n;
        inner.order = 1;
        node outer = n;
        outer.order = 1;
        outer.args = {std::make_shared<node>(inner)};
        return eval(outer, e);
      }
      return derivative(*n.args[0], n.name, e, n.column);
    case kind::sum:
      return sum(n, e);
    case kind::compare:
      throw eval_error("a comparison ('" + to_string(n) +
                       "') is not a number; use where(cond, a, b)");
  }
  throw eval_error("bad node");
}

template <class S>
bool equal_values(const S& a, const S& b) {
  return real::value_of(a) == real::value_of(b);
}

template <class S>
bool truth(const node& n, env<S>& e) {
  if (n.k != kind::compare) throw eval_error("expected a condition, got '" + to_string(n) + "'");
  if (n.op == "and") {
    for (const auto& c : n.args)
      if (!truth(*c, e)) return false;
    return true;
  }
  const value<S> a = eval(*n.args[0], e), b = eval(*n.args[1], e);
  const std::size_t len = std::max(a.v.size(), b.v.size());
  if (n.op == "!=") {  // vectors differ when some component does
    for (std::size_t i = 0; i < len; ++i)
      if (!equal_values(a.v[a.vec ? i : 0], b.v[b.vec ? i : 0])) return true;
    return false;
  }
  for (std::size_t i = 0; i < len; ++i) {
    const S& x = a.v[a.vec ? i : 0];
    const S& y = b.v[b.vec ? i : 0];
    bool ok;
    if (n.op == "<")
      ok = real::less(x, y);
    else if (n.op == "<=")
      ok = real::less_equal(x, y);
    else if (n.op == ">")
      ok = real::less(y, x);
    else if (n.op == ">=")
      ok = real::less_equal(y, x);
    else if (n.op == "=")
      ok = equal_values(x, y);
    else
      ok = !equal_values(x, y);
    if (!ok) return false;
  }
  return true;
}

template <class S>
env<S> bind(const point& at, const definitions& defs) {
  env<S> e;
  e.defs = &defs;
  for (const binding& b : at) {
    if (b.integer) {
      e.ints[b.name] = static_cast<long>(b.values.at(0));
      continue;
    }
    value<S> v{{}, b.vector};
    for (double x : b.values) v.v.push_back(from_double<S>(x));
    e.bound[b.name] = std::move(v);
  }
  return e;
}

}  // namespace detail

std::vector<testing::ball> evaluate_ball(const node& n, const point& at, const definitions& defs) {
  auto e = detail::bind<testing::ball>(at, defs);
  return detail::eval(n, e).v;
}

std::vector<double> evaluate_double(const node& n, const point& at, const definitions& defs) {
  auto e = detail::bind<double>(at, defs);
  return detail::eval(n, e).v;
}

bool holds_at(const node& condition, const point& at, const definitions& defs) {
  auto e = detail::bind<testing::ball>(at, defs);
  return detail::truth(condition, e);
}

bool is_vector_valued(const node& n, const point& at, const definitions& defs) {
  auto e = detail::bind<testing::ball>(at, defs);
  return detail::eval(n, e).vec;
}

}  // namespace gradaudit::formula
