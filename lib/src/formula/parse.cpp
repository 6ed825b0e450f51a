// The formula language's lexer and recursive-descent parser (grammar in parse.hpp).
#include "gradaudit/formula/parse.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <utility>

namespace gradaudit::formula {

namespace {
/// The message on one line: quoted source text may hold line breaks and tabs.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f') c = ' ';
  return s;
}
}  // namespace

parse_error::parse_error(int col, const std::string& message)
    : std::runtime_error(
          one_line(col > 0 ? "column " + std::to_string(col) + ": " + message : message)),
      column(col) {}

namespace detail {

/// Built-in functions: canonical name -> (fewest, most) arguments.
const std::map<std::string, std::pair<int, int>, std::less<>>& builtins() {
  static const std::map<std::string, std::pair<int, int>, std::less<>> table{
      {"abs", {1, 1}},         {"bce", {2, 2}},
      {"bce_logits", {2, 3}},  {"ce", {2, 2}},
      {"clamp", {3, 3}},       {"dot", {2, 2}},
      {"exp", {1, 1}},         {"expm1", {1, 1}},
      {"focal", {4, 4}},       {"gaussian_nll", {3, 3}},
      {"hinge", {2, 2}},       {"huber", {3, 3}},
      {"kl", {2, 2}},          {"label_smoothing", {3, 3}},
      {"log", {1, 1}},         {"log1p", {1, 1}},
      {"log_sigmoid", {1, 1}}, {"log_softmax", {1, 1}},
      {"logsumexp", {1, 1}},   {"mae", {2, 2}},
      {"max", {2, 2}},         {"min", {2, 2}},
      {"mse", {2, 2}},         {"poisson_nll", {2, 2}},
      {"relu", {1, 1}},        {"sigmoid", {1, 1}},
      {"smooth_l1", {3, 3}},   {"softmax", {1, 1}},
      {"softplus", {1, 1}},    {"sqrt", {1, 1}},
      {"tanh", {1, 1}},        {"where", {3, 3}},
  };
  return table;
}

/// Other spellings of built-ins.
std::string canonical_function(std::string_view name) {
  static const std::map<std::string, std::string, std::less<>> alias{
      {"ln", "log"},
      {"sigma", "sigmoid"},
      {"logsigmoid", "log_sigmoid"},
      {"bce_with_logits", "bce_logits"},
      {"cross_entropy", "ce"},
      {"smoothl1", "smooth_l1"},
      {"logsoftmax", "log_softmax"},
      {"lse", "logsumexp"}};
  if (auto it = alias.find(name); it != alias.end()) return it->second;
  return std::string(name);
}

}  // namespace detail

std::vector<std::string> known_functions() {
  std::vector<std::string> out;
  for (const auto& [name, arity] : detail::builtins())
    out.push_back(name + "/" + std::to_string(arity.first) +
                  (arity.second != arity.first ? "-" + std::to_string(arity.second) : ""));
  return out;
}

bool is_known_function(std::string_view name) {
  return detail::builtins().count(detail::canonical_function(name)) > 0;
}

