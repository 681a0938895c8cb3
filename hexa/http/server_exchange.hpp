#pragma once
// Private to hexa/http: one request's answer slot, shared by every copy of its Responder.
// It answers once; when the last copy dies unanswered (a handler forgot, or threw) the client
// still gets a 500 instead of a connection that hangs.
#include <atomic>
#include <memory>
#include <string>

#include "hexa/http/message.hpp"

namespace hexa::http::detail {

class Session;

class Exchange {
 public:
  Exchange(std::shared_ptr<Session> session, const Request& req);
  ~Exchange();
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  void answer(Response res);  // any thread; a second answer is a handler bug and is dropped
  void fail(const std::string& why);  // a 500, unless answered already
  // Answers with a stream (event_stream.hpp); null when answered already.
  std::shared_ptr<EventStream> stream(Response head);

 private:
  std::shared_ptr<Session> session_;
  std::string target_;
  unsigned version_;
  bool keep_alive_;
  std::atomic<bool> answered_{false};
};

}  // namespace hexa::http::detail
