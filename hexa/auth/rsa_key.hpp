#pragma once
// An RSA key for RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 3.3): generated, read from or
// written to PEM, or built from a JWK's modulus and exponent. Immutable once built, so copies
// share one OpenSSL key and may sign or verify from several threads at once.
#include <memory>
#include <string>
#include <string_view>

#include <openssl/evp.h>

namespace hexa::auth {

class RsaKey {
 public:
  static RsaKey generate(unsigned bits = 2048);
  // A private key (PKCS#8 or PKCS#1 PEM) or a public one (SubjectPublicKeyInfo PEM).
  static RsaKey from_pem(std::string_view pem);
  // A public key from a JWK's "n" and "e" (base64url, big-endian).
  static RsaKey from_jwk(std::string_view n, std::string_view e);

  bool is_private() const { return private_; }
  unsigned bits() const;
  std::string private_pem() const;  // PKCS#8; throws when the key is public only
  std::string modulus() const;      // JWK "n"
  std::string exponent() const;     // JWK "e"
  // RFC 7638 thumbprint: base64url(SHA-256 of {"e","kty","n"}); our key ids.
  std::string thumbprint() const;

  std::string sign(std::string_view data) const;  // throws when the key is public only
  bool verify(std::string_view data, std::string_view signature) const;

 private:
  explicit RsaKey(std::shared_ptr<EVP_PKEY> key);
  std::string number(const char* param) const;

  std::shared_ptr<EVP_PKEY> key_;
  bool private_ = false;
};

}  // namespace hexa::auth
