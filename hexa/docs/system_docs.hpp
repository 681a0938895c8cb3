#pragma once
// The documents of a system, from its services' self-descriptions (`<service> --describe`,
// hexa/runtime/description.hpp), as `hexa describe <system>` writes them under docs/<system>/:
//   event-storming.{mmd,dot}   commands (blue) -> aggregates (yellow) -> events (orange) ->
//                              policies (lilac) and views (green), one box per service
//   context-map.{mmd,dot}      services; solid arrows: request/response with their guard
//                              (timeout, breaker, bulkhead); dotted: pub/sub with the events
//   hexagonal-<service>.{mmd,dot}  inbound adapters, the domain, outbound adapters
//   <service>.describe.json    the description itself
//   <service>.openapi.json     OpenAPI 3.1 (hexa/docs/openapi.hpp)
//   asyncapi.json              AsyncAPI 3.0 of the system's events
//   contracts/<consumer>-to-<provider>-<path>.json  consumer-driven contracts (contracts.hpp)
//   index.md                   what is there
// The SVGs are rendered from the .dot files by the launcher (Graphviz).
#include <map>
#include <string>
#include <vector>

#include "hexa/rest/exact_json.hpp"

namespace hexa::docs {

using Files = std::map<std::string, std::string>;  // file name -> text

Files system_docs(const std::string& system, const std::vector<rest::Json>& descriptions);

rest::Json asyncapi(const std::string& system, const std::vector<rest::Json>& descriptions);

}  // namespace hexa::docs
