// libFuzzer target: the JSON reader behind `gradaudit report merge`. Any input either parses
// or throws json_error with a position; nesting is bounded, so no input overflows the stack.
#include "json_reader.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto v = gradaudit::cli::parse_json(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
    (void)v.find("claims");
  } catch (const gradaudit::cli::json_error& e) {
    if (std::string(e.what()).rfind("fuzz.json:", 0) != 0) std::abort();  // errors say where
  }
  return 0;
}
