#pragma once
// Private to hexa/gateway: tokens that already passed every check against a given key set.
// The same bytes under the same key set need no second RSA verification and JSON parse; the
// time claims are checked again on every use, since only they change their verdict. Bounded;
// thread-safe.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hexa/auth/jwks.hpp"
#include "hexa/gateway/identity.hpp"

namespace hexa::gateway {

class VerifiedTokens {
 public:
  using Keys = std::shared_ptr<const auth::KeySet>;
  explicit VerifiedTokens(std::size_t capacity = 10'000) : capacity_(capacity) {}  // 0: off

  // The caller's identity when `token` was verified with `keys` (the same set, not an equal
  // one) and is still within its exp and nbf (with `leeway`) at `now`.
  std::optional<Identity> find(std::string_view token, const Keys& keys, std::chrono::system_clock::time_point now,
                               std::chrono::seconds leeway) const;
  // `claims` are the verified token's.
  void remember(const std::string& token, const Keys& keys, const nlohmann::json& claims);
  std::size_t size() const;

 private:
  struct Entry {
    Keys keys;  // held, so a new set can never be mistaken for it at the same address
    Identity identity;
    double exp = 0;
    double nbf = 0;
  };

  struct Hash {  // looks tokens up without copying them
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

}  // namespace hexa::gateway
