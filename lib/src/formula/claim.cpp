// Formula claims as testing::claims: domains, drawing, the static checks made before any case
// runs, and the properties that call the certified engine.
#include "gradaudit/formula/claim.hpp"

#include "gradaudit/formula/evaluate.hpp"
#include "gradaudit/formula/parse.hpp"
#include "gradaudit/testing/certify.hpp"
#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace gradaudit::formula {

namespace detail {

using testing::ball;

/// One variable's domain, ready to draw from.
struct domain_spec {
  std::string name;
  where_clause::kind k = where_clause::kind::interval;
  double lo = 0, hi = 0;       ///< closed bounds actually drawn (open ends nudged inwards)
  std::vector<double> values;  ///< a finite set
  int length = 0;              ///< vector length (0: a scalar unless length_var)
  std::string length_var;      ///< vector length from an integer variable
  bool is_vector() const { return length > 0 || !length_var.empty(); }
};

/// Everything a formula claim needs at run time.
struct model {
  std::string text;
  statement st;
  std::vector<domain_spec> domains;  ///< integers first, then in the order written
  definitions defs;
  std::vector<node_ptr> conditions, assumptions;
  std::vector<std::pair<std::string, node_ptr>> classes;  ///< input classes: name, condition
  std::optional<point>
      undefined_at;  ///< a point of the stated domain where the formula is undefined
  std::string undefined_why;
};

// ---- building ------------------------------------------------------------------------------

/// A bound: a constant expression in double (inf, -inf allowed).
double constant_value(const node_ptr& n) {
  if (n->k == kind::constant && n->name == "inf") return std::numeric_limits<double>::infinity();
  if (n->k == kind::negate && n->args[0]->k == kind::constant && n->args[0]->name == "inf")
    return -std::numeric_limits<double>::infinity();
  try {
    const auto v = evaluate_double(*n, {}, {});
    if (v.size() == 1) return v[0];
  } catch (const std::exception&) {
  }
  throw parse_error(n->column, "expected a number, got '" + to_string(*n) + "'");
}

domain_spec make_domain(const where_clause& w, const std::set<std::string>& ints) {
  domain_spec d;
  d.name = w.name;
  d.k = w.k;
  if (w.length) {
    if (w.length->k == kind::number && w.length->den == 1 && w.length->num >= 1 &&
        w.length->num <= 1000)
      d.length = static_cast<int>(w.length->num);
    else if (w.length->k == kind::variable && ints.count(w.length->name))
      d.length_var = w.length->name;
    else
      throw parse_error(
          w.length->column,
          "a vector length must be a number in 1..1000 or an integer variable declared before it");
  }
  switch (w.k) {
    case where_clause::kind::interval: {
      d.lo = constant_value(w.lo);
      d.hi = constant_value(w.hi);
      if (!(d.lo <= d.hi)) throw parse_error(w.lo->column, w.name + ": the interval is empty");
      if (w.open_lo) d.lo = std::nextafter(d.lo, d.hi);
      if (w.open_hi) d.hi = std::nextafter(d.hi, d.lo);
      const double big = std::numeric_limits<double>::max();
      d.lo = std::clamp(d.lo, -big, big);
      d.hi = std::clamp(d.hi, -big, big);
      if (!(d.lo <= d.hi)) throw parse_error(w.lo->column, w.name + ": the interval is empty");
      break;
    }
    case where_clause::kind::set:
      for (const auto& v : w.values) d.values.push_back(constant_value(v));
      break;
    case where_clause::kind::integers:
      d.lo = constant_value(w.lo);
      d.hi = constant_value(w.hi);
      if (d.lo != std::floor(d.lo) || d.hi != std::floor(d.hi) || d.lo > d.hi ||
          std::abs(d.hi) > 1e6 || std::abs(d.lo) > 1e6)
        throw parse_error(w.lo->column, w.name + ": expected an integer range lo..hi within ±10^6");
      break;
    case where_clause::kind::simplex:
      break;
    default:
      break;
  }
  return d;
}

/// The names the clauses declare (variables, definitions, functions), whatever their order:
/// `yhat = sigmoid(wx)` may come before `w in …` and `x in …`.
parse_options declared_names(const std::vector<std::string>& clauses) {
  parse_options opt;
  for (int pass = 0; pass < 2; ++pass)  // the second pass reads wx once w and x are known
    for (const auto& raw : clauses)
      for (const auto& text : split_clauses(raw)) {
        try {
          const where_clause w = parse_where(text, opt);
          if (w.k == where_clause::kind::condition) continue;
          (w.k == where_clause::kind::definition && !w.params.empty() ? opt.functions
                                                                      : opt.variables)
              .insert(w.name);
        } catch (const parse_error&) {  // reported by the real parse
        }
      }
  return opt;
}

/// Parses the where clauses into the model; returns the names declared.
parse_options read_where(model& m, const std::vector<std::string>& clauses) {
  parse_options opt = declared_names(clauses);
  std::set<std::string> ints, seen;
  std::vector<domain_spec> reals;
  for (const auto& raw : clauses)
    for (const auto& text : split_clauses(raw)) {
      where_clause w;
      try {
        w = parse_where(text, opt);
      } catch (const parse_error& e) {
        throw parse_error(e.column, "--where '" + text + "': " + e.what());
      }
      if (w.k == where_clause::kind::condition) {
        m.conditions.push_back(w.body);
        continue;
      }
      if (!seen.insert(w.name).second)
        throw parse_error(0, "--where '" + text + "': '" + w.name + "' is declared twice");
      if (w.k == where_clause::kind::definition) {
        m.defs[w.name] = function_def{w.params, w.body};
        continue;
      }
      domain_spec d = make_domain(w, ints);
      if (w.k == where_clause::kind::integers) {
        ints.insert(w.name);
        m.domains.push_back(d);
      } else {
        reals.push_back(d);
      }
    }
  m.domains.insert(m.domains.end(), reals.begin(), reals.end());
  return opt;
}

// ---- drawing ---------------------------------------------------------------------------

rc::Gen<double> generator(const domain_spec& d) {
  if (d.k == where_clause::kind::set) return rc::gen::elementOf(d.values);
  return testing::gen::real_in(d.lo, d.hi);
}

/// A probability vector with positive entries that are multiples of 2^-20 summing exactly to 1.
std::vector<double> draw_simplex(int n) {
  constexpr int kUnits = 1 << 20;
  auto cuts = *rc::gen::container<std::vector<int>>(static_cast<std::size_t>(n - 1),
                                                    rc::gen::inRange(1, kUnits - n + 1));
  std::sort(cuts.begin(), cuts.end());
  for (std::size_t i = 0; i < cuts.size(); ++i)
    cuts[i] += static_cast<int>(i);  // strictly increasing
  std::vector<double> p;
  int prev = 0;
  for (int c : cuts) {
    p.push_back(static_cast<double>(c - prev) / kUnits);
    prev = c;
  }
  p.push_back(static_cast<double>(kUnits - prev) / kUnits);
  return p;
}

int length_at(const domain_spec& d, const point& p) {
  if (d.length) return d.length;
  for (const auto& b : p)
    if (b.name == d.length_var) return std::max(1, static_cast<int>(b.values[0]));
  return 1;
}

point draw(const model& m) {
  point p;
  for (const auto& d : m.domains) {
    binding b{d.name, {}, d.is_vector() || d.k == where_clause::kind::simplex, false};
    if (d.k == where_clause::kind::integers) {
      const long k = *rc::gen::inRange(static_cast<long>(d.lo), static_cast<long>(d.hi) + 1);
      b.values = {static_cast<double>(k)};
      b.integer = true;
    } else if (d.k == where_clause::kind::simplex) {
      b.values = draw_simplex(length_at(d, p));
    } else if (b.vector) {
      b.values = *rc::gen::container<std::vector<double>>(static_cast<std::size_t>(length_at(d, p)),
                                                          generator(d));
    } else {
      b.values = {*generator(d)};
    }
    if (b.vector)
      testing::input(d.name, b.values);
    else
      testing::input(d.name, b.values[0]);
    p.push_back(std::move(b));
  }
  return p;
}

/// Whether a condition holds at p, decided in balls at rising precision (false when it cannot
/// be decided or the condition is undefined there: such a case is not drawn).
bool decided_true(const node& cond, const point& p, const definitions& defs) {
  for (long bits = 128; bits <= 1024; bits *= 2) {
    testing::precision_scope scope(bits);
    try {
      return holds_at(cond, p, defs);
    } catch (const testing::undecided&) {
    } catch (const domain_violation&) {
      return false;
    }
  }
  return false;
}

// ---- checking a case -------------------------------------------------------------------

/// The sides of the statement that are evaluated in balls (not a `double:` side).
std::vector<node_ptr> certified_sides(const model& m) {
  if (m.st.k == statement_kind::ulps) return {m.st.sides[1]};
  return m.st.sides;
}

/// The first certain domain violation of the certified sides at p ("" when none is certain).
std::string violation_at(const model& m, const point& p) {
  testing::precision_scope scope(128);
  for (const auto& s : certified_sides(m)) {
    try {
      (void)evaluate_ball(*s, p, m.defs);
    } catch (const domain_violation& v) {
      return v.what();
    } catch (const testing::undecided&) {
    }
  }
  return "";
}

/// Balls of a side, with a violation at a higher precision turned into "undecided".
std::vector<ball> side(const model& m, const node& n, const point& p) {
  try {
    return evaluate_ball(n, p, m.defs);
  } catch (const domain_violation& v) {
    throw testing::undecided(v.what());
  }
}

std::string label(const model& m, std::size_t k) {
  if (m.st.ops.size() == 1) return m.text;
  return "side 1 " + m.st.ops[k - 1] + " side " + std::to_string(k + 1);
}

void check_relation(const model& m, const point& p, std::size_t k) {
  const std::string& op = m.st.ops[k - 1];
  const node& truth = *m.st.sides[0];
  const node& claimed = *m.st.sides[k];
  const std::string what = label(m, k);
  if (op == "=") {
    std::vector<std::string> names;  // 1-based components of a gradient: "[1]", "[2]", …
    try {
      testing::precision_scope scope(testing::settings().start_bits);
      const std::size_t n = std::max(side(m, truth, p).size(), side(m, claimed, p).size());
      for (std::size_t i = 1; n > 1 && i <= n; ++i) names.push_back(std::to_string(i));
    } catch (const testing::undecided&) {
    }
    testing::certify_equal(
        what,
        [&] {
          testing::enclosure_pair e{side(m, truth, p), side(m, claimed, p)};
          if (e.claimed.size() == 1 && e.truth.size() > 1)
            e.claimed.resize(e.truth.size(), e.claimed[0]);
          if (e.truth.size() == 1 && e.claimed.size() > 1)
            e.truth.resize(e.claimed.size(), e.truth[0]);
          return e;
        },
        names);
    return;
  }
  if (op == "!=") {
    testing::precision_scope scope(testing::settings().start_bits);
    const auto a = side(m, truth, p), b = side(m, claimed, p);
    bool apart = a.size() == b.size();
    for (std::size_t i = 0; apart && i < a.size(); ++i) apart = !overlaps(a[i], b[i]);
    testing::check_that(what, apart, a.empty() ? "" : a[0].str(20),
                        "!= " + (b.empty() ? "" : b[0].str(20)));
    return;
  }
  const bool at_most = op == "<=" || op == "<";
  const bool strict = op == "<" || op == ">";
  const std::size_t n = std::max(side(m, truth, p).size(), side(m, claimed, p).size());
  for (std::size_t i = 0; i < n; ++i) {
    auto pick = [&](const node& s) {
      const auto v = side(m, s, p);
      return v.at(v.size() == 1 ? 0 : i);
    };
    const node& lower = at_most ? truth : claimed;
    const node& upper = at_most ? claimed : truth;
    testing::certify_at_most(
        what + (n > 1 ? "[" + std::to_string(i + 1) + "]" : ""), [&] { return pick(lower); },
        [&] { return pick(upper); }, strict);
  }
}

void check_ulps(const model& m, const point& p) {
  const auto got = evaluate_double(*m.st.sides[0], p, m.defs);
  for (std::size_t i = 0; i < got.size(); ++i)
    testing::certify_ulps(
        m.text, got[i], [&] { return side(m, *m.st.sides[1], p).at(i); }, m.st.ulps);
}

/// as v -> a: F -> L, evidenced at the closest point of the approach (see claim.hpp).
void check_limit(const model& m, point p) {
  const node& a = *m.st.limit_point;
  double target;
  try {
    target = constant_value(m.st.limit_point);
  } catch (const parse_error&) {
    throw eval_error("the limit point must be a number or ±inf, not '" + to_string(a) + "'");
  }
  auto it = std::find_if(p.begin(), p.end(),
                         [&](const binding& b) { return b.name == m.st.limit_variable; });
  if (it == p.end() || it->vector)
    throw eval_error("the limit variable must be a drawn scalar variable");
  const node& f = *m.st.sides[0];
  const node& l = *m.st.sides[1];
  testing::certify_at_most(
      m.text + " (|F - L| at the closest point)",
      [&] {
        // v = a ∓ 2^-200 from inside the domain, or ±2^200: exact in balls, not in double
        point q = p;
        auto& v = std::find_if(q.begin(), q.end(), [&](const binding& b) {
                    return b.name == m.st.limit_variable;
                  })->values[0];
        const double from = v;
        if (std::isinf(target))
          v = std::ldexp(target > 0 ? 1.0 : -1.0, 200);
        else
          v = target + (from < target ? -1 : 1) * std::ldexp(std::max(1.0, std::abs(target)), -200);
        const auto fv = side(m, f, q), lv = side(m, l, q);
        return abs(fv.at(0) - lv.at(0));
      },
      [] { return ball::ratio(1, 1000000000); });
}

void check_case(const model& m, bool with_assumptions) {
  if (m.undefined_at && !with_assumptions) {
    for (const auto& b : *m.undefined_at) {
      if (b.vector)
        testing::input(b.name, b.values);
      else
        testing::input(b.name, b.values[0]);
    }
    testing::check_that("formula defined on the stated domain", false, m.undefined_why,
                        "defined at every point of the stated domain");
    return;
  }
  const point p = draw(m);
  for (const auto& c : m.conditions) RC_PRE(decided_true(*c, p, m.defs));
  if (with_assumptions)
    for (const auto& c : m.assumptions) RC_PRE(decided_true(*c, p, m.defs));
  for (const auto& [name, c] : m.classes) testing::classify(name, decided_true(*c, p, m.defs));
  if (m.st.k != statement_kind::limit) {
    const std::string why = violation_at(m, p);
    if (!why.empty()) {
      testing::check_that("formula defined at this point", false, why, "defined");
      return;
    }
  }
  switch (m.st.k) {
    case statement_kind::relation:
      for (std::size_t k = 1; k < m.st.sides.size(); ++k) check_relation(m, p, k);
      break;
    case statement_kind::ulps:
      check_ulps(m, p);
      break;
    case statement_kind::limit:
      check_limit(m, p);
      break;
  }
}

// ---- static checks -------------------------------------------------------------------------

/// Values of one domain worth trying before any case: its ends, 0, ±1, ±1/2, its middle.
std::vector<std::vector<double>> candidates(const domain_spec& d, int length) {
  std::vector<double> xs;
  if (d.k == where_clause::kind::set)
    xs = d.values;
  else if (d.k == where_clause::kind::integers)
    xs = {d.lo, d.hi};
  else if (d.k == where_clause::kind::simplex)
    return {std::vector<double>(static_cast<std::size_t>(length), 1.0 / length)};
  else
    for (double x : {d.lo, d.hi, 0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, d.lo / 2 + d.hi / 2})
      if (x >= d.lo && x <= d.hi && std::find(xs.begin(), xs.end(), x) == xs.end()) xs.push_back(x);
  std::vector<std::vector<double>> out;
  for (double x : xs)
    out.push_back(std::vector<double>(static_cast<std::size_t>(d.is_vector() ? length : 1), x));
  return out;
}

/// Calls visit(point) on up to `cap` points built from the candidates (all combinations when
/// there are few, a fixed pseudo-random selection otherwise).
template <class Visit>
void for_each_grid_point(const model& m, std::size_t cap, Visit visit) {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  std::size_t total = 1;
  for (const auto& d : m.domains)
    total *= std::max<std::size_t>(1, candidates(d, 3).size()),
        total = std::min<std::size_t>(total, 1u << 30);
  const bool all = total <= cap;
  for (std::size_t k = 0; k < std::min(total, cap); ++k) {
    point p;
    std::size_t code = k;
    for (const auto& d : m.domains) {
      const auto c = candidates(d, length_at(d, p));
      const std::size_t pick = all ? code % c.size() : next() % c.size();
      code /= c.size();
      binding b{d.name, c[pick], d.is_vector() || d.k == where_clause::kind::simplex,
                d.k == where_clause::kind::integers};
      p.push_back(std::move(b));
    }
    if (!visit(p)) return;
  }
}

std::string describe(const point& p) {
  std::string s;
  for (const auto& b : p) {
    s += (s.empty() ? "" : ", ") + b.name + " = ";
    if (b.vector)
      s += "[" + testing::shortest(b.values.at(0)) + ", …]";
    else
      s += testing::shortest(b.values.at(0));
  }
  return s;
}

/// Names and functions: evaluating at the first grid point reports undefined variables,
/// unknown functions, bad indices (eval_error), whatever the values.
void check_names(const model& m) {
  for_each_grid_point(m, 1, [&](const point& p) {
    testing::precision_scope scope(128);
    for (const auto& s : m.st.sides) {
      try {
        (void)evaluate_ball(*s, p, m.defs);
      } catch (const domain_violation&) {
      } catch (const testing::undecided&) {
      }
    }
    std::vector<const node*> conditions;
    for (const auto& c : m.conditions) conditions.push_back(c.get());
    for (const auto& c : m.classes) conditions.push_back(c.second.get());
    for (const node* c : conditions) {
      try {
        (void)holds_at(*c, p, m.defs);
      } catch (const domain_violation&) {
      } catch (const testing::undecided&) {
      }
    }
    return false;
  });
}

/// The first grid point (satisfying the conditions) where the formula is certainly undefined.
std::optional<std::pair<point, std::string>> undefined_point(const model& m,
                                                             bool with_assumptions) {
  std::optional<std::pair<point, std::string>> found;
  for_each_grid_point(m, 512, [&](const point& p) {
    for (const auto& c : m.conditions)
      if (!decided_true(*c, p, m.defs)) return true;
    if (with_assumptions)
      for (const auto& c : m.assumptions)
        if (!decided_true(*c, p, m.defs)) return true;
    const std::string why = violation_at(m, p);
    if (why.empty()) return true;
    found = std::pair{p, why};
    return false;
  });
  return found;
}

/// Each class's condition, parsed with the claim's names.
void read_classes(model& m, const std::vector<std::pair<std::string, std::string>>& classes,
                  const parse_options& opt) {
  for (const auto& [name, when] : classes) {
    where_clause w;
    try {
      w = parse_where(when, opt);
    } catch (const parse_error& e) {
      throw parse_error(e.column, "class '" + name + "': '" + when + "': " + e.what());
    }
    if (w.k != where_clause::kind::condition)
      throw parse_error(
          0, "class '" + name + "': '" + when + "' is not a condition such as '|x| > 36.7'");
    m.classes.emplace_back(name, w.body);
  }
}

std::shared_ptr<model> compile(const std::string& formula, const std::vector<std::string>& where,
                               const std::vector<std::string>& assume,
                               const std::vector<std::pair<std::string, std::string>>& classes) {
  auto m = std::make_shared<model>();
  m->text = formula;
  const parse_options opt = read_where(*m, where);
  m->st = parse_statement(formula, opt);
  for (const auto& a : assume) {
    const where_clause w = parse_where(a, opt);
    if (w.k != where_clause::kind::condition)
      throw parse_error(0, "--assume '" + a + "': expected a condition such as 'yhat != y'");
    m->assumptions.push_back(w.body);
  }
  read_classes(*m, classes, opt);
  if (m->st.k == statement_kind::limit &&
      std::none_of(m->domains.begin(), m->domains.end(),
                   [&](const domain_spec& d) { return d.name == m->st.limit_variable; }))
    throw eval_error("as " + m->st.limit_variable + " -> …: '" + m->st.limit_variable +
                     "' must be a variable with a domain");
  check_names(*m);
  if (m->st.k == statement_kind::limit) return m;
  if (auto bad = undefined_point(*m, false)) {
    const std::string where_text = describe(bad->first);
    if (assume.empty())
      throw domain_error(
          "the domain does not fit the formula: " + bad->second + " at " + where_text +
          " (restrict the domain with --where, or give the missing conditions with --assume)");
    if (auto still = undefined_point(*m, true))
      throw domain_error("even under the assumptions the formula is undefined: " + still->second +
                         " at " + describe(still->first));
    m->undefined_at = bad->first;
    m->undefined_why = bad->second + " at " + where_text;
  }
  return m;
}

testing::property property_of(std::shared_ptr<const model> m, bool with_assumptions) {
  return [m, with_assumptions] { check_case(*m, with_assumptions); };
}

std::string statement_text(const formula_claim& c) {
  std::string s = c.formula;
  for (const auto& w : c.where) s += "; where " + w;
  for (const auto& a : c.assume) s += "; assuming " + a;
  if (!c.source.empty()) s += " (" + c.source + ")";
  return s;
}

}  // namespace detail

testing::claim to_claim(const formula_claim& c) {
  auto m = detail::compile(c.formula, c.where, c.assume, c.classes);
  testing::claim out;
  out.id = c.id;
  out.section = c.section.empty() ? c.source : c.section;
  out.quote = c.quote.empty() ? c.formula : c.quote;
  out.statement = detail::statement_text(c);
  out.expected = c.expected;  // none: the claim is reported, never failed
  out.correction = c.correction;
  out.cases = c.cases;
  out.as_stated = detail::property_of(m, false);
  if (!c.assume.empty()) out.under_conditions = detail::property_of(m, true);
  if (!c.corrected.empty()) {
    auto fixed = detail::compile(c.corrected, c.where, c.assume, c.classes);
    out.corrected = detail::property_of(fixed, !c.assume.empty());
  }
  return out;
}

std::optional<testing::verdict> verdict_from_string(const std::string& s) {
  for (auto v : {testing::verdict::holds, testing::verdict::refuted,
                 testing::verdict::needs_correction, testing::verdict::inconclusive})
    if (testing::to_string(v) == s) return v;
  return std::nullopt;
}

}  // namespace gradaudit::formula
