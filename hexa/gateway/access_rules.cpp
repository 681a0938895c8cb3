#include "hexa/gateway/access_rules.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "hexa/gateway/list.hpp"
#include "hexa/gateway/routes.hpp"

namespace hexa::gateway {
namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool any_matches(const std::vector<std::string>& patterns, std::string_view path) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return path_matches(p, path); });
}

std::vector<AccessRule> rules_of(const Config& config) {
  std::vector<AccessRule> rules;
  for (const auto& key : indexed_children(config, "security.rules")) {
    const std::string base = "security.rules." + key;
    AccessRule rule{split_list(config.get(base + ".paths", "")), split_list(config.get(base + ".methods", "")),
                    split_list(config.get(base + ".roles", ""))};
    if (rule.paths.empty() || rule.roles.empty())
      throw std::runtime_error("gateway: security.rules." + key + " needs paths and roles");
    for (auto& m : rule.methods) m = upper(m);
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace

bool AccessRule::covers(std::string_view method, std::string_view path) const {
  if (!any_matches(paths, path)) return false;
  if (methods.empty()) return true;
  const std::string_view as = method == "HEAD" ? std::string_view("GET") : method;
  return std::find(methods.begin(), methods.end(), as) != methods.end();
}

bool AccessRule::admits(const std::vector<std::string>& held) const {
  return std::any_of(roles.begin(), roles.end(), [&](const std::string& r) {
    return r == "*" || std::find(held.begin(), held.end(), r) != held.end();
  });
}

AccessRules::AccessRules(const Config& config)
    : AccessRules(split_list(config.get("security.open-paths", "/oauth/**,/.well-known/**")), rules_of(config),
                  split_list(config.get("security.owner-bypass-roles", ""))) {}

AccessRules::AccessRules(std::vector<std::string> open_paths, std::vector<AccessRule> rules,
                         std::vector<std::string> owner_bypass_roles)
    : open_paths_(std::move(open_paths)), rules_(std::move(rules)), owner_bypass_roles_(std::move(owner_bypass_roles)) {}

bool AccessRules::is_open(std::string_view path) const { return any_matches(open_paths_, path); }

bool AccessRules::allows(std::string_view method, std::string_view path,
                         const std::vector<std::string>& roles) const {
  for (const auto& rule : rules_)
    if (rule.covers(method, path)) return rule.admits(roles);
  return false;
}

bool AccessRules::sees_all(const std::vector<std::string>& roles) const {
  return std::any_of(roles.begin(), roles.end(), [&](const std::string& r) {
    return std::find(owner_bypass_roles_.begin(), owner_bypass_roles_.end(), r) != owner_bypass_roles_.end();
  });
}

bool ambiguous_path(std::string_view path) {
  std::string lower(path);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.find("%2f") != std::string::npos || lower.find("%2e") != std::string::npos ||
      lower.find("%5c") != std::string::npos || lower.find('\\') != std::string::npos)
    return true;
  for (std::size_t start = 0; start < path.size();) {
    const auto end = std::min(path.find('/', start + 1), path.size());
    const auto segment = path.substr(start + 1, end - start - 1);
    if (segment == "." || segment == "..") return true;
    start = end;
  }
  return false;
}

}  // namespace hexa::gateway
