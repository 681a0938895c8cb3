#pragma once
// Private to hexa/gateway: how a request is passed on and its answer passed back.
#include <cstdint>

#include "hexa/http/message.hpp"
#include "hexa/http/server.hpp"

namespace hexa::gateway {

// Headers only the gateway writes, which services believe: X-Auth-* (who calls),
// X-Request-Deadline (until when an answer is awaited), X-Hexa-*. Whatever a client sent under
// these names is removed; the gateway sets its own. (X-Forwarded-* are dealt with by
// rest::ForwardedHeaders::admit: a client's are dropped unless it is a trusted proxy.)
void strip_internal_headers(http::Request& req);

// The client's request as the service should see it: hop-by-hop headers gone, the original
// Host kept (the server checked it), X-Forwarded-For/-Proto/-Host/-Port added where a trusted
// proxy or the public URL did not say them, so that the service builds Location and links
// with the address the client used.
http::Request upstream_request(http::Request&& req, const http::Peer& peer,
                               std::uint16_t gateway_port);

// The service's answer as the client should see it: hop-by-hop headers gone.
void downstream_response(http::Response& res);

}  // namespace hexa::gateway
