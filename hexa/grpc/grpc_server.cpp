#include "hexa/grpc/grpc_server.hpp"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

#include <charconv>
#include <stdexcept>

#include "hexa/grpc/proto_schema.hpp"
#include "hexa/grpc/transcode.hpp"

namespace hexa::grpc {
namespace {

bool parse(const ::grpc::ByteBuffer& buffer, pb::Message& m) {
  ::grpc::Slice slice;
  if (!buffer.DumpToSingleSlice(&slice).ok()) return false;
  return m.ParseFromArray(slice.begin(), static_cast<int>(slice.size()));
}

::grpc::ByteBuffer serialized(const pb::Message& m) {
  const std::string bytes = m.SerializeAsString();
  ::grpc::Slice slice(bytes);
  return ::grpc::ByteBuffer(&slice, 1);
}

CallContext context_of(::grpc::GenericCallbackServerContext& ctx) {
  CallContext call;
  for (const auto& [key, value] : ctx.client_metadata())
    call.metadata.emplace(std::string(key.data(), key.size()), std::string(value.data(), value.size()));
  if (ctx.deadline() != std::chrono::system_clock::time_point::max()) call.deadline = ctx.deadline();
  call.authority = ctx.host();
  return call;
}

// gRPC names a peer "ipv4:127.0.0.1:5000" or "ipv6:[::1]:5000"; anything else has no address.
http::Peer peer_of(const std::string& uri) {
  const auto colon = uri.find(':');
  const auto last = uri.rfind(':');
  if (colon == std::string::npos || last == colon) return {};
  std::string address = uri.substr(colon + 1, last - colon - 1);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') address = address.substr(1, address.size() - 2);
  std::uint16_t port = 0;
  std::from_chars(uri.data() + last + 1, uri.data() + uri.size(), port);
  return {address, port};
}

// One unary call on the generic (bidi) API: read the request, dispatch, write the reply.
// gRPC owns it from CreateReactor to OnDone, where it deletes itself (the callback API's rule).
class UnaryCall final : public ::grpc::ServerGenericBidiReactor {
 public:
  UnaryCall(::grpc::GenericCallbackServerContext& ctx, const ProtoSchema& schema, const http::PeerDispatch& dispatch)
      : ctx_(ctx), rpc_(schema.find(ctx.method())), dispatch_(dispatch) {
    if (rpc_) StartRead(&in_);
    else Finish(::grpc::Status(::grpc::StatusCode::UNIMPLEMENTED, "no method " + ctx.method()));
  }

  void OnReadDone(bool ok) override {
    if (!ok) return Finish(::grpc::Status(::grpc::StatusCode::INVALID_ARGUMENT, "no request message"));
    std::unique_ptr<pb::Message> request(rpc_->input->New());
    if (!parse(in_, *request))
      return Finish(::grpc::Status(::grpc::StatusCode::INVALID_ARGUMENT,
                                   "the request is not a " + rpc_->input->GetDescriptor()->full_name()));
    http::Request req;
    try {
      req = to_request(*rpc_, *request, context_of(ctx_));
    } catch (const std::exception& e) {
      return Finish(::grpc::Status(::grpc::StatusCode::INVALID_ARGUMENT, e.what()));
    }
    dispatch_(std::move(req), peer_of(ctx_.peer()), [this](http::Response res) { answer(res); });
  }

  void OnDone() override { delete this; }

 private:
  void answer(const http::Response& res) {  // on whichever thread the resource answered
    reply_.reset(rpc_->output->New());
    const auto reply = to_reply(*rpc_, res, *reply_);
    if (reply.retry_after) ctx_.AddTrailingMetadata("retry-after", *reply.retry_after);
    if (!reply.status.ok()) return Finish(reply.status);
    out_ = serialized(*reply_);
    StartWriteAndFinish(&out_, ::grpc::WriteOptions(), ::grpc::Status::OK);
  }

  ::grpc::GenericCallbackServerContext& ctx_;
  const Rpc* rpc_;
  const http::PeerDispatch& dispatch_;
  ::grpc::ByteBuffer in_;
  ::grpc::ByteBuffer out_;
  std::unique_ptr<pb::Message> reply_;
};

class Service final : public ::grpc::CallbackGenericService {
 public:
  Service(const ProtoSchema& schema, http::PeerDispatch dispatch) : schema_(schema), dispatch_(std::move(dispatch)) {}
  ::grpc::ServerGenericBidiReactor* CreateReactor(::grpc::GenericCallbackServerContext* ctx) override {
    return new UnaryCall(*ctx, schema_, dispatch_);
  }

 private:
  const ProtoSchema& schema_;
  http::PeerDispatch dispatch_;
};

}  // namespace

struct GrpcServer::Impl {
  Impl(const rest::Json& description, http::PeerDispatch dispatch)
      : schema(description, package_of(description)), service(schema, std::move(dispatch)) {}
  ProtoSchema schema;
  Service service;
  std::unique_ptr<::grpc::Server> server;
  int port = 0;
};

GrpcServer::GrpcServer(const rest::Json& description, http::PeerDispatch dispatch, const std::string& address, int port)
    : impl_(std::make_unique<Impl>(description, std::move(dispatch))) {
  ::grpc::ServerBuilder builder;
  builder.AddListeningPort(address + ":" + std::to_string(port), ::grpc::InsecureServerCredentials(), &impl_->port);
  builder.RegisterCallbackGenericService(&impl_->service);
  impl_->server = builder.BuildAndStart();
  if (!impl_->server || impl_->port == 0)
    throw std::runtime_error("gRPC cannot listen on " + address + ":" + std::to_string(port));
}

GrpcServer::~GrpcServer() { stop(std::chrono::milliseconds(0)); }

int GrpcServer::port() const { return impl_->port; }

void GrpcServer::stop(std::chrono::milliseconds grace) {
  if (!impl_->server) return;
  impl_->server->Shutdown(std::chrono::system_clock::now() + grace);
  impl_->server->Wait();
  impl_->server.reset();
}

}  // namespace hexa::grpc
