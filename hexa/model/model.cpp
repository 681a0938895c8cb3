#include "hexa/model/model.hpp"

#include <cctype>
#include <stdexcept>

namespace hexa {

const FieldInfo* ModelInfo::field(std::string_view field_name) const {
  for (const auto& f : fields)
    if (f.name == field_name) return &f;
  return nullptr;
}

bool ModelInfo::generated_key() const {
  const FieldInfo* k = field(key);
  return natural_key() && k && !k->rules.assigned;
}

std::string key_of(const std::string& type_name, const std::vector<FieldInfo>& fields) {
  std::string key;
  for (const auto& f : fields) {
    if (!f.rules.key) continue;
    if (!key.empty())
      throw std::logic_error(type_name + ": two key fields, '" + key + "' and '" + f.name + "'");
    if (f.kind != Kind::Integer && f.kind != Kind::Text)
      throw std::logic_error(type_name + ": key field '" + f.name + "' must be an integer or text");
    key = f.name;
  }
  return key.empty() ? "id" : key;
}

std::string collection_name(std::string_view type_name) {
  std::string s(type_name);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  auto ends_with = [&](std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  auto is_vowel = [](char c) { return std::string_view("aeiou").find(c) != std::string_view::npos; };
  if (ends_with("s") || ends_with("x") || ends_with("ch") || ends_with("sh")) return s + "es";
  if (s.size() > 1 && ends_with("y") && !is_vowel(s[s.size() - 2])) return s.substr(0, s.size() - 1) + "ies";
  if (ends_with("o") && s.size() > 1 && !is_vowel(s[s.size() - 2])) return s + "es";  // roomInfo -> roomInfoes
  return s + "s";
}

}  // namespace hexa
