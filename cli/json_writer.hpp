#pragma once
// JSON numbers and strings for train's output (numbers as %.17g, so doubles round-trip).
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

namespace gradaudit::cli {

inline std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";  // JSON has no NaN/inf; callers never write them
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

inline std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace gradaudit::cli
