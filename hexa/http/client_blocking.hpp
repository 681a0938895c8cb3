#pragma once
// Private to hexa/http: Client::send() on the caller's own thread. A worker that waits for the
// answer anyway does the I/O itself, with no hand-off to the client's I/O thread and back
// (contract's CPU per contract 0.214 -> 0.194 ms, one pair of runs). Its own keep-alive
// connections, behind a lock, and the rules of an asynchronous Call (client_call.hpp): Refused
// only when nothing was sent; one retry on a fresh connection when a reused one fails before
// any byte of answer, and then only a request that may arrive twice.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "hexa/events/unique_fd.hpp"
#include "hexa/http/client.hpp"

namespace hexa::http::detail {

class BlockingCalls {
 public:
  using Clock = std::chrono::steady_clock;
  explicit BlockingCalls(const ClientOptions& options) : options_(options) {}
  ~BlockingCalls();  // ends the calls in progress (Refused or Broken) and waits for them
  BlockingCalls(const BlockingCalls&) = delete;
  BlockingCalls& operator=(const BlockingCalls&) = delete;

  Reply send(const Endpoint& to, Request req, Clock::time_point deadline);

 private:
  struct Attempt;
  Reply attempt(const Endpoint& to, const std::string& key, const Request& req, const std::string& wire,
                Clock::time_point deadline, bool may_retry);
  UniqueFd take(const std::string& key);
  void put(const std::string& key, UniqueFd fd);
  bool enter(int fd);  // registers a call's socket, so closing can end it; false when closing
  void leave(int fd);

  const ClientOptions options_;
  std::mutex mutex_;
  std::condition_variable left_;
  bool closing_ = false;
  std::unordered_map<std::string, std::vector<UniqueFd>> idle_;
  std::unordered_set<int> active_;
};

}  // namespace hexa::http::detail
