#pragma once
// Resource URLs of the form "<scheme>:<path>?k=v&k=v" (stores and buses), parsed once here so
// every engine reads its options the same way.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace hexa {

struct ResourceUrl {
  std::string path;                           // after "<scheme>:" (and an optional "//")
  std::map<std::string, std::string> params;  // the query string, undecoded

  std::optional<std::string> param(const std::string& name) const;
  // Throws hexa::Invalid naming the parameter when it is not an integer.
  std::optional<std::int64_t> int_param(const std::string& name) const;
};

// Throws hexa::Invalid when `url` does not start with "<scheme>:" or has an empty path.
ResourceUrl parse_resource_url(std::string_view url, std::string_view scheme);

}  // namespace hexa