namespace {

using detail::make;
using detail::make_number;
using detail::make_variable;

enum class tok { end, number, ident, command, punct };

struct token {
  tok t = tok::end;
  std::string text;  ///< canonical: ident name, command without '\', punctuation
  std::size_t begin = 0, end = 0;
};

bool is_letter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_alnum(char c) { return is_letter(c) || is_digit(c); }

/// LaTeX commands that are plain tokens: name -> (kind, canonical text).
const std::map<std::string, std::pair<tok, std::string>, std::less<>>& latex_words() {
  static const std::map<std::string, std::pair<tok, std::string>, std::less<>> m{
      {"cdot", {tok::punct, "*"}},      {"times", {tok::punct, "*"}},
      {"le", {tok::punct, "<="}},       {"leq", {tok::punct, "<="}},
      {"leqslant", {tok::punct, "<="}}, {"ge", {tok::punct, ">="}},
      {"geq", {tok::punct, ">="}},      {"geqslant", {tok::punct, ">="}},
      {"neq", {tok::punct, "!="}},      {"ne", {tok::punct, "!="}},
      {"lt", {tok::punct, "<"}},        {"gt", {tok::punct, ">"}},
      {"to", {tok::punct, "->"}},       {"rightarrow", {tok::punct, "->"}},
      {"lvert", {tok::punct, "|"}},     {"rvert", {tok::punct, "|"}},
      {"vert", {tok::punct, "|"}},      {"{", {tok::punct, "{"}},
      {"}", {tok::punct, "}"}},         {"log", {tok::ident, "log"}},
      {"ln", {tok::ident, "log"}},      {"exp", {tok::ident, "exp"}},
      {"tanh", {tok::ident, "tanh"}},   {"max", {tok::ident, "max"}},
      {"min", {tok::ident, "min"}},     {"sigma", {tok::ident, "sigmoid"}},
      {"infty", {tok::ident, "inf"}},   {"in", {tok::ident, "in"}},
      {"pi", {tok::ident, "pi"}},       {"varepsilon", {tok::ident, "epsilon"}},
  };
  return m;
}

/// Commands that lay out rather than mean: dropped.
bool is_layout(std::string_view c) {
  static const std::set<std::string, std::less<>> s{
      "left", "right", "big",   "Big",          "bigg",  "Bigg", "bigl", "bigr",
      "Bigl", "Bigr",  "biggl", "biggr",        ",",     ";",    ":",    "!",
      " ",    "quad",  "qquad", "displaystyle", "limits"};
  return s.count(c) > 0;
}

/// Unicode spellings, as the lexer reads them.
const std::vector<std::pair<std::string, std::pair<tok, std::string>>>& unicode_words() {
  static const std::vector<std::pair<std::string, std::pair<tok, std::string>>> v{
      {"ŷ", {tok::ident, "yhat"}},    {"σ", {tok::ident, "sigmoid"}},
      {"·", {tok::punct, "*"}},       {"×", {tok::punct, "*"}},
      {"−", {tok::punct, "-"}},       {"≤", {tok::punct, "<="}},
      {"≥", {tok::punct, ">="}},      {"≠", {tok::punct, "!="}},
      {"→", {tok::punct, "->"}},      {"∂", {tok::command, "partial"}},
      {"∈", {tok::ident, "in"}},      {"∞", {tok::ident, "inf"}},
      {"δ", {tok::ident, "delta"}},   {"β", {tok::ident, "beta"}},
      {"γ", {tok::ident, "gamma"}},   {"α", {tok::ident, "alpha"}},
      {"ε", {tok::ident, "epsilon"}}, {"π", {tok::ident, "pi"}},
      {"Σ", {tok::command, "sum"}},   {"∑", {tok::command, "sum"}},
  };
  return v;
}

/// The 1-based character column of byte offset `at`.
int column_of(std::string_view src, std::size_t at) {
  int col = 1;
  for (std::size_t i = 0; i < at && i < src.size(); ++i)
    if ((static_cast<unsigned char>(src[i]) & 0xC0) != 0x80) ++col;
  return col;
}

class lexer {
 public:
  explicit lexer(std::string_view src) : src_(src) {}

  std::vector<token> run() {
    std::vector<token> out;
    while (true) {
      skip_space();
      if (i_ >= src_.size()) break;
      if (auto t = next()) out.push_back(std::move(*t));
    }
    out.push_back({tok::end, "", src_.size(), src_.size()});
    return out;
  }

 private:
  std::string_view src_;
  std::size_t i_ = 0;

  void skip_space() {
    while (i_ < src_.size() && std::isspace(static_cast<unsigned char>(src_[i_]))) ++i_;
  }

  [[noreturn]] void fail(std::size_t at, const std::string& m) {
    throw parse_error(column_of(src_, at), m);
  }

  std::optional<token> next() {
    const std::size_t b = i_;
    const char c = src_[i_];
    if (is_digit(c) || (c == '.' && i_ + 1 < src_.size() && is_digit(src_[i_ + 1])))
      return number(b);
    if (is_letter(c)) return identifier(b);
    if (c == '\\') return command(b);
    for (const auto& [text, what] : unicode_words())
      if (src_.substr(i_, text.size()) == text) {
        i_ += text.size();
        return token{what.first, what.second, b, i_};
      }
    static const char* const two[] = {"<=", ">=", "!=", "->", "..", "=="};
    for (const char* t : two)
      if (src_.substr(i_, 2) == t) {
        i_ += 2;
        return token{tok::punct, std::string(t) == "==" ? "=" : t, b, i_};
      }
    if (std::string_view("+-*/^()[]{},=<>|:;'_!").find(c) != std::string_view::npos) {
      ++i_;
      return token{tok::punct, std::string(1, c), b, i_};
    }
    std::size_t len = 1;  // one UTF-8 character, for the message
    while (i_ + len < src_.size() && (static_cast<unsigned char>(src_[i_ + len]) & 0xC0) == 0x80)
      ++len;
    fail(b, "unexpected character '" + std::string(src_.substr(b, len)) + "'");
  }

  token number(std::size_t b) {
    while (i_ < src_.size() && is_digit(src_[i_])) ++i_;
    if (i_ + 1 < src_.size() && src_[i_] == '.' && src_[i_ + 1] != '.') {
      ++i_;
      while (i_ < src_.size() && is_digit(src_[i_])) ++i_;
    }
    if (i_ < src_.size() && (src_[i_] == 'e' || src_[i_] == 'E')) {  // 1e-5, not 2e^{x}
      std::size_t j = i_ + 1;
      if (j < src_.size() && (src_[j] == '+' || src_[j] == '-')) ++j;
      if (j < src_.size() && is_digit(src_[j])) {
        i_ = j;
        while (i_ < src_.size() && is_digit(src_[i_])) ++i_;
      }
    }
    return {tok::number, std::string(src_.substr(b, i_ - b)), b, i_};
  }

