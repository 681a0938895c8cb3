#include "hexa/docs/contracts.hpp"

#include <algorithm>

#include "hexa/rest/resource_core.hpp"

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

// Where the consumer finds an item by `field`: by the key, the item itself; else its search.
std::string find_path(const std::string& path, const std::string& key, const std::string& field) {
  if (field == key) return path + "/{" + key + "}";
  return path + "/search/" + rest::finder_name(field) + "?" + field + "={" + field + "}";
}

// The calls the consumer's code makes (Remote<T>'s create, find, command: remote_uses.hpp), finding
// items by the fields it declared (Remote::finds_by).
Json contract(const std::string& consumer, const Json& remote) {
  const std::string path = remote["path"], key = remote["key"];
  Json calls = Json::array(), finds = Json::array();
  if (uses(remote, "create")) calls.push_back("POST " + path);
  for (const auto& f : remote["findsBy"]) {
    const std::string at = find_path(path, key, f.get<std::string>());
    finds.push_back({{"field", f}, {"path", at}});
    calls.push_back("GET " + at);
  }
  if (uses(remote, "command")) calls.push_back("PATCH " + path + "/{" + key + "}");
  Json c{{"consumer", consumer}, {"provider", remote["service"]}, {"aggregate", remote["aggregate"]},
         {"path", path}, {"item", path + "/{" + key + "}"}, {"uses", remote["uses"]}, {"calls", calls}};
  if (uses(remote, "create")) c["request"] = {{"method", "POST"}, {"path", path}, {"fields", sent_fields(remote)}};
  c["response"] = {{"status", Json::array({200, 201})}, {"reliesOn", relied_fields(remote)}};
  c["findsBy"] = finds;
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
