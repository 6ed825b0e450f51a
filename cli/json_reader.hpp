#pragma once
// A small JSON reader for gradaudit's own reports (`gradaudit report merge`): RFC 8259 values,
// numbers kept as their text as well (so a double written with %.17g reads back exactly),
// errors naming the file, line and column.
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gradaudit::cli {

class json_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct json_member;

struct json_value {
  enum class kind { null, boolean, number, string, array, object };
  kind type = kind::null;
  bool boolean = false;
  double number = 0;
  std::string text;  ///< the string, or the number as written
  std::vector<json_value> items;  ///< array elements
  std::vector<json_member> members;  ///< object members, in order

  bool is_null() const { return type == kind::null; }
  /// The member `key` of an object, or nullptr (also when this is not an object).
  const json_value* find(std::string_view key) const;
};

struct json_member {
  std::string key;
  json_value value;
};

/// Parses a whole document; `source` names it in errors ("report.json:3:17: expected ':'").
json_value parse_json(std::string_view document, const std::string& source);

/// Reads and parses a file; throws json_error naming the file when it cannot be read.
json_value read_json_file(const std::string& path);

}  // namespace gradaudit::cli
