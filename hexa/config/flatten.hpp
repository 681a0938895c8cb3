#pragma once
// Private to hexa/config: turns a YAML tree into dotted keys, the shape Config looks up.
#include <map>
#include <string>

#include <yaml-cpp/yaml.h>

namespace hexa::config_detail {

using Flat = std::map<std::string, std::string>;

// Adds `node` under `prefix` ("" for the root) to `out`. Maps give "a.b", sequences give
// "a.0", "a.1" and, when every item is a scalar, "a" = "x,y" so a list reads as one value.
// A sequence replaces whatever `out` held under its key: a profile's list is not merged
// item by item with the default list (Spring does the same).
void flatten(const YAML::Node& node, const std::string& prefix, Flat& out);

}  // namespace hexa::config_detail
