#include "hexa/auth/password.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <charconv>
#include <optional>
#include <vector>

#include "hexa/auth/base64.hpp"
#include "hexa/auth/openssl.hpp"

namespace hexa::auth {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr unsigned kMinIterations = 1'000;
constexpr unsigned kMaxIterations = 10'000'000;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

struct Encoded {
  unsigned iterations = 0;
  std::string salt;
  std::string hash;
};

std::string derive(std::string_view password, std::string_view salt, unsigned iterations) {
  std::string out(kHashBytes, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        static_cast<int>(iterations), EVP_sha256(), static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1)
    ossl::fail("PBKDF2");
  return out;
}

// "scheme$iterations$salt$hash" -> its parts, or nullopt.
std::optional<Encoded> parse(std::string_view text) {
  std::vector<std::string_view> fields;
  for (std::size_t from = 0;;) {
    const auto dollar = text.find('$', from);
    fields.push_back(text.substr(from, dollar - from));
    if (dollar == std::string_view::npos) break;
    from = dollar + 1;
  }
  if (fields.size() != 4 || fields[0] != kScheme) return std::nullopt;
  Encoded e;
  const auto [end, error] = std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), e.iterations);
  if (error != std::errc{} || end != fields[1].data() + fields[1].size()) return std::nullopt;
  if (e.iterations < kMinIterations || e.iterations > kMaxIterations) return std::nullopt;
  auto salt = base64url_decode(fields[2]);
  auto hash = base64url_decode(fields[3]);
  if (!salt || salt->size() < 8 || !hash || hash->size() != kHashBytes) return std::nullopt;
  e.salt = std::move(*salt);
  e.hash = std::move(*hash);
  return e;
}

}  // namespace

std::string hash_password(std::string_view password, unsigned iterations) {
  const auto salt = ossl::random_bytes(kSaltBytes);
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + base64url_encode(salt) +
         "$" + base64url_encode(derive(password, salt, iterations));
}

bool is_password_hash(std::string_view encoded) { return parse(encoded).has_value(); }

std::optional<unsigned> hash_iterations(std::string_view encoded) {
  const auto e = parse(encoded);
  return e ? std::optional<unsigned>(e->iterations) : std::nullopt;
}

bool verify_password(std::string_view password, std::string_view encoded) {
  const auto e = parse(encoded);
  if (!e) return false;
  const auto derived = derive(password, e->salt, e->iterations);
  return CRYPTO_memcmp(derived.data(), e->hash.data(), kHashBytes) == 0;
}

}  // namespace hexa::auth
