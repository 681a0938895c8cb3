#include "hexa/http/server_exchange.hpp"

#include <spdlog/spdlog.h>

#include "hexa/http/server_session.hpp"

namespace hexa::http::detail {

Exchange::Exchange(std::shared_ptr<Session> session, const Request& req)
    : session_(std::move(session)),
      target_(req.target()),
      version_(req.version()),
      keep_alive_(req.keep_alive()) {}

Exchange::~Exchange() {
  try {
    fail("the request was dropped without an answer");
  } catch (...) {  // nothing sensible is left to do in a destructor
  }
}

void Exchange::answer(Response res) {
  if (answered_.exchange(true)) return;
  session_->deliver(std::move(res));
}

std::shared_ptr<EventStream> Exchange::stream(Response head) {
  if (answered_.exchange(true)) return nullptr;
  return session_->open_stream(std::move(head));
}

void Exchange::fail(const std::string& why) {
  if (answered_.exchange(true)) return;
  spdlog::error("http: {} {}", target_, why);
  Request head{Verb::get, target_, version_};
  head.keep_alive(keep_alive_);
  session_->deliver(error_response(head, Status::internal_server_error, "internal error"));
}

}  // namespace hexa::http::detail
