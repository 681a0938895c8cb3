#include "hexa/gateway/verified_tokens.hpp"

namespace hexa::gateway {
namespace {

double seconds_of(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

double number_or(const nlohmann::json& claims, const char* name, double fallback) {
  const auto it = claims.find(name);
  return it != claims.end() && it->is_number() ? it->get<double>() : fallback;
}

}  // namespace

std::optional<Identity> VerifiedTokens::find(std::string_view token, const Keys& keys,
                                             std::chrono::system_clock::time_point now,
                                             std::chrono::seconds leeway) const {
  const double at = seconds_of(now);
  const auto skew = static_cast<double>(leeway.count());
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(token);
  if (it == entries_.end() || it->second.keys != keys) return std::nullopt;
  // The same rules as auth::verify_jwt's: exp is required (verified), nbf optional.
  if (at >= it->second.exp + skew || at + skew < it->second.nbf) return std::nullopt;
  return it->second.identity;
}

void VerifiedTokens::remember(const std::string& token, const Keys& keys, const nlohmann::json& claims) {
  if (capacity_ == 0) return;  // remembering is off: every request is verified
  Entry entry{keys, Identity::from_claims(claims), number_or(claims, "exp", 0), number_or(claims, "nbf", 0)};
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_) {
    // Dropping everything is crude but bounded and rare: a full cache only costs re-verifying.
    entries_.clear();
  }
  entries_.insert_or_assign(token, std::move(entry));
}

std::size_t VerifiedTokens::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace hexa::gateway
