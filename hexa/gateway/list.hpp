#pragma once
// Private to hexa/gateway: config lists arrive as "a, b,c" (see Config's flattening).
#include <sstream>
#include <string>
#include <vector>

namespace hexa::gateway {

inline std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace hexa::gateway