  token identifier(std::size_t b) {
    // letters and digits, and '_' when a letter or digit follows (w_1, log_softmax, softmax_i)
    while (i_ < src_.size() && (is_alnum(src_[i_]) || (src_[i_] == '_' && i_ + 1 < src_.size() &&
                                                       is_alnum(src_[i_ + 1]))))
      ++i_;
    return {tok::ident, std::string(src_.substr(b, i_ - b)), b, i_};
  }

  std::optional<token> command(std::size_t b) {
    ++i_;
    if (i_ >= src_.size()) fail(b, "expected a command after '\\'");
    std::size_t e = i_;
    if (is_letter(src_[e]))
      while (e < src_.size() && is_letter(src_[e])) ++e;
    else
      ++e;
    const std::string name(src_.substr(i_, e - i_));
    i_ = e;
    if (is_layout(name)) return std::nullopt;
    if (auto it = latex_words().find(name); it != latex_words().end())
      return token{it->second.first, it->second.second, b, i_};
    return token{tok::command, name, b, i_};
  }
};

/// Comparison operators in the language.
bool is_relop(const token& t) {
  return t.t == tok::punct && (t.text == "=" || t.text == "<=" || t.text == ">=" || t.text == "<" ||
                               t.text == ">" || t.text == "!=");
}

/// Words that end an expression.
bool is_keyword(const std::string& s) {
  return s == "in" || s == "within" || s == "ulp" || s == "ulps" || s == "of" || s == "as";
}

/// An exact rational from a decimal literal ("0.125" -> 1/8, "1e-5" -> 1/100000).
std::pair<long long, long long> rational_of(const std::string& text, int col) {
  std::string digits;  // every digit of the significand, without the point
  for (std::size_t i = 0; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i)
    if (text[i] != '.') digits += text[i];
  // fraction digits: those after '.', before 'e'
  const auto dot = text.find('.');
  const auto epos = text.find_first_of("eE");
  long long exp10 =
      dot == std::string::npos
          ? 0
          : -static_cast<long long>((epos == std::string::npos ? text.size() : epos) - dot - 1);
  if (epos != std::string::npos) {
    const std::string ex = text.substr(epos + 1);
    if (ex.size() > 4)
      throw parse_error(col, "the number '" + text + "' has an exponent out of range");
    exp10 += std::stoll(ex);
  }
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
  if (digits.empty()) return {0, 1};
  if (digits.size() > 18 || exp10 > 18 - static_cast<long long>(digits.size()) || exp10 < -18)
    throw parse_error(
        col, "the number '" + text + "' has too many digits (at most 18, exponent within ±18)");
  long long num = std::stoll(digits), den = 1;
  for (long long k = 0; k < exp10; ++k) num *= 10;
  for (long long k = 0; k < -exp10; ++k) den *= 10;
  const long long g = std::gcd(num, den);
  return {num / g, den / g};
}

/// Formulas are short; a bound keeps parsing and evaluation (both recursive) within the stack.
constexpr std::size_t kMaxLength = 4000;
constexpr int kMaxDepth = 120;

std::string_view checked_length(std::string_view src) {
  if (src.size() > kMaxLength)
    throw parse_error(0,
                      "the formula is longer than " + std::to_string(kMaxLength) + " characters");
  return src;
}

class parser {
 public:
  parser(std::string_view src, const parse_options& opt)
      : src_(checked_length(src)), toks_(lexer(src).run()), opt_(opt) {}

  node_ptr whole_expression() {
    node_ptr e = relation_or_expr(false);
    expect_end("an operator or the end of the formula");
    return e;
  }

  statement whole_statement() {
    statement s;
    if (peek().t == tok::ident && peek().text == "double" && peek(1).text == ":") {
      p_ += 2;
      s.k = statement_kind::ulps;
      s.sides.push_back(expr());
      expect_word("within", "'within N ulp of' after the double expression");
      const token n = peek();
      if (n.t != tok::number) fail_here("expected a number of ULPs after 'within'");
      ++p_;
      const auto [num, den] = rational_of(n.text, col(n.begin));
      s.ulps = static_cast<double>(num) / static_cast<double>(den);
      if (peek().text == "ulp" || peek().text == "ulps" || peek().text == "ULP" ||
          peek().text == "ULPs")
        ++p_;
      else
        fail_here("expected 'ulp' after the number");
      expect_word("of", "'of' before the certified expression");
      s.sides.push_back(expr());
      expect_end("the end of the claim after the certified expression");
      return s;
    }
    if (peek().t == tok::ident && peek().text == "as") {
      ++p_;
      s.k = statement_kind::limit;
      const node_ptr v = postfix();
      if (v->k != kind::variable) fail_at(v->column, "expected a variable after 'as'");
      s.limit_variable = v->name;
      expect_punct("->", peek().begin, "after 'as " + v->name + "'");
      s.limit_point = expr();
      expect_punct(":", peek().begin, "after the limit point");
      s.sides.push_back(expr());
      expect_punct("->", peek().begin, "after the expression whose limit is claimed");
      s.sides.push_back(expr());
      expect_end("the end of the claim after the limit");
      return s;
    }
    s.sides.push_back(expr());
    while (is_relop(peek())) {
      s.ops.push_back(peek().text);
      ++p_;
      s.sides.push_back(expr());
    }
    if (s.ops.empty())
      fail_here(peek().t == tok::end ? "expected a relation (=, <=, >=, <, >, !=) in the claim"
                                     : "expected an operator, a relation (=, <=, >=) or the end");
    expect_end("a relation or the end of the claim");
    return s;
  }

