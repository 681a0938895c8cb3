#pragma once
// The gRPC inbound adapter: serves a service's ProtoSchema (proto_schema.hpp) on its own port,
// beside REST. Each call is decoded, made into the REST request it stands for (transcode.hpp)
// and handed to the service's own dispatch, the one its HTTP server uses: inbound bulkheads,
// fault injection, metrics, the worker pool and the resource's code are the same for both.
// Like the REST port, it trusts its callers as a service port does (loopback or the cluster;
// the gateway stays the only door from outside): metadata arrives as the request's headers,
// and the dispatch gets the caller's address, so the service checks both ports' calls at one
// door (forwarded headers trusted only from its proxy).
// Set `grpc.port` (GRPC_PORT) to serve it; 0, the default, serves no gRPC.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "hexa/http/message.hpp"
#include "hexa/http/server.hpp"
#include "hexa/rest/exact_json.hpp"

namespace hexa::grpc {

class GrpcServer {
 public:
  // Listens on address:port (0: a free port, see port()). Throws std::runtime_error when it
  // cannot listen.
  GrpcServer(const rest::Json& description, http::PeerDispatch dispatch, const std::string& address, int port);
  ~GrpcServer();
  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;

  int port() const;
  // Stops taking calls and waits up to `grace` for those in flight.
  void stop(std::chrono::milliseconds grace);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hexa::grpc
