#pragma once
// Private to hexa/gateway: how a request is passed on and its answer passed back.
#include <cstdint>

#include "hexa/http/message.hpp"
#include "hexa/http/server.hpp"

namespace hexa::gateway {

// The client's request as the service should see it: hop-by-hop headers gone, the original
// Host kept, X-Forwarded-For/-Proto/-Host/-Port added, so that the service builds Location
// and links with the address the client used.
http::Request upstream_request(http::Request&& req, const http::Peer& peer,
                               std::uint16_t gateway_port);

// The service's answer as the client should see it: hop-by-hop headers gone.
void downstream_response(http::Response& res);

}  // namespace hexa::gateway
