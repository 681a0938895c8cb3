#include "hexa/auth/jwt.hpp"

#include "hexa/auth/base64.hpp"
#include "hexa/rest/json_limits.hpp"

namespace hexa::auth {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxTokenSize = 16 * 1024;

struct Parts {
  std::string_view header, payload, signature, signed_part;
};

std::optional<Parts> split(std::string_view token) {
  if (token.size() > kMaxTokenSize) return std::nullopt;
  const auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return std::nullopt;
  Parts p{token.substr(0, first), token.substr(first + 1, second - first - 1),
          token.substr(second + 1), token.substr(0, second)};
  if (p.header.empty() || p.payload.empty() || p.signature.empty()) return std::nullopt;
  return p;
}

std::optional<Json> json_object(std::string_view base64url) {
  const auto text = base64url_decode(base64url);
  if (!text || !rest::within_json_depth(*text)) return std::nullopt;  // a client's bytes
  Json doc = Json::parse(*text, nullptr, false);
  if (!doc.is_object()) return std::nullopt;
  return doc;
}

std::string string_member(const Json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> numeric_date(const Json& claims, const char* name) {
  const auto it = claims.find(name);
  if (it == claims.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

bool names_audience(const Json& claims, const std::string& audience) {
  const auto it = claims.find("aud");
  if (it == claims.end()) return false;
  if (it->is_string()) return *it == audience;
  if (!it->is_array()) return false;
  for (const auto& a : *it)
    if (a.is_string() && a == audience) return true;
  return false;
}

JwtError check_claims(const Json& claims, const JwtPolicy& policy,
                      std::chrono::system_clock::time_point now) {
  const double seconds = std::chrono::duration<double>(now.time_since_epoch()).count();
  const double leeway = static_cast<double>(policy.leeway.count());
  const auto exp = numeric_date(claims, "exp");
  if (!exp || seconds >= *exp + leeway) return JwtError::Expired;  // an access token must end
  if (claims.contains("nbf")) {
    const auto nbf = numeric_date(claims, "nbf");
    if (!nbf) return JwtError::Malformed;
    if (seconds + leeway < *nbf) return JwtError::NotYetValid;
  }
  if (string_member(claims, "iss") != policy.issuer) return JwtError::Issuer;
  if (!names_audience(claims, policy.audience)) return JwtError::Audience;
  return JwtError::None;
}

}  // namespace

std::string_view describe(JwtError error) {
  switch (error) {
    case JwtError::None: return "valid";
    case JwtError::Malformed: return "the token is malformed";
    case JwtError::Algorithm: return "the token's algorithm is not accepted";
    case JwtError::UnknownKey: return "the token's signing key is unknown";
    case JwtError::Signature: return "the token's signature is invalid";
    case JwtError::Expired: return "the token has expired";
    case JwtError::NotYetValid: return "the token is not valid yet";
    case JwtError::Issuer: return "the token's issuer is not trusted";
    case JwtError::Audience: return "the token is not meant for this audience";
  }
  return "invalid token";
}

std::optional<JwtHeader> peek_header(std::string_view token) {
  const auto parts = split(token);
  if (!parts) return std::nullopt;
  const auto header = json_object(parts->header);
  if (!header) return std::nullopt;
  return JwtHeader{string_member(*header, "alg"), string_member(*header, "kid")};
}

std::string sign_jwt(const nlohmann::json& claims, const RsaKey& key, std::string_view kid) {
  const Json header = {{"alg", "RS256"}, {"typ", "at+jwt"}, {"kid", kid}};
  std::string out = base64url_encode(header.dump());
  out += '.';
  out += base64url_encode(claims.dump());
  const auto signature = base64url_encode(key.sign(out));
  out += '.';
  out += signature;
  return out;
}

VerifiedJwt verify_jwt(std::string_view token, const KeySet& keys, const JwtPolicy& policy,
                       std::chrono::system_clock::time_point now) {
  const auto parts = split(token);
  if (!parts) return {JwtError::Malformed, {}};
  const auto header = json_object(parts->header);
  if (!header) return {JwtError::Malformed, {}};
  // Pinned: the token's own "alg" never chooses how it is checked.
  if (string_member(*header, "alg") != "RS256") return {JwtError::Algorithm, {}};
  if (header->contains("crit")) return {JwtError::Malformed, {}};  // extensions we must not ignore
  const RsaKey* key = keys.find(string_member(*header, "kid"));
  if (!key) return {JwtError::UnknownKey, {}};
  const auto signature = base64url_decode(parts->signature);
  if (!signature || !key->verify(parts->signed_part, *signature)) return {JwtError::Signature, {}};
  auto claims = json_object(parts->payload);
  if (!claims) return {JwtError::Malformed, {}};
  if (const auto error = check_claims(*claims, policy, now); error != JwtError::None)
    return {error, {}};
  return {JwtError::None, std::move(*claims)};
}

}  // namespace hexa::auth
