// Claims files: TOML (toml11, Debian libtoml11-dev). TOML because a claim is a flat record of
// strings whose quotes and formulas are full of backslashes and quotes: TOML's literal strings
// ('…' and '''…''') keep LaTeX exactly as pasted, with no escaping, and its grammar has no
// implicit typing (YAML reads `no` and `1e3` as a boolean and a number).
#include "gradaudit/formula/claim.hpp"

#include <toml.hpp>

#include <set>
#include <sstream>

namespace gradaudit::formula {

namespace {

const std::set<std::string>& known_keys() {
  static const std::set<std::string> k{"id",        "source",   "section", "quote",
                                       "formula",   "where",    "assume",  "correction",
                                       "corrected", "expected", "cases",   "classes"};
  return k;
}

std::vector<std::string> strings(const toml::value& t, const char* key) {
  if (!t.contains(key)) return {};
  const auto& v = toml::find(t, key);
  if (v.is_string()) return {v.as_string().str};
  return toml::get<std::vector<std::string>>(v);
}

/// classes = [{name = "saturated |x| > 36.7", when = "|x| > 36.7"}, …]
std::vector<std::pair<std::string, std::string>> classes(const toml::value& t,
                                                         const std::string& where) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!t.contains("classes")) return out;
  for (const auto& c : toml::find<std::vector<toml::value>>(t, "classes")) {
    if (!c.is_table() || c.as_table().size() != 2 || !c.contains("name") || !c.contains("when"))
      throw file_error(where + ": each of 'classes' must be a table {name = \"…\", when = \"…\"}");
    out.emplace_back(toml::find<std::string>(c, "name"), toml::find<std::string>(c, "when"));
  }
  return out;
}

formula_claim read_one(const toml::value& t, const std::string& path, std::size_t index) {
  const std::string where = path + ": claim " + std::to_string(index + 1);
  if (!t.is_table()) throw file_error(where + ": expected a table ([[claim]])");
  for (const auto& [key, value] : t.as_table())
    if (!known_keys().count(key))
      throw file_error(where + ": unknown key '" + key +
                       "' (known: id, source, section, quote, formula, "
                       "where, assume, correction, corrected, expected, cases, classes)");
  formula_claim c;
  c.id = toml::find<std::string>(t, "id");
  c.formula = toml::find<std::string>(t, "formula");
  c.source = toml::find_or<std::string>(t, "source", "");
  c.section = toml::find_or<std::string>(t, "section", "");
  c.quote = toml::find_or<std::string>(t, "quote", "");
  c.correction = toml::find_or<std::string>(t, "correction", "");
  c.corrected = toml::find_or<std::string>(t, "corrected", "");
  c.where = strings(t, "where");
  c.assume = strings(t, "assume");
  c.classes = classes(t, where + " (" + c.id + ")");
  c.cases = static_cast<int>(toml::find_or<long long>(t, "cases", 0));
  if (c.cases < 0 || c.cases > 1000000)
    throw file_error(where + " (" + c.id + "): cases must be in 0..1000000");
  if (t.contains("expected")) {
    const auto s = toml::find<std::string>(t, "expected");
    c.expected = verdict_from_string(s);
    if (!c.expected)
      throw file_error(where + " (" + c.id + "): expected = '" + s +
                       "' is not one of holds, refuted, needs-correction, inconclusive");
  }
  return c;
}

}  // namespace

namespace {

std::vector<formula_claim> read_claims(const toml::value& data, const std::string& path) {
  std::vector<formula_claim> out;
  try {
    if (!data.contains("claim")) throw file_error(path + ": no [[claim]] tables");
    const auto& claims = toml::find(data, "claim");
    if (!claims.is_array())
      throw file_error(path + ": 'claim' must be an array of tables ([[claim]])");
    std::set<std::string> ids;
    for (std::size_t i = 0; i < claims.as_array().size(); ++i) {
      out.push_back(read_one(claims.as_array()[i], path, i));
      if (!ids.insert(out.back().id).second)
        throw file_error(path + ": duplicate id '" + out.back().id + "'");
    }
  } catch (const file_error&) {
    throw;
  } catch (const std::exception& e) {
    throw file_error(path + ": " + e.what());
  }
  return out;
}

std::vector<testing::claim> to_claims(const std::vector<formula_claim>& claims,
                                      const std::string& path) {
  std::vector<testing::claim> out;
  for (const auto& c : claims) {
    try {
      out.push_back(to_claim(c));
      out.back().defined_in = path;
      out.back().defined_at = static_cast<int>(out.size());
    } catch (const std::runtime_error& e) {
      throw file_error(path + ": " + c.id + ": " + e.what());
    }
  }
  return out;
}

}  // namespace

std::vector<formula_claim> load_claims(const std::string& path) {
  toml::value data;
  try {
    data = toml::parse(path);
  } catch (const std::exception& e) {
    throw file_error(std::string(e.what()));
  }
  return read_claims(data, path);
}

std::vector<formula_claim> load_claims_from_text(const std::string& text, const std::string& name) {
  toml::value data;
  try {
    std::istringstream in(text);
    data = toml::parse(in, name);
  } catch (const std::exception& e) {
    throw file_error(std::string(e.what()));
  }
  return read_claims(data, name);
}

std::vector<testing::claim> claims_from_file(const std::string& path) {
  return to_claims(load_claims(path), path);
}

std::vector<testing::claim> claims_from_text(const std::string& text, const std::string& name) {
  return to_claims(load_claims_from_text(text, name), name);
}

std::size_t register_claims_from_file(const std::string& path) {
  auto claims = claims_from_file(path);
  for (auto& c : claims) testing::register_claim(std::move(c));
  return claims.size();
}

}  // namespace gradaudit::formula
