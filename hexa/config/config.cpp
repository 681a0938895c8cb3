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

struct Parsed {
  Flat values;
  Flat spelling;  // key -> "profiles.<name>.<key>", for keys a profile set
};

// Defaults (the top level without `profiles`), then each active profile's section over them.
Parsed merge_profiles(const YAML::Node& root, const std::vector<std::string>& profiles) {
  Parsed parsed;
  Flat& values = parsed.values;
  for (const auto& entry : root) {
    if (!entry.first.IsScalar()) {
      throw YAML::ParserException(entry.first.Mark(), "map keys must be plain scalars");
    }
    if (entry.first.Scalar() == "profiles") continue;
    config_detail::flatten(entry.second, entry.first.Scalar(), values);
  }
  const YAML::Node sections = root["profiles"];
  if (!sections) return parsed;
  if (!sections.IsMap()) throw YAML::ParserException(sections.Mark(), "`profiles` must be a map");
  for (const auto& name : profiles) {
    const YAML::Node section = sections[name];
    if (!section) continue;
    config_detail::flatten(section, "", values);
    Flat own;
    config_detail::flatten(section, "", own);
    for (const auto& entry : own) parsed.spelling[entry.first] = "profiles." + name + "." + entry.first;
  }
  return parsed;
}

Parsed parse(const std::string& yaml, const std::string& source,
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

// Levenshtein distance, to suggest the key a typo meant.
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Every section above `key` and the key itself: "a.b.c" -> "a", "a.b", "a.b.c".
std::vector<std::string> sections_of(const std::string& key) {
  std::vector<std::string> out;
  for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.', dot + 1))
    out.push_back(key.substr(0, dot));
  out.push_back(key);
  return out;
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
  auto parsed = parse(text.str(), yaml_path, profiles);
  config.values_ = std::move(parsed.values);
  config.spelling_ = std::move(parsed.spelling);
  config.source_ = yaml_path;
  config.profiles_ = profiles;
  config.env_ = env;
  return config;
}

Config Config::from_string(const std::string& yaml, const std::vector<std::string>& profiles,
                           const Env& env) {
  Config config;
  auto parsed = parse(yaml, "<string>", profiles);
  config.values_ = std::move(parsed.values);
  config.spelling_ = std::move(parsed.spelling);
  config.source_ = "<string>";
  config.profiles_ = profiles;
  config.env_ = env;
  return config;
}

void Config::record(const std::string& key) const {
  std::lock_guard lock(reads_->mutex);
  reads_->keys.insert(key);
}

void Config::claim(const std::string& section) const { record(section); }

std::vector<std::string> Config::unknown_keys() const {
  std::lock_guard lock(reads_->mutex);
  std::vector<std::string> out;
  for (const auto& [key, value] : values_) {
    const auto sections = sections_of(key);
    if (std::ranges::none_of(sections, [&](const auto& s) { return reads_->keys.contains(s); })) {
      const auto spelt = spelling_.find(key);
      out.push_back(spelt == spelling_.end() ? key : spelt->second);
    }
  }
  return out;
}

void Config::check_known() const {
  const auto unknown = unknown_keys();
  if (unknown.empty()) return;
  std::string what = "unknown configuration key" + std::string(unknown.size() > 1 ? "s" : "") + " in " + source_ + ":";
  std::lock_guard lock(reads_->mutex);
  for (const auto& key : unknown) {
    what += " '" + key + "'";
    const std::string plain = key.substr(key.starts_with("profiles.") ? key.find('.', 9) + 1 : 0);
    const std::string* nearest = nullptr;
    std::size_t best = 3;  // a typo is a character or two
    for (const auto& read : reads_->keys) {
      if (const auto d = distance(plain, read); d < best) {
        best = d;
        nearest = &read;
      }
    }
    if (nearest) what += " (did you mean '" + *nearest + "'?)";
    what += key == unknown.back() ? "" : ",";
  }
  throw std::runtime_error(what + "; nothing reads it, so it would be ignored");
}

std::optional<std::string> Config::find(const std::string& key) const {
  record(key);
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
