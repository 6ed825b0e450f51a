// libFuzzer target: the report reader behind `report merge` (nlohmann-json with gradaudit's
// schema on top). Any input either reads as a report or throws std::runtime_error whose
// message starts with the file's name; duplicate keys and deep nesting are refused.
#include "gradaudit/audit/report.hpp"

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto r = gradaudit::audit::parse_json_report(
        std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
    (void)r.meta.seed;
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).rfind("fuzz.json: ", 0) != 0) std::abort();  // errors say where
  }
  return 0;
}
