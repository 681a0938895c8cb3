#pragma once
// A service's gRPC face, derived from what it declares (its --describe JSON), never written by
// hand: one gRPC service per served aggregate or view, and each rpc stands for exactly one REST
// call of that resource, so that gRPC drives the same validation, commands, guards, ownership,
// events and errors as REST (grpc_server.hpp sends it through the same dispatch).
//
// For an aggregate Contract at /contracts, keyed by id, allowing GET, POST and PATCH:
//   service ContractService {
//     rpc Create(Contract) returns (Contract);            // POST /contracts
//     rpc Get(ContractKey) returns (Contract);            // GET /contracts/{id}
//     rpc List(ContractListRequest) returns (ContractPage); // GET /contracts?page=&size=&sort=
//     rpc Update(ContractChange) returns (Contract);      // PATCH /contracts/{id}
//     rpc Replace(ContractChange) returns (Contract);     // PUT, where allowed
//     rpc FindByCustName(ContractByCustName) returns (ContractPage);  // each declared finder
//   }
// A view gets List and its finders. Fields keep the declared names and kinds (integer: int64;
// text, decimal and timestamp: string, a decimal's digits exact) and are all `optional`, so
// that an Update sends only what it sets (PATCH). Field numbers follow declaration order.
// A guarded aggregate's message also carries `pending` (an outcome not settled yet: REST's 202).
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hexa/http/message.hpp"
#include "hexa/rest/exact_json.hpp"

namespace hexa::grpc {

namespace pb = google::protobuf;

// A guarded item's `_pending` (REST) is this field of its message: a proto name has no `_`.
inline constexpr std::string_view kPendingField = "pending";

// How one rpc becomes a REST call, and its answer a message.
struct Rpc {
  http::Verb verb;
  std::string path;                 // "/contracts", "/contracts/{key}", "/pays/search/findByContractId"
  std::string key_field;            // the request field that fills {key}; empty: none
  std::vector<std::string> query;   // request fields sent as query parameters
  std::string body;                 // "": no body; "*": the request itself; else that message field
  std::string collection;           // the answer is a page of _embedded.<collection>; empty: an item
  const pb::Message* input = nullptr;   // prototypes (New() is thread-safe)
  const pb::Message* output = nullptr;
};

class ProtoSchema {
 public:
  // `package`: the proto package, e.g. "carrental.contract". Throws std::invalid_argument for a
  // description it cannot map.
  ProtoSchema(const rest::Json& description, const std::string& package);
  ProtoSchema(const ProtoSchema&) = delete;
  ProtoSchema& operator=(const ProtoSchema&) = delete;

  // "/carrental.contract.ContractService/Create" -> its binding; null when unknown.
  const Rpc* find(std::string_view method) const;
  std::vector<std::string> methods() const;
  bool empty() const { return rpcs_.empty(); }
  // The .proto a client compiles (grpcurl -proto, grpcio-tools, ghz).
  std::string proto_text() const;

 private:
  pb::DescriptorPool pool_;
  pb::DynamicMessageFactory factory_{&pool_};
  const pb::FileDescriptor* file_ = nullptr;
  std::map<std::string, Rpc, std::less<>> rpcs_;
};

// The package a service's schema lives in: "<system>.<service>" (names made proto identifiers).
std::string package_of(const rest::Json& description);

}  // namespace hexa::grpc
