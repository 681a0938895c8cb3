#pragma once
// A JSON Web Key Set (RFC 7517): the public keys that verify tokens, by key id.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "hexa/auth/rsa_key.hpp"

namespace hexa::auth {

class KeySet {
 public:
  // Keeps only what can verify an RS256 token: kty "RSA", a kid, no other "use" than "sig",
  // no other "alg" than "RS256", at least 2048 bits. Anything else is skipped, as RFC 7517 5
  // asks. Throws std::invalid_argument when the text is not a JWKS at all.
  static KeySet parse(std::string_view json);

  void add(const std::string& kid, RsaKey key);
  const RsaKey* find(std::string_view kid) const;  // null when unknown
  std::size_t size() const { return keys_.size(); }
  // {"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":...,"n":...,"e":...}]}: public parts only.
  std::string to_json() const;

 private:
  std::map<std::string, RsaKey, std::less<>> keys_;
};

}  // namespace hexa::auth
