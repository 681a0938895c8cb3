#include "hexa/auth/jwks.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace hexa::auth {
namespace {

using Json = nlohmann::json;

constexpr unsigned kMinBits = 2048;

std::string text_of(const Json& jwk, const char* member) {
  const auto it = jwk.find(member);
  return it != jwk.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool usable(const Json& jwk) {
  if (!jwk.is_object() || text_of(jwk, "kty") != "RSA" || text_of(jwk, "kid").empty()) return false;
  if (jwk.contains("use") && text_of(jwk, "use") != "sig") return false;
  return !jwk.contains("alg") || text_of(jwk, "alg") == "RS256";
}

}  // namespace

KeySet KeySet::parse(std::string_view json) {
  const Json doc = Json::parse(json, nullptr, false);
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array())
    throw std::invalid_argument("not a JWK set: {\"keys\": [...]} expected");
  KeySet set;
  for (const auto& jwk : doc["keys"]) {
    if (!usable(jwk)) continue;
    try {
      auto key = RsaKey::from_jwk(text_of(jwk, "n"), text_of(jwk, "e"));
      if (key.bits() >= kMinBits) set.add(text_of(jwk, "kid"), std::move(key));
    } catch (const std::invalid_argument&) {
      // One malformed key must not take the others with it.
    }
  }
  return set;
}

void KeySet::add(const std::string& kid, RsaKey key) { keys_.insert_or_assign(kid, std::move(key)); }

const RsaKey* KeySet::find(std::string_view kid) const {
  const auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second;
}

std::string KeySet::to_json() const {
  Json keys = Json::array();
  for (const auto& [kid, key] : keys_) {
    keys.push_back({{"kty", "RSA"}, {"use", "sig"}, {"alg", "RS256"}, {"kid", kid},
                    {"n", key.modulus()}, {"e", key.exponent()}});
  }
  return Json{{"keys", keys}}.dump();
}

}  // namespace hexa::auth