  where_clause whole_where() {
    where_clause w;
    if (auto f = function_definition()) return *f;
    const std::size_t start = p_;
    const token first = peek();
    node_ptr lhs = postfix();
    if (lhs->k == kind::variable && peek().t == tok::ident && peek().text == "in") {
      ++p_;
      w.name = lhs->name;
      domain(w);
      expect_end("the end of the domain");
      return w;
    }
    if (lhs->k == kind::variable && peek().text == "=" && peek().t == tok::punct) {
      ++p_;
      w.k = where_clause::kind::definition;
      w.name = lhs->name;
      w.body = expr();
      expect_end("the end of the definition");
      return w;
    }
    p_ = start;
    (void)first;
    w.k = where_clause::kind::condition;
    w.body = relation_or_expr(true);
    if (w.body->k != kind::compare)
      fail_at(1, "expected 'NAME in …', 'NAME = …' or a condition such as 'yhat != y'");
    expect_end("the end of the condition");
    return w;
  }

 private:
  std::string_view src_;
  std::vector<token> toks_;
  std::size_t p_ = 0;
  const parse_options& opt_;
  int abs_depth_ = 0;
  int depth_ = 0;

  /// Counts nesting for the lifetime of one recursive call; refuses beyond kMaxDepth.
  struct nesting {
    parser& p;
    explicit nesting(parser& owner) : p(owner) {
      if (++p.depth_ > kMaxDepth) {
        --p.depth_;
        p.fail_here("nested more than " + std::to_string(kMaxDepth) + " levels deep");
      }
    }
    ~nesting() { --p.depth_; }
  };

  const token& peek(std::size_t k = 0) const { return toks_[std::min(p_ + k, toks_.size() - 1)]; }
  int col(std::size_t at) const { return column_of(src_, at); }
  bool at_punct(std::string_view s, std::size_t k = 0) const {
    return peek(k).t == tok::punct && peek(k).text == s;
  }

  [[noreturn]] void fail_at(int column, const std::string& m) const {
    throw parse_error(column, m);
  }
  [[noreturn]] void fail_here(const std::string& m) const {
    std::string found =
        peek().t == tok::end
            ? ""
            : ", found '" + std::string(src_.substr(peek().begin, peek().end - peek().begin)) + "'";
    fail_at(col(peek().begin), m + found);
  }

  /// "expected ')' after '(y - \hat{y}'": the text from `from` up to here.
  void expect_punct(std::string_view s, std::size_t from, const std::string& context = {}) {
    if (at_punct(s)) {
      ++p_;
      return;
    }
    std::string after = context;
    if (after.empty()) {
      std::size_t to = p_ > 0 ? toks_[p_ - 1].end : from;
      std::string_view text = src_.substr(from, to > from ? to - from : 0);
      after = "after '" + std::string(text) + "'";
    }
    fail_here("expected '" + std::string(s) + "' " + after);
  }

  void expect_word(std::string_view w, const std::string& what) {
    if (peek().t == tok::ident && peek().text == w) {
      ++p_;
      return;
    }
    fail_here("expected " + what);
  }

  void expect_end(const std::string& what) {
    if (peek().t != tok::end) fail_here("expected " + what);
  }

  // ---- expressions --------------------------------------------------------------------

  /// expr, or expr relop expr [relop expr] (a condition; a chain 0 < a < 1 is a conjunction).
  node_ptr relation_or_expr(bool allow_relation) {
    node_ptr a = expr();
    if (!allow_relation || !is_relop(peek())) return a;
    std::vector<node_ptr> parts;
    while (is_relop(peek())) {
      const token op = peek();
      ++p_;
      node_ptr b = expr();
      auto c = make(kind::compare, {a, b}, a->column);
      std::const_pointer_cast<node>(c)->op = op.text;
      parts.push_back(c);
      a = b;
    }
    if (parts.size() == 1) return parts[0];
    auto all = make(kind::compare, parts, parts[0]->column);
    std::const_pointer_cast<node>(all)->op = "and";
    return all;
  }

