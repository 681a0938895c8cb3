#pragma once
// Between an rpc's messages and the REST call it stands for (proto_schema.hpp): a request
// message becomes the http::Request the resource would get from a REST client, and the
// resource's answer becomes the reply message or a gRPC status with REST's own message.
//   400, 413, 415 INVALID_ARGUMENT   401 UNAUTHENTICATED   403 PERMISSION_DENIED
//   404 NOT_FOUND   405 UNIMPLEMENTED   409 FAILED_PRECONDITION (a state change refused)
//   429 RESOURCE_EXHAUSTED   503 UNAVAILABLE (Retry-After kept as trailing metadata)
//   504 DEADLINE_EXCEEDED   any other failure INTERNAL
#include <grpcpp/support/status.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "hexa/grpc/proto_schema.hpp"

namespace hexa::grpc {

struct CallContext {
  std::multimap<std::string, std::string> metadata;  // the client's, lower-case keys
  std::optional<std::chrono::system_clock::time_point> deadline;
  std::string authority;
};

// Throws std::invalid_argument (an INVALID_ARGUMENT for the client) when a field cannot be put
// in a path or query.
http::Request to_request(const Rpc& rpc, const pb::Message& in, const CallContext& call);

struct Reply {
  ::grpc::Status status;
  std::optional<std::string> retry_after;  // seconds, from a 503
};
// Fills `out` from a 2xx answer's body; else the status only.
Reply to_reply(const Rpc& rpc, const http::Response& res, pb::Message& out);

::grpc::StatusCode status_code_of(unsigned http_status);

}  // namespace hexa::grpc
