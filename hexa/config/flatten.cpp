#include "hexa/config/flatten.hpp"

#include <stdexcept>

namespace hexa::config_detail {
namespace {

std::string join_key(const std::string& prefix, const std::string& segment) {
  return prefix.empty() ? segment : prefix + "." + segment;
}

void erase_subtree(const std::string& key, Flat& out) {
  out.erase(key);
  const std::string below = key + ".";
  for (auto it = out.lower_bound(below); it != out.end() && it->first.starts_with(below);) {
    it = out.erase(it);
  }
}

void flatten_map(const YAML::Node& node, const std::string& prefix, Flat& out) {
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) {
      throw YAML::ParserException(entry.first.Mark(), "map keys must be plain scalars");
    }
    flatten(entry.second, join_key(prefix, entry.first.Scalar()), out);
  }
}

void flatten_sequence(const YAML::Node& node, const std::string& prefix, Flat& out) {
  erase_subtree(prefix, out);
  std::string joined;
  bool all_scalars = true;
  std::size_t index = 0;
  for (const auto& item : node) {
    flatten(item, join_key(prefix, std::to_string(index)), out);
    if (item.IsScalar()) {
      joined += (index == 0 ? "" : ",") + item.Scalar();
    } else {
      all_scalars = false;
    }
    ++index;
  }
  if (all_scalars && !prefix.empty()) out[prefix] = joined;
}

}  // namespace

void flatten(const YAML::Node& node, const std::string& prefix, Flat& out) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      flatten_map(node, prefix, out);
      break;
    case YAML::NodeType::Sequence:
      flatten_sequence(node, prefix, out);
      break;
    case YAML::NodeType::Scalar:
      if (!prefix.empty()) out[prefix] = node.Scalar();
      break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      // `key:` with no value: the key exists and reads as empty.
      if (!prefix.empty()) out[prefix] = "";
      break;
  }
}

}  // namespace hexa::config_detail