  node_ptr expr() {
    node_ptr a = term();
    while (at_punct("+") || at_punct("-")) {
      const bool plus = peek().text == "+";
      ++p_;
      node_ptr b = term();
      a = make(plus ? kind::add : kind::sub, {a, b}, a->column);
    }
    return a;
  }

  bool starts_factor(const token& t) const {
    switch (t.t) {
      case tok::number:
        return true;
      case tok::ident:
        return !is_keyword(t.text);
      case tok::command:
        return t.text != "partial";
      case tok::punct:
        return t.text == "(" || (t.text == "|" && abs_depth_ == 0);
      default:
        return false;
    }
  }

  node_ptr term() {
    node_ptr a = unary();
    while (true) {
      if (at_punct("*") || at_punct("/")) {
        const bool times = peek().text == "*";
        ++p_;
        node_ptr b = unary();
        a = make(times ? kind::mul : kind::div, {a, b}, a->column);
      } else if (starts_factor(peek())) {
        node_ptr b = unary();
        a = make(kind::mul, {a, b}, a->column);
      } else {
        return a;
      }
    }
  }

  node_ptr unary() {
    const nesting guard(*this);
    if (at_punct("-")) {
      const int c = col(peek().begin);
      ++p_;
      return make(kind::negate, {unary()}, c);
    }
    if (at_punct("+")) {
      ++p_;
      return unary();
    }
    if (auto d = plain_derivative()) return d;
    return power();
  }

  /// d/dz F, d/dw_1 F, d/d\hat{y} F, d^2/dz^2 F: F is the term that follows.
  node_ptr plain_derivative() {
    if (!(peek().t == tok::ident && (peek().text == "d" || peek().text == "d2") &&
          (at_punct("/", 1) || (at_punct("^", 1) && peek(2).text == "2" && at_punct("/", 3)))))
      return nullptr;
    const token d = peek();
    int order = 1;
    if (at_punct("^", 1)) {
      order = 2;
      p_ += 2;
    }
    const std::size_t slash = p_ + 1;
    const token& v = peek(2);
    if (v.t != tok::ident || v.text[0] != 'd') {
      p_ = slash;
      fail_here("expected 'dVAR' after 'd/', as in d/dz");
    }
    p_ += 2;
    std::string var;
    if (v.text == "d") {
      ++p_;
      node_ptr n = postfix();
      if (n->k != kind::variable) fail_at(n->column, "expected a variable after 'd/d'");
      var = n->name;
    } else {
      var = resolve_name(v.text.substr(1));
      ++p_;
    }
    if (order == 2) expect_order_two();
    node_ptr f = term();
    auto n = make(kind::derivative, {f}, col(d.begin), var);
    std::const_pointer_cast<node>(n)->order = order;
    return n;
  }

  void expect_order_two() {
    if (at_punct("^") && peek(1).text == "2") {
      p_ += 2;
      return;
    }
    if (at_punct("^") && at_punct("{", 1) && peek(2).text == "2" && at_punct("}", 3)) {
      p_ += 4;
      return;
    }
    fail_here("expected '^2' after the variable of a second derivative");
  }

  node_ptr power() {
    const nesting guard(*this);
    node_ptr base = postfix();
    if (!at_punct("^")) return base;
    ++p_;
    node_ptr e;
    if (at_punct("{")) {
      const std::size_t from = peek().begin;
      ++p_;
      e = expr();
      expect_punct("}", from);
    } else if (at_punct("-")) {
      const int c = col(peek().begin);
      ++p_;
      e = make(kind::negate, {power()}, c);
    } else {
      e = power();
    }
    if (base->k == kind::constant && base->name == "e")
      return make(kind::call, {e}, base->column, "exp");
    return make(kind::pow, {base, e}, base->column);
  }

  /// A primary with its subscripts: w_{i}, \hat{y}_1.
  node_ptr postfix() {
    node_ptr a = primary();
    while (at_punct("_")) {
      ++p_;
      node_ptr i = subscript();
      if (a->k != kind::variable) fail_at(i->column, "a subscript needs a variable before it");
      a = index_of(a->name, i, a->column);
    }
    return a;
  }

  node_ptr subscript() {
    if (at_punct("{")) {
      const std::size_t from = peek().begin;
      ++p_;
      node_ptr e = expr();
      expect_punct("}", from);
      return e;
    }
    const token t = peek();
    if (t.t == tok::number) {
      ++p_;
      const auto [n, d] = rational_of(t.text, col(t.begin));
      return make_number(n, d, col(t.begin));
    }
    if (t.t == tok::ident) {
      ++p_;
      return make_variable(t.text, col(t.begin));
    }
    fail_here("expected a subscript after '_'");
  }

  /// base_i: the declared variable "base_i" when there is one, else element i of vector base.
  node_ptr index_of(const std::string& base, const node_ptr& i, int column) {
    const std::string joined = base + "_" + to_string(*i);
    if (opt_.variables.count(joined)) return make_variable(joined, column);
    return make(kind::index, {make_variable(base, column), i}, column);
  }

