#include "hexa/gateway/jwks_cache.hpp"

#include <spdlog/spdlog.h>

namespace hexa::gateway {

JwksCache::JwksCache(http::Client& client, JwksOptions options, resilience::Clock clock)
    : client_(client), options_(std::move(options)), clock_(std::move(clock)) {}

void JwksCache::with_keys(const std::string& kid, std::function<void(Keys)> then) {
  using std::chrono::milliseconds;
  const auto now = clock_();
  Keys keys;
  bool answer_now = true;
  bool start = false;
  {
    std::lock_guard lock(mutex_);
    const auto since_attempt = last_attempt_ ? now - *last_attempt_ : resilience::TimePoint::duration::max();
    const milliseconds retry_after = keys_ ? milliseconds(options_.refetch_unknown_after) : options_.retry_failed_after;
    if (keys_ && keys_->find(kid)) {
      start = refresh_due(now);  // a known key: answer now, refresh behind the caller's back
    } else if (fetching_ || since_attempt >= retry_after) {
      answer_now = false;  // the fetch in flight, or the one started here, answers
      waiting_.push_back(std::move(then));
      start = !fetching_;
    }  // else too soon to ask again: the token is judged on the keys we have
    keys = keys_;
    if (start) {
      fetching_ = true;
      last_attempt_ = now;
    }
  }
  if (start) fetch();
  if (answer_now) then(std::move(keys));
}

bool JwksCache::refresh_due(resilience::TimePoint now) const {
  const bool retry_allowed = !last_attempt_ || now - *last_attempt_ >= options_.retry_failed_after;
  return keys_ && !fetching_ && now - fetched_at_ >= options_.refresh_after && retry_allowed;
}

JwksCache::Keys JwksCache::current() {
  const auto now = clock_();
  Keys keys;
  bool start = false;
  {
    std::lock_guard lock(mutex_);
    start = refresh_due(now);
    if (start) {
      fetching_ = true;
      last_attempt_ = now;
    }
    keys = keys_;
  }
  if (start) fetch();
  return keys;
}

void JwksCache::fetch() {
  http::Request req{http::Verb::get, options_.path, 11};
  client_.async_send(options_.endpoint, std::move(req), options_.timeout,
                     [this](http::Reply reply) { fetched(std::move(reply)); });
}

void JwksCache::fetched(http::Reply reply) {
  Keys parsed;
  if (reply.answered() && reply.response.result() == http::Status::ok) {
    try {
      parsed = std::make_shared<const auth::KeySet>(auth::KeySet::parse(reply.response.body()));
    } catch (const std::invalid_argument& e) {
      spdlog::warn("gateway: the key set at {}{} is not usable: {}", options_.endpoint.str(), options_.path, e.what());
    }
  } else {
    spdlog::warn("gateway: cannot fetch the key set from {}{}: {}", options_.endpoint.str(), options_.path,
                 reply.answered() ? "status " + std::to_string(reply.response.result_int()) : reply.error);
  }
  std::vector<std::function<void(Keys)>> waiting;
  Keys keys;
  {
    std::lock_guard lock(mutex_);
    if (parsed) {
      keys_ = std::move(parsed);
      fetched_at_ = clock_();
    }
    fetching_ = false;
    waiting.swap(waiting_);
    keys = keys_;  // a failed refresh keeps the keys we had
  }
  for (auto& then : waiting) then(keys);
}

}  // namespace hexa::gateway
