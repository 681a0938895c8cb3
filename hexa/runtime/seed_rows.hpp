#pragma once
// Seed rows from configuration: items a resource holds from its first start (12번가's stock).
//
//   seed:
//     stocks:                          # a served resource's collection
//       - {productId: 1, qty: 10}
//       - {productId: 2, qty: 5}
//
// At start-up, once the configuration is checked and before any request is served, each row
// whose key is not there yet is created exactly as a POST of it would be: the resource's own
// validation, its idempotent_on, and its on_created, which raises the events it raises (no
// others: Stock's on_created raises none, a resource raising "Created" events would). A row
// already there is left alone, changed or not: restarts and replicas seed once (a replica
// that loses the race gets 409 and takes it as seeded). The rows must carry the resource's
// key, assigned (model.hpp: {.key = true, .assigned = true}); a resource that numbers its items
// itself, or whose creation is guarded (it would call another service at start-up), cannot be
// seeded. A field the model does not declare, a row the resource refuses, or a collection no
// resource serves stops start-up (the last as an unknown key: config.hpp).
#include <functional>
#include <list>
#include <string>
#include <vector>

#include "hexa/config/config.hpp"
#include "hexa/http/message.hpp"
#include "hexa/rest/json_mapping.hpp"
#include "hexa/rest/resource_core.hpp"

namespace hexa {

struct SeedRows {
  std::string collection;
  std::string key_field;
  std::vector<rest::Json> rows;  // each as the body of a POST
};

// Reads seed.<collection> for each served resource; throws std::runtime_error naming the key.
std::vector<SeedRows> read_seed_rows(const Config& config, const std::list<rest::ResourceSpec>& specs);

// Creates the rows not there yet through `answer` (the service's own request handling);
// throws std::runtime_error naming the row a resource refused.
void seed_rows(const std::vector<SeedRows>& seeds, const std::function<http::Response(const http::Request&)>& answer);

}  // namespace hexa