  node_ptr primary() {
    const token t = peek();
    const int c = col(t.begin);
    switch (t.t) {
      case tok::number: {
        ++p_;
        const auto [n, d] = rational_of(t.text, c);
        return make_number(n, d, c);
      }
      case tok::ident:
        return identifier();
      case tok::command:
        return command();
      case tok::punct:
        if (t.text == "(" || t.text == "{" || t.text == "[") {
          ++p_;
          node_ptr e = expr();
          expect_punct(t.text == "(" ? ")" : t.text == "{" ? "}" : "]", t.begin);
          return e;
        }
        if (t.text == "|") {
          ++p_;
          ++abs_depth_;
          node_ptr e = expr();
          --abs_depth_;
          expect_punct("|", t.begin);
          return make(kind::call, {e}, c, "abs");
        }
        break;
      case tok::end:
        fail_here("expected an expression at the end of the formula");
    }
    fail_here("expected an expression");
  }

  /// A name: a function call, a constant, a variable, a product of declared letters.
  node_ptr identifier() {
    const token t = peek();
    ++p_;
    return name_use(t.text, t);
  }

  node_ptr name_use(const std::string& raw, const token& t) {
    const int c = col(t.begin);
    if (is_keyword(raw)) fail_at(c, "unexpected '" + raw + "'");
    if (raw == "sum" && at_punct("_")) return sum(t);
    if (raw.rfind("grad_", 0) == 0 && raw.size() > 5 &&
        !opt_.variables.count(raw)) {  // grad_w F = d/dw F
      node_ptr f = term();
      return make(kind::derivative, {f}, c, raw.substr(5));
    }
    if (opt_.variables.count(raw)) return make_variable(raw, c);
    const std::string f = detail::canonical_function(raw);
    if (is_known_function(f) || opt_.functions.count(raw))
      return call(is_known_function(f) ? f : raw, nullptr, t);
    if ((raw == "e" || raw == "pi" || raw == "inf") && !opt_.variables.count(raw)) {
      auto n = std::make_shared<node>();
      n->k = kind::constant;
      n->name = raw;
      n->column = c;
      return n;
    }
    if (const auto u = raw.rfind('_'); u != std::string::npos && u > 0) {  // softmax_i, w_1
      const std::string base = raw.substr(0, u), sub = raw.substr(u + 1);
      node_ptr i = is_digit(sub[0]) ? make_number(std::stoll(sub.substr(0, 15)), 1, c)
                                    : make_variable(sub, c);
      const std::string bf = detail::canonical_function(base);
      if (is_known_function(bf)) return call(bf, i, t);
      return index_of(base, i, c);
    }
    const bool called = at_punct("(") && peek().begin == t.end;
    if (called && raw.size() >= 2 && !all_letters_declared(raw)) unknown_function(raw, c);
    if (raw.size() >= 2 && all_letters_declared(raw)) {  // wx = w·x, as LaTeX reads it
      node_ptr prod = make_variable(std::string(1, raw[0]), c);
      for (std::size_t k = 1; k < raw.size(); ++k)
        prod = make(kind::mul,
                    {prod, make_variable(std::string(1, raw[k]), c + static_cast<int>(k))}, c);
      return prod;
    }
    return make_variable(raw, c);
  }

  bool all_letters_declared(const std::string& s) const {
    if (opt_.variables.empty()) return false;
    return std::all_of(s.begin(), s.end(),
                       [&](char ch) { return opt_.variables.count(std::string(1, ch)) > 0; });
  }

  /// The declared name for "yhat" / "w_1" inside d/dNAME.
  std::string resolve_name(const std::string& s) const { return s; }

  [[noreturn]] void unknown_function(const std::string& name, int c) const {
    std::string list;
    for (const auto& f : known_functions()) list += (list.empty() ? "" : ", ") + f;
    for (const auto& f : opt_.functions) list += ", " + f;
    fail_at(c, "unknown function '" + name + "'; known functions: " + list);
  }

  /// name'(args), name_i(args), LaTeX \log x (one argument without parentheses).
  node_ptr call(const std::string& name, node_ptr sub, const token& t) {
    const int c = col(t.begin);
    int primes = 0;
    while (at_punct("'")) {
      ++primes;
      ++p_;
    }
    if (!sub && at_punct("_")) {
      ++p_;
      sub = subscript();
    }
    std::vector<node_ptr> args;
    if (at_punct("(")) {
      const std::size_t from = peek().begin;
      ++p_;
      if (!at_punct(")")) {
        args.push_back(relation_or_expr(true));
        while (at_punct(",")) {
          ++p_;
          args.push_back(relation_or_expr(true));
        }
      }
      expect_punct(")", from);
    } else if (starts_factor(peek())) {
      args.push_back(power());  // \log x, \sigma z
    } else {
      fail_here("expected '(' after '" + name + "'");
    }
    check_arity(name, args.size(), c);
    auto n = make(kind::call, std::move(args), c, name);
    auto m = std::const_pointer_cast<node>(n);
    m->order = primes;
    m->sub = sub;
    if ((name == "softmax" || name == "log_softmax") && !sub)
      fail_at(c, name + " needs an index: " + name + "_i(z)");
    if (primes > 2) fail_at(c, "at most two primes (f''(x))");
    return n;
  }

