#include "hexa/docs/contracts.hpp"

#include <algorithm>

namespace hexa::docs {
namespace {

using rest::Json;

// The fields the consumer sends on create: all of T's but the key the provider numbers
// (Remote<T>::create drops "id" and a generated key).
Json sent_fields(const Json& remote) {
  Json out = Json::array();
  for (const auto& f : remote["fields"]) {
    const std::string name = f["name"];
    if (name == "id" || (name == remote["key"] && remote["generatedKey"].get<bool>())) continue;
    out.push_back(f);
  }
  return out;
}

Json relied_fields(const Json& remote) {
  Json out = Json::array();
  for (const auto& f : remote["fields"]) out.push_back({{"name", f["name"]}, {"kind", f["kind"]}});
  return out;
}

bool uses(const Json& remote, const char* use) {
  return std::ranges::find(remote["uses"], Json(use)) != remote["uses"].end();
}

// The calls the consumer's code makes (Remote<T>'s create, find, command: remote_uses.hpp).
Json contract(const std::string& consumer, const Json& remote) {
  const std::string path = remote["path"], key = remote["key"];
  Json calls = Json::array();
  if (uses(remote, "create")) calls.push_back("POST " + path);
  if (uses(remote, "find") || uses(remote, "command")) calls.push_back("GET " + path + "/{" + key + "}");
  if (uses(remote, "command")) calls.push_back("PATCH " + path + "/{" + key + "}");
  Json c{{"consumer", consumer}, {"provider", remote["service"]}, {"aggregate", remote["aggregate"]},
         {"path", path}, {"uses", remote["uses"]}, {"calls", calls}};
  if (uses(remote, "create")) c["request"] = {{"method", "POST"}, {"path", path}, {"fields", sent_fields(remote)}};
  c["response"] = {{"status", Json::array({200, 201})}, {"reliesOn", relied_fields(remote)}};
  c["findsBy"] = {{"field", key}, {"path", path + "/{" + key + "}"}};
  return c;
}

}  // namespace

Files contracts(const std::vector<Json>& descriptions) {
  Files out;
  for (const auto& d : descriptions) {
    const std::string consumer = d["service"];
    for (const auto& r : d["remotes"]) {
      const std::string file = "contracts/" + consumer + "-to-" + r["service"].get<std::string>() + "-" +
                               r["path"].get<std::string>().substr(1) + ".json";
      out[file] = contract(consumer, r).dump(2) + "\n";
    }
  }
  return out;
}

}  // namespace hexa::docs
