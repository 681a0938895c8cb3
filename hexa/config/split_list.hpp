#pragma once
// "a, b,c" -> {"a", "b", "c"}: how configuration lists arrive (see Config's flattening) and how
// comma-separated headers (X-Auth-Roles) are read. Empty items are dropped.
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace hexa {

inline std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string item; std::getline(in, item, ',');) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace hexa