  void check_arity(const std::string& name, std::size_t n, int c) const {
    const auto& b = detail::builtins();
    auto it = b.find(name);
    if (it == b.end()) return;  // user function: checked when evaluated
    const auto [lo, hi] = it->second;
    if (static_cast<int>(n) < lo || static_cast<int>(n) > hi)
      fail_at(c, name + " takes " + std::to_string(lo) +
                     (hi != lo ? " to " + std::to_string(hi) : "") + " argument" +
                     (hi > 1 ? "s" : "") + ", not " + std::to_string(n));
  }

  /// \sum_{i=1}^{K} F and sum_{i=1}^{K} F: F is the term that follows.
  node_ptr sum(const token& t) {
    const int c = col(t.begin);
    expect_punct("_", t.begin, "after 'sum' (as in \\sum_{i=1}^{K})");
    const std::size_t from = peek().begin;
    expect_punct("{", from, "after '\\sum_'");
    if (peek().t != tok::ident) fail_here("expected an index variable in \\sum_{i=1}");
    const std::string var = peek().text;
    ++p_;
    expect_punct("=", from);
    node_ptr lo = expr();
    expect_punct("}", from);
    expect_punct("^", from, "after '\\sum_{" + var + "=…}'");
    node_ptr hi = subscript();
    node_ptr body = term();
    return make(kind::sum, {lo, hi, body}, c, var);
  }

  // ---- LaTeX commands -------------------------------------------------------------------

  node_ptr command() {
    const token t = peek();
    const int c = col(t.begin);
    ++p_;
    const std::string& n = t.text;
    if (n == "frac" || n == "dfrac" || n == "tfrac") return fraction(t);
    if (n == "sqrt") {
      node_ptr a = braced_or_factor(t);
      return make(kind::call, {a}, c, "sqrt");
    }
    if (n == "sum") return sum(t);
    if (n == "hat" || n == "widehat" || n == "bar" || n == "overline" || n == "tilde" ||
        n == "widetilde") {
      const std::string inner = braced_name(t);
      const std::string suffix = (n == "hat" || n == "widehat")       ? "hat"
                                 : (n == "tilde" || n == "widetilde") ? "tilde"
                                                                      : "bar";
      return name_use(inner + suffix, t);
    }
    if (n == "mathrm" || n == "operatorname" || n == "text" || n == "mathit" || n == "mathbf" ||
        n == "boldsymbol" || n == "vec" || n == "mathsf") {
      const std::string inner = braced_name(t);
      return name_use(inner, t);
    }
    if (n == "partial") fail_at(c, "'\\partial' outside \\frac{\\partial …}{\\partial …}");
    // Greek letters and other words: a name.
    return name_use(n, t);
  }

  node_ptr braced_or_factor(const token& t) {
    if (at_punct("{")) {
      const std::size_t from = peek().begin;
      ++p_;
      node_ptr e = expr();
      expect_punct("}", from);
      return e;
    }
    if (!starts_factor(peek())) fail_here("expected '{' after '\\" + t.text + "'");
    return power();
  }

  /// The name inside \hat{y} / \mathrm{softmax} (letters, digits, '_' joined).
  std::string braced_name(const token& t) {
    if (peek().t == tok::ident || (peek().t == tok::command && !at_punct("{"))) {
      std::string s = peek().text;
      ++p_;
      return s;
    }
    const std::size_t from = peek().begin;
    expect_punct("{", t.begin, "after '\\" + t.text + "'");
    std::string s;
    while (peek().t == tok::ident || peek().t == tok::number || at_punct("_") ||
           peek().t == tok::command) {
      s += peek().text;
      ++p_;
    }
    if (s.empty()) fail_here("expected a name in '\\" + t.text + "{…}'");
    expect_punct("}", from);
    return s;
  }

  /// \frac{a}{b}, or a derivative: \frac{\partial L}{\partial w}, \frac{\partial}{\partial w} F,
  /// \frac{d}{dx} F, \frac{d L}{d x}, \frac{\partial^2 L}{\partial w^2}.
  node_ptr fraction(const token& t) {
    const int c = col(t.begin);
    const std::size_t from = peek().begin;
    expect_punct("{", t.begin, "after '\\frac'");
    const bool deriv = (peek().t == tok::command && peek().text == "partial") ||
                       (peek().t == tok::ident && peek().text == "d" &&
                        (at_punct("}", 1) || at_punct("^", 1) || starts_factor(peek(1))));
    if (deriv) return derivative_fraction(t, from);
    node_ptr a = expr();
    expect_punct("}", from);
    const std::size_t from2 = peek().begin;
    expect_punct("{", from, "after '\\frac{…}'");
    node_ptr b = expr();
    expect_punct("}", from2);
    return make(kind::div, {a, b}, c);
  }

