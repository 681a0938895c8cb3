#include "hexa/auth/rsa_key.hpp"

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <stdexcept>
#include <vector>

#include "hexa/auth/base64.hpp"
#include "hexa/auth/openssl.hpp"

namespace hexa::auth {
namespace {

std::shared_ptr<EVP_PKEY> shared(EVP_PKEY* raw) { return {raw, EVP_PKEY_free}; }

std::shared_ptr<EVP_PKEY> require_rsa(EVP_PKEY* raw) {
  auto key = shared(raw);
  if (!EVP_PKEY_is_a(key.get(), "RSA")) throw std::invalid_argument("not an RSA key");
  return key;
}

ossl::Bignum bignum_of(std::string_view base64url, const char* name) {
  const auto bytes = base64url_decode(base64url);
  if (!bytes || bytes->empty()) throw std::invalid_argument(std::string("bad JWK \"") + name + "\"");
  ossl::Bignum bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes->data()),
                            static_cast<int>(bytes->size()), nullptr));
  if (!bn) ossl::fail("BN_bin2bn");
  return bn;
}

std::string sha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1)
    ossl::fail("SHA-256");
  return std::string(reinterpret_cast<const char*>(digest), size);
}

}  // namespace

RsaKey RsaKey::generate(unsigned bits) {
  EVP_PKEY* raw = EVP_RSA_gen(bits);
  if (!raw) ossl::fail("RSA key generation");
  return RsaKey(shared(raw));
}

RsaKey RsaKey::from_pem(std::string_view pem) {
  ossl::Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) ossl::fail("BIO_new_mem_buf");
  if (EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr))
    return RsaKey(require_rsa(raw));
  ossl::error_text("");  // not a private key: try the public form on a clean queue
  ossl::Bio again(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (EVP_PKEY* raw = PEM_read_bio_PUBKEY(again.get(), nullptr, nullptr, nullptr))
    return RsaKey(require_rsa(raw));
  throw std::invalid_argument(ossl::error_text("not an RSA key in PEM"));
}

RsaKey RsaKey::from_jwk(std::string_view n, std::string_view e) {
  const auto modulus = bignum_of(n, "n");
  const auto exponent = bignum_of(e, "e");
  ossl::ParamBuilder builder(OSSL_PARAM_BLD_new());
  if (!builder || !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) ||
      !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()))
    ossl::fail("RSA parameters");
  ossl::Params params(OSSL_PARAM_BLD_to_param(builder.get()));
  ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    throw std::invalid_argument(ossl::error_text("bad RSA public key in JWK"));
  return RsaKey(shared(raw));
}

RsaKey::RsaKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {
  BIGNUM* d = nullptr;
  private_ = EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_D, &d) == 1;
  BN_clear_free(d);
  ossl::error_text("");  // a public key's "no d" is an answer, not an error to keep
}

unsigned RsaKey::bits() const { return static_cast<unsigned>(EVP_PKEY_get_bits(key_.get())); }

std::string RsaKey::private_pem() const {
  if (!is_private()) throw std::logic_error("a public key has no private PEM");
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    ossl::fail("PEM_write_bio_PrivateKey");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string RsaKey::number(const char* param) const {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key_.get(), param, &raw) != 1) ossl::fail(param);
  const ossl::Bignum bn(raw);
  std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  return base64url_encode(bytes);
}

std::string RsaKey::modulus() const { return number(OSSL_PKEY_PARAM_RSA_N); }
std::string RsaKey::exponent() const { return number(OSSL_PKEY_PARAM_RSA_E); }

std::string RsaKey::thumbprint() const {
  // Members in lexicographic order, no white space (RFC 7638 3.2-3.3).
  const std::string canonical =
      R"({"e":")" + exponent() + R"(","kty":"RSA","n":")" + modulus() + R"("})";
  return base64url_encode(sha256(canonical));
}

std::string RsaKey::sign(std::string_view data) const {
  if (!is_private()) throw std::logic_error("cannot sign with a public key");
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  std::size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    ossl::fail("RS256 signing");
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    ossl::fail("RS256 signing");
  signature.resize(size);
  return signature;
}

bool RsaKey::verify(std::string_view data, std::string_view signature) const {
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) ossl::fail("EVP_MD_CTX_new");
  // The padding is PKCS#1 v1.5, OpenSSL's default for RSA: exactly RS256, never PSS.
  const bool valid =
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) == 1;
  if (!valid) ossl::error_text("");  // a bad signature is an answer; keep the queue empty
  return valid;
}

}  // namespace hexa::auth
