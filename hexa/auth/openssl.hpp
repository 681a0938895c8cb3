#pragma once
// OpenSSL's handles owned by unique_ptr (freed on every path, errors included), and its error
// queue turned into exceptions. Used by hexa/auth and by the gateway's token checks.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <string>
#include <string_view>

namespace hexa::auth::ossl {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* handle) const { Free(handle); }
};

using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ParamBuilder = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;

// "what: <OpenSSL's reasons>"; empties this thread's error queue so a later call starts clean.
std::string error_text(std::string_view what);
// Throws std::runtime_error(error_text(what)).
[[noreturn]] void fail(std::string_view what);

// `count` bytes from OpenSSL's CSPRNG (thread-safe, no state of ours); throws if it cannot.
std::string random_bytes(std::size_t count);
// Lower-case hex of `bytes`.
std::string hex(std::string_view bytes);

}  // namespace hexa::auth::ossl
