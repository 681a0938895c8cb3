#include "hexa/docs/openapi.hpp"

#include <algorithm>

#include "hexa/rest/resource_core.hpp"

namespace hexa::docs {
namespace {

using rest::Json;

std::string capital(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string schema_ref(const std::string& schema) { return "#/components/schemas/" + schema; }

Json type_of(const std::string& kind) {
  if (kind == "integer") return {{"type", "integer"}, {"format", "int64"}};
  if (kind == "number") return {{"type", "number"}, {"format", "double"}};
  if (kind == "decimal") return {{"type", "number"}};
  if (kind == "boolean") return {{"type", "boolean"}};
  if (kind == "timestamp") return {{"type", "string"}, {"format", "date-time"}};
  return {{"type", "string"}};
}

// One field's schema with its rules.
Json field_schema(const Json& f) {
  Json s = type_of(f["kind"]);
  const Json& r = f["rules"];
  if (r.contains("min")) s["minimum"] = r["min"];
  if (r.contains("max")) s["maximum"] = r["max"];
  if (r.contains("oneOf")) s["enum"] = r["oneOf"];
  if (r.value("required", false) && f["kind"] == "text") s["minLength"] = 1;
  if (r.value("readOnly", false)) s["readOnly"] = true;
  return s;
}

bool shown(const Json& m, const Json& f) { return f["name"] != "id" || m["key"] == "id"; }
bool writable(const Json& f) { return f["name"] != "id" && !f["rules"].value("readOnly", false); }

// A field as answered: one not required may be null, or empty though it names its values
// (a write may leave it out or send null: the fuzzer's finding).
Json answer_field_schema(const Json& m, const Json& f) {
  Json s = field_schema(f);
  if (f["rules"].value("required", false) || f["name"] == m["key"]) return s;
  s["type"] = Json::array({s["type"], "null"});
  if (s.contains("enum")) {
    if (f["kind"] == "text") s["enum"].push_back("");
    s["enum"].push_back(nullptr);
  }
  return s;
}

// The item as served: every field (not the row id behind a natural key) and its links.
Json item_schema(const Json& m) {
  Json props = Json::object();
  Json required = Json::array();
  for (const auto& f : m["fields"]) {
    if (!shown(m, f)) continue;
    props[f["name"].get<std::string>()] = answer_field_schema(m, f);
    required.push_back(f["name"]);
  }
  props["_links"] = {{"type", "object"}, {"additionalProperties", {{"$ref", schema_ref("Link")}}}};
  return {{"type", "object"}, {"properties", props}, {"required", required}};
}

// A POST or PUT body: the fields that may be written, the required ones required.
Json input_schema(const Json& m) {
  Json props = Json::object();
  Json required = Json::array();
  for (const auto& f : m["fields"]) {
    if (!writable(f) && !(f["rules"].value("key", false) && f["rules"].value("assigned", false))) continue;
    props[f["name"].get<std::string>()] = field_schema(f);
    if (f["rules"].value("required", false)) required.push_back(f["name"]);
  }
  Json s{{"type", "object"}, {"properties", props}};
  if (!required.empty()) s["required"] = required;
  return s;
}

// A PATCH body: any writable field, and each command's field with the values that run it.
Json patch_schema(const Json& m) {
  Json s = input_schema(m);
  s.erase("required");
  for (const auto& c : m.value("commands", Json::array())) {
    auto& p = s["properties"][c["field"].get<std::string>()];
    if (p.is_null()) p = {{"type", "string"}, {"enum", Json::array()}};
    p.erase("readOnly");
    if (!p.contains("enum")) p["enum"] = Json::array();
    p["enum"].push_back(c["value"]);
    const std::string what = c["guarded"].get<bool>() ? "a command that needs another service's yes" : "a command";
    const std::string before = p.value("description", std::string());
    p["description"] = before + (before.empty() ? "" : " ") + c["value"].get<std::string>() + " runs " + what + ".";
  }
  return s;
}

Json collection_schema(const Json& m) {
  return {{"type", "object"},
          {"required", {"_embedded", "_links", "page"}},
          {"properties",
           {{"_embedded", {{"type", "object"}, {"required", {m["collection"]}},
                           {"properties", {{m["collection"].get<std::string>(),
                                            {{"type", "array"}, {"items", {{"$ref", schema_ref(m["name"].get<std::string>())}}}}}}}}},
            {"_links", {{"type", "object"}, {"additionalProperties", {{"$ref", schema_ref("Link")}}}}},
            {"page", {{"$ref", schema_ref("PageMetadata")}}}}}};
}

Json common_schemas() {
  return {{"Link", {{"type", "object"}, {"required", {"href"}}, {"properties", {{"href", {{"type", "string"}}}}}}},
          {"PageMetadata",
           {{"type", "object"},
            {"required", {"size", "totalElements", "totalPages", "number"}},
            {"properties", {{"size", {{"type", "integer"}}}, {"totalElements", {{"type", "integer"}}},
                            {"totalPages", {{"type", "integer"}}}, {"number", {{"type", "integer"}}}}}}},
          {"Error",  // Spring Boot's error JSON
           {{"type", "object"},
            {"required", {"timestamp", "status", "error", "message", "path"}},
            {"properties", {{"timestamp", {{"type", "string"}, {"format", "date-time"}}},
                            {"status", {{"type", "integer"}}}, {"error", {{"type", "string"}}},
                            {"message", {{"type", "string"}}}, {"path", {{"type", "string"}}}}}}}};
}

Json json_content(const std::string& schema) {
  return {{"application/json", {{"schema", {{"$ref", schema_ref(schema)}}}}}};
}

Json answer(const std::string& description, const std::string& schema = "Error") {
  return {{"description", description}, {"content", json_content(schema)}};
}

Json errors(std::initializer_list<int> codes) {
  static const std::map<int, std::string> why{
      {400, "the request is invalid (the message names the field)"},
      {403, "a command this caller may not run: one for a role it lacks, or a value only the service sets"},
      {404, "no such item, or none it refers to (or not the caller's)"},
      {405, "the method is not allowed on this resource (the message says why)"},
      {409, "the change conflicts with the item's state"},
      {415, "the body is not application/json"},
      {503, "busy, or a service it needs is unavailable: nothing changed, retry after Retry-After"}};
  Json out = Json::object();
  for (int c : codes) out[std::to_string(c)] = answer(why.at(c));
  return out;
}

Json paging_parameters() {
  return Json::array(
      {{{"name", "page"}, {"in", "query"}, {"schema", {{"type", "integer"}, {"minimum", 0}, {"default", 0}}}},
       {{"name", "size"}, {"in", "query"}, {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", 2000}, {"default", 20}}}},
       {{"name", "sort"}, {"in", "query"}, {"description", "field,asc or field,desc"},
        {"schema", {{"type", "string"}}}}});
}

const Json* field_named(const Json& m, const std::string& name) {
  for (const auto& f : m["fields"])
    if (f["name"] == name) return &f;
  return nullptr;
}

void with(Json& op, Json more) {
  for (auto& [code, body] : more.items()) op["responses"][code] = body;
}

void add_paths(Json& paths, const Json& m) {
  const std::string name = m["name"], collection = m["collection"], key = m["key"];
  const Json& res = m["resource"];
  const auto allows = [&res](const char* verb) {
    return std::ranges::find(res["methods"], Json(verb)) != res["methods"].end();
  };
  const std::string path = res["path"];
  const bool guarded = res.value("guarded", false);
  // A command limited to a role or to services (CommandAccess): writes that may run it say 403.
  const bool limited = std::ranges::any_of(m.value("commands", Json::array()), [](const Json& c) {
    return c.contains("roles") || c.contains("servicesOnly");
  });
  const auto may_refuse_the_caller = [limited](Json& op) {
    if (limited) with(op, errors({403}));
  };
  Json& list = paths[path];
  list["get"] = {{"tags", {collection}}, {"operationId", "list" + capital(collection)},
                 {"summary", "The " + collection + ", a page at a time"}, {"parameters", paging_parameters()},
                 {"responses", {{"200", answer("a page of " + collection, name + "Collection")}}}};
  with(list["get"], errors({400}));
  if (allows("POST")) {
    Json op{{"tags", {collection}}, {"operationId", "create" + name},
            {"requestBody", {{"required", true}, {"content", json_content(name + "Input")}}},
            {"responses", {{"201", answer("created; Location names it", name)}}}};
    if (!res["idempotentOn"].is_null() || res.value("postUpdatesByKey", false))
      op["responses"]["200"] = answer("an existing item: the same " + (res["idempotentOn"].is_null() ? key : res["idempotentOn"].get<std::string>()), name);
    with(op, errors({400, 404, 409, 415, 503}));  // 404: the domain may find what it refers to missing
    if (guarded) op["description"] = "Counts only once another service said yes (a guarded creation).";
    if (res.value("postUpdatesByKey", false)) may_refuse_the_caller(op);
    list["post"] = std::move(op);
  }
  const Json* key_field = field_named(m, key);
  Json key_param{{"name", key}, {"in", "path"}, {"required", true},
                 {"schema", key_field ? type_of((*key_field)["kind"]) : type_of("integer")}};
  Json& item = paths[path + "/{" + key + "}"];
  item["parameters"] = Json::array({key_param});
  item["get"] = {{"tags", {collection}}, {"operationId", "get" + name},
                 {"responses", {{"200", answer("the " + name, name)}}}};
  with(item["get"], errors({404}));
  if (allows("PUT")) {
    item["put"] = {{"tags", {collection}}, {"operationId", "replace" + name},
                   {"requestBody", {{"required", true}, {"content", json_content(name + "Input")}}},
                   {"responses", {{"200", answer("replaced", name)}}}};
    with(item["put"], errors({400, 404, 409, 415, 503}));
    if (res.value("putRunsCommands", false)) may_refuse_the_caller(item["put"]);
  }
  if (allows("PATCH")) {
    item["patch"] = {{"tags", {collection}}, {"operationId", "patch" + name},
                     {"description", "Sets the fields given; a command's field and value runs the command instead."},
                     {"requestBody", {{"required", true}, {"content", json_content(name + "Patch")}}},
                     {"responses", {{"200", answer("changed", name)}}}};
    with(item["patch"], errors({400, 404, 409, 415, 503}));
    may_refuse_the_caller(item["patch"]);
  }
  if (allows("DELETE")) {
    item["delete"] = {{"tags", {collection}}, {"operationId", "delete" + name},
                      {"responses", {{"204", {{"description", "deleted"}}}}}};
    with(item["delete"], errors({404, 409, 503}));
  }
  for (const auto& finder : res["finders"]) {
    const std::string field = finder;
    const Json* f = field_named(m, field);
    Json params = paging_parameters();
    params.insert(params.begin(), Json{{"name", field}, {"in", "query"}, {"required", true},
                                       {"schema", f ? type_of((*f)["kind"]) : type_of("text")}});
    paths[path + "/search/" + rest::finder_name(field)]["get"] = {
        {"tags", {collection}}, {"operationId", "find" + capital(collection) + "By" + capital(field)},
        {"parameters", params},
        {"responses", {{"200", answer(collection + " whose " + field + " is the one given", name + "Collection")}}}};
    with(paths[path + "/search/" + rest::finder_name(field)]["get"], errors({400}));
  }
}

}  // namespace

Json openapi(const Json& description) {
  Json paths = Json::object();
  Json schemas = common_schemas();
  for (const char* group : {"aggregates", "views"})
    for (const auto& m : description[group]) {
      if (!m.contains("resource")) continue;  // a local view: not served
      const std::string name = m["name"];
      schemas[name] = item_schema(m);
      schemas[name + "Collection"] = collection_schema(m);
      if (!m["resource"]["methods"].empty() && m["resource"]["methods"].size() > 1) {
        schemas[name + "Input"] = input_schema(m);
        schemas[name + "Patch"] = patch_schema(m);
      }
      add_paths(paths, m);
    }
  return {{"openapi", "3.1.0"},
          {"info", {{"title", description["service"]}, {"version", "1"},
                    {"description", "Generated by hexa from the service's declarations."}}},
          {"paths", paths},
          {"components", {{"schemas", schemas}}}};
}

RouteHandler api_docs_route(const Json& description) {
  return [doc = openapi(description).dump()](const http::Request& req, const PathParams&) {
    return http::json_response(req, http::Status::ok, doc);
  };
}

}  // namespace hexa::docs
