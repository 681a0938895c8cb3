#pragma once
// Private to hexa/gateway: one request on its way through the gateway. Shared by the steps
// that may run on other threads (a key-set fetch, the upstream call, a retry).
#include <optional>
#include <string>

#include "hexa/gateway/access_log.hpp"
#include "hexa/gateway/routes.hpp"
#include "hexa/http/message.hpp"
#include "hexa/http/server.hpp"

namespace hexa::gateway {

struct Call {
  http::Request head;     // method, target, version, keep-alive, Origin: what answers need
  http::Request request;  // as it goes upstream
  http::Peer peer;
  http::Responder respond;
  AccessRecord record;
  std::string route = "NOT_FOUND";  // the route's id, as the requests metric labels it
  Upstream* upstream = nullptr;
  std::optional<std::size_t> instance;  // the one tried last
  int retries_left = 0;
  bool streamed = false;  // a GET for an event stream: relayed as it arrives (stream_relay.hpp)
};

}  // namespace hexa::gateway
