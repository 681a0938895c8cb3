#include "hexa/auth/openssl.hpp"

#include <openssl/err.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace hexa::auth::ossl {

std::string error_text(std::string_view what) {
  std::string text(what);
  const char* separator = ": ";
  while (const unsigned long code = ERR_get_error()) {
    char reason[256];
    ERR_error_string_n(code, reason, sizeof reason);
    text += separator;
    text += reason;
    separator = "; ";
  }
  return text;
}

void fail(std::string_view what) { throw std::runtime_error(error_text(what)); }

std::string random_bytes(std::size_t count) {
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1)
    fail("RAND_bytes");
  return bytes;
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const unsigned char b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
  return out;
}

}  // namespace hexa::auth::ossl
