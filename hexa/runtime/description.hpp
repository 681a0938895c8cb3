#pragma once
// A service's self-description: what `<service> --describe` prints (JSON) and what the
// diagrams, the OpenAPI and the AsyncAPI documents are made from (hexa/docs). Built from the
// declarations alone, so it is known without a store, a bus or a port:
//
//   {"service": "pay", "topic": "carrental",
//    "aggregates": [{"name", "collection", "key", "owner", "fields": [{"name", "kind", "rules"}],
//                    "resource": {"path", "methods", "denied": {verb: reason}, "finders",
//                                 "idempotentOn", "guarded", "postUpdatesByKey", "putRunsCommands"},
//                    "onCreated", "onUpdated", "commands": [{"field", "value", "guarded"}],
//                    "raises": [event names carrying this aggregate]}],
//    "views": [{... as an aggregate, "key": its correlation key, "served", "from": [event names]}],
//    "events": {"raised": [event], "handled": [event + "by": ["policy" | "view MyPage"]]},
//               event = {"name", "key", "aggregate", "fields"}
//    "policies": [{"on", "kind": plain | step | saga, "steps": [local | call]}],
//    "remotes": [{"service", "aggregate", "path", "timeoutMs", "circuitBreaker", "bulkhead",
//                 "retry", "idempotentCreate"}],
//    "channels": [{"name", "kind"}]}
//
// Events raised are those whose uow.raise<E>() is in the program (event_info.hpp).
#include <list>
#include <map>
#include <memory>
#include <string>

#include "hexa/channels/channel.hpp"
#include "hexa/client/remote_caller.hpp"
#include "hexa/rest/exact_json.hpp"
#include "hexa/rest/resource_core.hpp"
#include "hexa/runtime/declarations.hpp"

namespace hexa {

struct ServiceDeclarations {
  const std::string& name;
  std::string topic;  // where its events go (bus.topic)
  const std::list<rest::ResourceSpec>& resources;
  const Declarations& declared;
  const std::map<std::string, std::unique_ptr<RemoteCaller>>& callers;
  const std::map<std::string, std::unique_ptr<Channel>>& channels;
};

rest::Json describe(const ServiceDeclarations& d);

// The JSON of one field list and of one event, as in the description.
rest::Json fields_json(const std::vector<FieldInfo>& fields);
rest::Json event_json(const EventInfo& e);

}  // namespace hexa
