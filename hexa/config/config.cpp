#include "hexa/config/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "hexa/config/flatten.hpp"

namespace hexa {
namespace {

using config_detail::Flat;

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

std::string lower(std::string s) {
  std::ranges::transform(s, s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Defaults (the top level without `profiles`), then each active profile's section over them.
Flat merge_profiles(const YAML::Node& root, const std::vector<std::string>& profiles) {
  Flat values;
  for (const auto& entry : root) {
    if (!entry.first.IsScalar()) {
      throw YAML::ParserException(entry.first.Mark(), "map keys must be plain scalars");
    }
    if (entry.first.Scalar() == "profiles") continue;
    config_detail::flatten(entry.second, entry.first.Scalar(), values);
  }
  const YAML::Node sections = root["profiles"];
  if (!sections) return values;
  if (!sections.IsMap()) throw YAML::ParserException(sections.Mark(), "`profiles` must be a map");
  for (const auto& name : profiles) {
    if (const YAML::Node section = sections[name]) config_detail::flatten(section, "", values);
  }
  return values;
}

Flat parse(const std::string& yaml, const std::string& source,
           const std::vector<std::string>& profiles) {
  try {
    const YAML::Node root = YAML::Load(yaml);
    if (root.IsNull()) return {};
    if (!root.IsMap()) throw YAML::ParserException(root.Mark(), "the top level must be a map");
    return merge_profiles(root, profiles);
  } catch (const YAML::Exception& e) {
    const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    std::ostringstream what;
    what << source << ":" << line << ": malformed YAML: " << e.msg;
    throw std::runtime_error(what.str());
  }
}

[[noreturn]] void not_a(const char* kind, const std::string& key, const std::string& value) {
  throw std::runtime_error("config key '" + key + "' is not " + kind + ": '" + value + "'");
}

}  // namespace

Config::Env Config::process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* value = std::getenv(name.c_str())) return std::string(value);
    return std::nullopt;
  };
}

Config Config::load(const std::string& yaml_path, const std::vector<std::string>& profiles,
                    const Env& env) {
  std::ifstream in(yaml_path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read config file " + yaml_path);
  std::ostringstream text;
  text << in.rdbuf();
  Config config;
  config.values_ = parse(text.str(), yaml_path, profiles);
  config.profiles_ = profiles;
  config.env_ = env;
  return config;
}

Config Config::from_string(const std::string& yaml, const std::vector<std::string>& profiles,
                           const Env& env) {
  Config config;
  config.values_ = parse(yaml, "<string>", profiles);
  config.profiles_ = profiles;
  config.env_ = env;
  return config;
}

std::optional<std::string> Config::find(const std::string& key) const {
  // The environment is asked per lookup, so a value set after loading still wins.
  if (env_) {
    if (auto value = env_(env_name(key))) return value;
  }
  if (const auto it = values_.find(key); it != values_.end()) return it->second;
  return std::nullopt;
}

std::string Config::get(const std::string& key, const std::string& fallback) const {
  return find(key).value_or(fallback);
}

std::int64_t Config::get_int(const std::string& key, std::int64_t fallback) const {
  const auto raw = find(key);
  if (!raw) return fallback;
  const std::string text = trim(*raw);
  std::int64_t value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
    not_a("an integer", key, *raw);
  }
  return value;
}

double Config::get_double(const std::string& key, double fallback) const {
  const auto raw = find(key);
  if (!raw) return fallback;
  const std::string text = trim(*raw);
  double value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
    not_a("a number", key, *raw);
  }
  return value;
}

bool Config::get_bool(const std::string& key, bool fallback) const {
  const auto raw = find(key);
  if (!raw) return fallback;
  const std::string text = lower(trim(*raw));
  if (text == "true" || text == "yes" || text == "on" || text == "1") return true;
  if (text == "false" || text == "no" || text == "off" || text == "0") return false;
  not_a("a boolean", key, *raw);
}

std::vector<std::string> Config::children(const std::string& prefix) const {
  // Only keys known from the file: the environment cannot be enumerated by relaxed name.
  const std::string below = prefix.empty() ? "" : prefix + ".";
  std::vector<std::string> out;
  for (auto it = values_.lower_bound(below); it != values_.end() && it->first.starts_with(below);
       ++it) {
    const std::string rest = it->first.substr(below.size());
    std::string segment = rest.substr(0, rest.find('.'));
    if (!segment.empty() && std::ranges::find(out, segment) == out.end()) {
      out.push_back(std::move(segment));
    }
  }
  return out;
}

bool Config::has_profile(const std::string& p) const {
  return std::ranges::find(profiles_, p) != profiles_.end();
}

std::vector<std::string> Config::parse_profiles(const std::string& list) {
  std::vector<std::string> out{"default"};
  std::string token;
  std::istringstream in(list);
  while (in >> token) {  // splits on whitespace; commas are split below
    std::istringstream parts(token);
    std::string part;
    while (std::getline(parts, part, ',')) {
      part = trim(part);
      if (!part.empty() && std::ranges::find(out, part) == out.end()) out.push_back(part);
    }
  }
  return out;
}

std::string Config::env_name(const std::string& key) {
  std::string name = key;
  for (char& c : name) {
    c = (c == '.' || c == '-') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

}  // namespace hexa