  node_ptr derivative_fraction(const token& t, std::size_t from) {
    const int c = col(t.begin);
    ++p_;  // \partial or d
    int order = 1;
    if (at_punct("^")) {
      expect_order_two();
      order = 2;
    }
    node_ptr f;
    if (!at_punct("}")) f = expr();
    expect_punct("}", from);
    const std::size_t from2 = peek().begin;
    expect_punct("{", from, "after '\\frac{\\partial …}'");
    std::string var;
    if (peek().t == tok::command && peek().text == "partial") {
      ++p_;
      var = variable_name();
    } else if (peek().t == tok::ident && peek().text == "d") {
      ++p_;
      var = variable_name();
    } else if (peek().t == tok::ident && peek().text.size() > 1 && peek().text[0] == 'd') {
      var = peek().text.substr(1);
      ++p_;
    } else {
      fail_here("expected '\\partial VAR' or 'dVAR' in the denominator of a derivative");
    }
    if (order == 2) expect_order_two();
    expect_punct("}", from2);
    if (!f) f = term();
    auto n = make(kind::derivative, {f}, c, var);
    std::const_pointer_cast<node>(n)->order = order;
    return n;
  }

  std::string variable_name() {
    node_ptr v = postfix();
    if (v->k == kind::variable) return v->name;
    if (v->k == kind::index && v->args[1]->k != kind::variable)
      return v->args[0]->name + "_" + to_string(*v->args[1]);
    fail_at(v->column, "expected the variable of the derivative");
  }

  // ---- where clauses --------------------------------------------------------------------

  std::optional<where_clause> function_definition() {
    // NAME ( ident {, ident} ) = body
    if (peek().t != tok::ident || !at_punct("(", 1)) return std::nullopt;
    std::size_t k = 2;
    std::vector<std::string> params;
    while (peek(k).t == tok::ident) {
      params.push_back(peek(k).text);
      ++k;
      if (at_punct(",", k))
        ++k;
      else
        break;
    }
    if (params.empty() || !at_punct(")", k) || !at_punct("=", k + 1)) return std::nullopt;
    where_clause w;
    w.k = where_clause::kind::definition;
    w.name = peek().text;
    if (is_known_function(w.name))
      fail_here("'" + w.name + "' is a built-in function and cannot be redefined");
    w.params = params;
    p_ += k + 2;
    w.body = expr();
    expect_end("the end of the function definition");
    return w;
  }

  void domain(where_clause& w) {
    const token t = peek();
    if (at_punct("[") || at_punct("(")) {
      w.k = where_clause::kind::interval;
      w.open_lo = t.text == "(";
      ++p_;
      w.lo = expr();
      expect_punct(",", t.begin);
      w.hi = expr();
      if (at_punct("]") || at_punct(")")) {
        w.open_hi = peek().text == ")";
        ++p_;
      } else {
        expect_punct("]", t.begin);
      }
      if (at_punct("^")) {
        ++p_;
        w.length = subscript();
      }
      return;
    }
    if (at_punct("{")) {
      w.k = where_clause::kind::set;
      ++p_;
      w.values.push_back(expr());
      while (at_punct(",")) {
        ++p_;
        w.values.push_back(expr());
      }
      expect_punct("}", t.begin);
      return;
    }
    if (t.t == tok::ident && (t.text == "simplex" || t.text == "Delta")) {
      w.k = where_clause::kind::simplex;
      ++p_;
      expect_punct("^", t.begin, "after 'simplex' (simplex^K)");
      w.length = subscript();
      return;
    }
    if (t.t == tok::command && t.text == "Delta") {
      w.k = where_clause::kind::simplex;
      ++p_;
      expect_punct("^", t.begin, "after '\\Delta'");
      w.length = subscript();
      return;
    }
    w.k = where_clause::kind::integers;
    w.lo = expr();
    expect_punct("..", t.begin, "in an integer range (lo..hi)");
    w.hi = expr();
  }
};

}  // namespace

node_ptr parse_expression(std::string_view text, const parse_options& opt) {
  return parser(text, opt).whole_expression();
}

statement parse_statement(std::string_view text, const parse_options& opt) {
  return parser(text, opt).whole_statement();
}

where_clause parse_where(std::string_view text, const parse_options& opt) {
  return parser(text, opt).whole_where();
}

std::vector<std::string> split_clauses(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : text) {
    if (c == '[' || c == '(' || c == '{') ++depth;
    if (c == ']' || c == ')' || c == '}') --depth;
    if (c == ';' && depth <= 0) {
      out.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (cur.find_first_not_of(" \t\n") != std::string::npos || out.empty()) out.push_back(cur);
  return out;
}

}  // namespace gradaudit::formula
